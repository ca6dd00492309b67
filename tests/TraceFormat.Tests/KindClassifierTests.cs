using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class KindClassifierTests
{
    /// <summary>One classification: the batch columns and the block's bits it wrote, and where the extension column stands.</summary>
    sealed record Outcome(EventKind[] Kinds, int[] Sizes, ushort[] Slots, ulong[] Address, ulong[] Size, ulong[] Aux, ulong[] Data, int ExtPos, string? Error);

    /// <summary>Event counts around the 16-lane step and the 64-bit words, for each format version.</summary>
    public static IEnumerable<object[]> Cases() =>
        from version in new[] { 1, 2, 3 }
        from count in new[] { 0, 1, 15, 16, 17, 63, 64, 65, 1000, DecodeScratch.BlockEvents }
        select new object[] { version, count };

    static bool HasShuffle => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>The 16-lane step alone.</summary>
    static void Narrow(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos) =>
        KindClassifier.ClassifyVector(input, start, end, bits, ref extPos, wide: false);

    /// <summary>The 64-lane step for the whole words, then the 16-lane step (AVX-512 BW only).</summary>
    static void Wide(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos) =>
        KindClassifier.ClassifyVector(input, start, end, bits, ref extPos, wide: Avx512BW.IsSupported);

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ClassifyVector_ValidKindBytes_EqualsScalarTwin(int version, int count)
    {
        if (!HasShuffle) Assert.Inconclusive("no byte shuffle on this cpu");
        var (ctx, kinds, agents, ext) = ValidEvents(version, count, seed: 20261206 + 97 * version + count);
        var scalar = Run(KindClassifier.ClassifyScalar, ctx, kinds, agents, ext);
        Assert.IsNull(scalar.Error, scalar.Error);
        AssertSame(scalar, Run(Narrow, ctx, kinds, agents, ext), count);
        AssertSame(scalar, Run(Wide, ctx, kinds, agents, ext), count);
        Assert.AreEqual(ext.Length, scalar.ExtPos, "every extension byte is taken");
        // The scalar twin against the kind-byte table it stands for.
        for (int i = 0; i < count; i++)
        {
            int f = KindByte.EntryFor(version, scalar.Kinds[i], kinds[i]);
            Assert.AreNotEqual(0, f, $"event {i}");
            Assert.AreEqual(f >> KindByte.FixedSizeShift, scalar.Sizes[i], $"event {i} size");
            Assert.AreEqual((f & KindByte.HasAddress) != 0, Bit(scalar.Address, i), $"event {i} address bit");
            Assert.AreEqual((f & KindByte.HasData) != 0, Bit(scalar.Data, i), $"event {i} data bit");
            Assert.AreEqual((f & KindByte.HasAux) != 0, Bit(scalar.Aux, i), $"event {i} aux bit");
        }
    }

    /// <summary>Random kind bytes and agents (mostly invalid, some out of range): both paths report the same first error.</summary>
    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ClassifyVector_RandomBytes_ReportsWhatTheScalarTwinReports(int version, int count)
    {
        if (!HasShuffle) Assert.Inconclusive("no byte shuffle on this cpu");
        for (int seed = 0; seed < 8; seed++)
        {
            var (ctx, kinds, agents, ext) = ValidEvents(version, count, seed: 7 * seed + count);
            var rng = new Random(seed);
            // Corrupt a few events (or none) after a valid prefix, so that errors land in every lane position.
            for (int c = rng.Next(3); c > 0 && count > 0; c--)
            {
                int at = rng.Next(count), what = rng.Next(ext.Length > 0 ? 4 : 2);
                if (what == 0) kinds[at] = (byte)rng.Next(256);
                else if (what == 1) agents[at] = (ushort)rng.Next(ctx.AgentCount + 3);
                // The extension column: a byte turned into another kind (or past the last), or the column cut short,
                // so that raise_irq lanes meet every other extension byte and none.
                else if (what == 2) ext[rng.Next(ext.Length)] = (byte)rng.Next(FormatLayout.ExtensionKinds + 2);
                else ext = ext[..rng.Next(ext.Length)];
            }
            var scalar = Run(KindClassifier.ClassifyScalar, ctx, kinds, agents, ext);
            foreach (var vector in new[] { Run(Narrow, ctx, kinds, agents, ext), Run(Wide, ctx, kinds, agents, ext) })
            {
                Assert.AreEqual(scalar.Error, vector.Error, $"seed {seed}");
                if (scalar.Error is null) AssertSame(scalar, vector, count);
            }
        }
    }

    /// <summary>
    /// The vector step takes a v3 lane of nibble 15 as raise_irq when its extension byte is 0: with any other byte
    /// in its place, the lane is a different kind (or none), and both paths must say the same about it.
    /// </summary>
    [TestMethod]
    public void ClassifyVector_RaiseIrqLaneWithAnotherExtensionByte_ReportsWhatTheScalarTwinReports()
    {
        if (!HasShuffle) Assert.Inconclusive("no byte shuffle on this cpu");
        var (ctx, kinds, agents, ext) = ValidEvents(3, 256, seed: 41);
        int raised = 0;
        for (int i = 0, e = 0; i < kinds.Length; i++)
        {
            if ((kinds[i] & 0xF) != FormatLayout.ExtendedNibble) continue;
            if (ext[e] == 0)
            {
                raised++;
                for (int other = 1; other <= FormatLayout.ExtensionKinds + 1; other++)
                {
                    var changed = ext.ToArray();
                    changed[e] = (byte)other;
                    var scalar = Run(KindClassifier.ClassifyScalar, ctx, kinds, agents, changed);
                    foreach (var vector in new[] { Run(Narrow, ctx, kinds, agents, changed), Run(Wide, ctx, kinds, agents, changed) })
                    {
                        Assert.AreEqual(scalar.Error, vector.Error, $"event {i}, extension byte {other}");
                        if (scalar.Error is null) AssertSame(scalar, vector, kinds.Length);
                    }
                }
            }
            e++;
        }
        Assert.IsGreaterThan(0, raised, "the events hold a raise_irq");
    }

    /// <summary>
    /// An error in every lane of both vector steps (80 events: a 64-lane step, then a 16-lane one; the 16-lane step alone
    /// takes all 80 in its five steps), each reported as the scalar twin reports it: a kind byte no writer produces, an
    /// event by agent 16 in a trace of 16 agents (the most the class lookup holds), or a v3 raise_irq (nibble 15,
    /// extension byte 0, which the steps take without the table) by a cpu. The random cases place their errors where a
    /// seed puts them, not in every lane, and declare at most 14 agents. A byte shuffle reads only the low 4 bits of an
    /// index without its top bit, so agent 16 of 16 looks up agent 0's class: only the range check keeps it out.
    /// </summary>
    [TestMethod]
    [DataRow("kind byte")]
    [DataRow("agent past the last")]
    [DataRow("raise_irq by a cpu")]
    public void ClassifyVector_AnErrorInEveryLane_ReportsWhatTheScalarTwinReports(string spoil)
    {
        if (!HasShuffle) Assert.Inconclusive("no byte shuffle on this cpu");
        const int seed = 77, count = 80;
        int declared = new RandomTraces(seed).Metadata(Arch.Arm64).Agents.Count;
        var gen = new RandomTraces(seed);
        var ctx = new EventContext(gen.Metadata(Arch.Arm64, extraAgents: KindClassifier.VectorAgents - declared), 3);
        Assert.AreEqual(KindClassifier.VectorAgents, ctx.AgentCount);
        var (kinds, agents, ext) = EventsOf(ctx, 3, count, gen.Rng);
        byte unused = (byte)Enumerable.Range(0, 256).First(kb => ctx.KindTable[kb] == 0 && (kb & 0xF) != FormatLayout.ExtendedNibble);
        ushort cpu = (ushort)Array.IndexOf(ctx.AgentClass, (byte)EventContext.CpuClass);
        string expected = spoil switch
        {
            "kind byte" => $"kind byte 0x{unused:x2}",
            "agent past the last" => $"but the trace declares {KindClassifier.VectorAgents} agents",
            _ => $"(raise_irq) by agent {cpu}, which is a cpu",
        };
        for (int at = 0; at < count; at++)
        {
            var (spoiledKinds, spoiledAgents, spoiledExt) = (kinds.ToArray(), agents.ToArray(), ext.ToList());
            if (spoil == "kind byte") spoiledKinds[at] = unused;
            else if (spoil == "agent past the last") spoiledAgents[at] = KindClassifier.VectorAgents;
            else
            {
                // The event's extension byte goes after those of the extended kinds before it (replacing its own).
                int e = kinds.Take(at).Count(kb => (kb & 0xF) == FormatLayout.ExtendedNibble);
                if ((kinds[at] & 0xF) == FormatLayout.ExtendedNibble) spoiledExt.RemoveAt(e);
                spoiledExt.Insert(e, 0);
                (spoiledKinds[at], spoiledAgents[at]) = (FormatLayout.ExtendedNibble, cpu);
            }
            var scalar = Run(KindClassifier.ClassifyScalar, ctx, spoiledKinds, spoiledAgents, [.. spoiledExt]);
            Assert.IsNotNull(scalar.Error, $"event {at}: the scalar twin took it");
            StringAssert.Contains(scalar.Error, expected, $"event {at}");
            Assert.AreEqual(scalar.Error, Run(Narrow, ctx, spoiledKinds, spoiledAgents, [.. spoiledExt]).Error, $"event {at}, 16-lane step");
            Assert.AreEqual(scalar.Error, Run(Wide, ctx, spoiledKinds, spoiledAgents, [.. spoiledExt]).Error, $"event {at}, 64-lane step");
        }
    }

    [TestMethod]
    public void Classify_ExtendedKindWithoutExtensionByte_NamesTheColumn()
    {
        var (ctx, kinds, agents, _) = ValidEvents(3, 40, seed: 5);
        int cpu = Array.FindIndex(ctx.AgentClass, c => c == EventContext.CpuClass);
        kinds[20] = FormatLayout.ExtendedNibble;
        agents[20] = (ushort)cpu;
        for (int i = 0; i < kinds.Length; i++)
            if (i != 20 && (kinds[i] & 0xF) == FormatLayout.ExtendedNibble) kinds[i] = (byte)EventKind.Barrier;
        var vector = Run(KindClassifier.ClassifyVector, ctx, kinds, agents, []);
        // The payload starts at file offset 64; the extension column ends after the 4-byte prefix and 40 kinds.
        Assert.AreEqual("k.trace: byte offset 108 (chunk 2): event 1020 has kind nibble 15 (extended), but the extension column has no byte left for it", vector.Error);
    }

    static bool Bit(ulong[] bits, int i) => (bits[i >> 6] >> (i & 63) & 1) != 0;

    static void AssertSame(Outcome scalar, Outcome vector, int count)
    {
        CollectionAssert.AreEqual(scalar.Kinds[..count], vector.Kinds[..count], "kinds");
        CollectionAssert.AreEqual(scalar.Sizes[..count], vector.Sizes[..count], "sizes");
        for (int i = 0; i < count; i++)
            if (Bit(scalar.Address, i)) Assert.AreEqual(scalar.Slots[i], vector.Slots[i], $"slot of event {i}");
        CollectionAssert.AreEqual(scalar.Address, vector.Address, "address bits");
        CollectionAssert.AreEqual(scalar.Size, vector.Size, "size bits");
        CollectionAssert.AreEqual(scalar.Aux, vector.Aux, "aux bits");
        CollectionAssert.AreEqual(scalar.Data, vector.Data, "data bits");
        Assert.AreEqual(scalar.ExtPos, vector.ExtPos, "extension position");
    }

    delegate void Classifier(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos);

    /// <summary>Classifies the events as one block of a payload: 4 bytes before the kinds, the extension column after them.</summary>
    static Outcome Run(Classifier classify, EventContext ctx, byte[] kinds, ushort[] agents, byte[] ext)
    {
        int count = kinds.Length;
        var padded = new byte[4 + count + ext.Length + 16];
        kinds.CopyTo(padded, 4);
        ext.CopyTo(padded, 4 + count);
        var batch = new EventBatch(Math.Max(1, count));
        agents.CopyTo(batch.Agents, 0);
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        // Stale bits and columns from an earlier block must not leak into this one.
        Array.Fill(bits.Address, ulong.MaxValue);
        Array.Fill(bits.Data, ulong.MaxValue);
        int extPos = 4 + count;
        string? error = null;
        try
        {
            classify(new ClassifyInput(padded, 4, 4 + count + ext.Length, 1000, ctx, batch, new ChunkOrigin("k.trace", 2, 64, true)), 0, count, bits, ref extPos);
        }
        catch (TraceFormatException e)
        {
            error = e.Message;
        }
        int words = ColumnBits.Words(count);
        return new Outcome(batch.Kinds.ToArray(), batch.Sizes.ToArray(), bits.Slots.ToArray(),
            bits.Address[..words], bits.Size[..words], bits.Aux[..words], bits.Data[..words], extPos - 4 - count, error);
    }

    /// <summary>Valid kind bytes (every kind the version holds, every valid flag combination) with agents of the right class, and the extension bytes.</summary>
    static (EventContext Ctx, byte[] Kinds, ushort[] Agents, byte[] Ext) ValidEvents(int version, int count, int seed)
    {
        var gen = new RandomTraces(seed);
        var ctx = new EventContext(gen.Metadata(Arch.Arm64, extraAgents: seed % 9), version);
        var (kinds, agents, ext) = EventsOf(ctx, version, count, gen.Rng);
        return (ctx, kinds, agents, ext);
    }

    /// <summary>Valid events of <paramref name="ctx"/>'s agents, as <see cref="ValidEvents"/>.</summary>
    static (byte[] Kinds, ushort[] Agents, byte[] Ext) EventsOf(EventContext ctx, int version, int count, Random rng)
    {
        var kinds = new byte[count];
        var agents = new ushort[count];
        var ext = new List<byte>();
        int kindCount = FormatLayout.KindCount(version);
        for (int i = 0; i < count; i++)
        {
            while (true)
            {
                var kind = (EventKind)rng.Next(kindCount);
                byte kb = (byte)(Math.Min((int)kind, FormatLayout.ExtendedNibble) | rng.Next(16) << 4);
                int f = KindByte.EntryFor(version, kind, kb);
                if (f == 0) continue;
                var candidates = Enumerable.Range(0, ctx.AgentCount).Where(a => ctx.AgentClass[a] == (f & KindByte.ClassMask)).ToArray();
                if (candidates.Length == 0) continue;
                kinds[i] = kb;
                agents[i] = (ushort)candidates[rng.Next(candidates.Length)];
                if (version >= FormatLayout.ExtendedVersion && (int)kind >= FormatLayout.ExtendedNibble) ext.Add((byte)(kind - FormatLayout.ExtendedNibble));
                break;
            }
        }
        return (kinds, agents, ext.ToArray());
    }
}
