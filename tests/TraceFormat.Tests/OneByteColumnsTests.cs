using System.Runtime.Intrinsics.X86;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// The expand form of the sizes and aux passes (<see cref="OneByteColumns"/>) against the walk of set bits it stands
/// for: the same columns, cursors and first error on fixed-seed blocks of valid and corrupted entries.
/// </summary>
[TestClass]
public sealed class OneByteColumnsTests
{
    /// <summary>Per block: events, how dense its entries are (per 16), and what share of them are spoiled (per 64).</summary>
    public static IEnumerable<object[]> Cases() =>
        from events in new[] { 1, 63, 64, 65, 1000, DecodeScratch.BlockEvents }
        from density in new[] { 1, 3, 16 }
        from spoiled in new[] { 0, 1 }
        select new object[] { events, density, spoiled };

    static bool HasExpand => Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Bmi2.X64.IsSupported;

    /// <summary>The kinds whose events carry an aux operand, v3.</summary>
    static readonly EventKind[] AuxKinds = Enum.GetValues<EventKind>().Where(k => (int)k < EventKinds.Count && k.HasAux()).ToArray();

    sealed record Outcome(int[] Sizes, uint[] Aux, int SizePos, int AuxPos, string? SizeError, string? AuxError);

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Expand_RandomBlocks_EqualsTheWalkOfSetBits(int events, int density, int spoiled)
    {
        if (!HasExpand) Assert.Inconclusive("no AVX-512 VBMI2 on this cpu");
        for (int seed = 0; seed < 6; seed++)
        {
            var block = Block(events, density, spoiled, seed: 1000 * events + 10 * density + seed);
            var scalar = Run(block, vectors: false);
            var vector = Run(block, vectors: true);
            Assert.AreEqual(scalar.SizeError, vector.SizeError, $"seed {seed}: size error");
            Assert.AreEqual(scalar.AuxError, vector.AuxError, $"seed {seed}: aux error");
            if (scalar.SizeError is null)
            {
                CollectionAssert.AreEqual(scalar.Sizes, vector.Sizes, $"seed {seed}: sizes");
                Assert.AreEqual(scalar.SizePos, vector.SizePos, $"seed {seed}: size cursor");
            }
            if (scalar.AuxError is null)
            {
                CollectionAssert.AreEqual(scalar.Aux, vector.Aux, $"seed {seed}: aux");
                Assert.AreEqual(scalar.AuxPos, vector.AuxPos, $"seed {seed}: aux cursor");
            }
            if (spoiled == 0) Assert.IsNull(scalar.SizeError ?? scalar.AuxError, $"seed {seed}: valid block: {scalar.SizeError ?? scalar.AuxError}");
        }
    }

    /// <summary>
    /// A size 0 stands for all entries only on a dev_invalidate of address 0: the walk of one-byte sizes and the expand
    /// (which leaves the word to the varint walk) take it there and refuse it on a dev_invalidate of another address or
    /// on another kind. The random blocks give size entries only to stores and aux kinds at addresses 0 and 0x1000, and
    /// compare the paths with each other, so a walk that let one of these through would go unseen.
    /// </summary>
    [TestMethod]
    [DataRow(EventKind.DevInvalidate, 0UL, true)]
    [DataRow(EventKind.DevInvalidate, 0x1000UL, false)]
    [DataRow(EventKind.Store, 0UL, false)]
    public void Sizes_SizeZero_TakenOnlyForADevInvalidateOfAddressZero(EventKind kind, ulong address, bool valid)
    {
        const int events = 70, zeroAt = 66, at = 20;
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        var kinds = new EventKind[events];
        Array.Fill(kinds, EventKind.Store);
        var addresses = new ulong[events];
        var padded = new byte[at + events + TraceTools.TraceFormat.Internals.Varint.Padding + 64];
        for (int i = 0; i < events; i++)
        {
            padded[at + i] = (byte)(1 + i);
            bits.Set(i, 0, 1, 0, 0);
        }
        kinds[zeroAt] = kind;
        addresses[zeroAt] = address;
        padded[at + zeroAt] = 0;
        var cols = new ColumnSpans { SizeAt = at, SizeEnd = at + events, AuxAt = at + events, AuxEnd = at + events };
        var block = new BlockInput(new EventContext(new RandomTraces(5).Metadata(Arch.Arm64)), kinds, new int[events], addresses, bits, padded, cols);
        foreach (bool vectors in HasExpand ? new[] { false, true } : [false])
        {
            var outcome = Run(block, vectors);
            if (valid) Assert.IsNull(outcome.SizeError, $"vectors {vectors}: {outcome.SizeError}");
            else
            {
                Assert.IsNotNull(outcome.SizeError, $"vectors {vectors}: the size 0 was taken");
                StringAssert.Contains(outcome.SizeError, $"event {5000 + zeroAt} ({kind.OpName()}) has size 0", $"vectors {vectors}");
            }
        }
    }

    /// <summary>
    /// A sizes column one entry short of its events, followed by a byte that would pass as a size (the next column's):
    /// both paths name the last event, whose entry is missing, and take none past the column. The expand checks the
    /// run of one-byte entries against the column's end; one byte of slack there read the next column's byte as the
    /// last size, which the random blocks (a cut column in one case of four, rarely ending on a one-byte run) caught
    /// only by chance. With 64 events the missing entry lies in a word the expand takes; with 1 or 70 in one it
    /// leaves to the twin (a block shorter than a word; the word after a full one, past the batch's last 64 events).
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(64)]
    [DataRow(70)]
    public void Sizes_ColumnOneEntryShort_BothPathsNameTheEventWithout(int events)
    {
        const int at = 20;
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        var kinds = new EventKind[events];
        Array.Fill(kinds, EventKind.Store);
        // The column holds events - 1 sizes; the byte after it (a valid size 7) belongs to the aux column.
        var padded = new byte[at + events + TraceTools.TraceFormat.Internals.Varint.Padding + 64];
        for (int i = 0; i < events; i++)
        {
            padded[at + i] = (byte)(1 + i % 100);
            bits.Set(i, 0, 1, 0, 0);
        }
        padded[at + events - 1] = 7;
        var cols = new ColumnSpans { SizeAt = at, SizeEnd = at + events - 1, AuxAt = at + events - 1, AuxEnd = at + events };
        var block = new BlockInput(new EventContext(new RandomTraces(5).Metadata(Arch.Arm64)), kinds, new int[events], new ulong[events], bits, padded, cols);
        foreach (bool vectors in HasExpand ? new[] { false, true } : [false])
        {
            var outcome = Run(block, vectors);
            Assert.IsNotNull(outcome.SizeError, $"vectors {vectors}: the aux column's byte was taken as the last size");
            StringAssert.Contains(outcome.SizeError, $"event {5000 + events - 1}: the size column ends", $"vectors {vectors}");
        }
    }

    /// <summary>One block: its context, kinds, fixed sizes, addresses, column bits and the payload with both columns.</summary>
    sealed record BlockInput(EventContext Ctx, EventKind[] Kinds, int[] Sizes, ulong[] Addresses, ColumnBits Bits, byte[] Padded, ColumnSpans Cols);

    static BlockInput Block(int events, int density, int spoiled, int seed)
    {
        var gen = new RandomTraces(seed);
        var ctx = new EventContext(gen.Metadata(Arch.Arm64, extraAgents: seed % 5));
        var rng = gen.Rng;
        // The aux kinds this trace can hold (a lock needs a declared lock).
        var auxKinds = AuxKinds.Where(k => Enumerable.Range(0, 128).Any(a => ctx.AuxRules.Ok((int)k, (ulong)a))).ToArray();
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        var kinds = new EventKind[events];
        var sizes = new int[events];
        var addresses = new ulong[events];
        var sizeColumn = new List<byte>();
        var auxColumn = new List<byte>();
        for (int i = 0; i < events; i++)
        {
            bool hasSize = rng.Next(16) < density, hasAux = rng.Next(16) < density;
            kinds[i] = hasAux ? auxKinds[rng.Next(auxKinds.Length)] : EventKind.Store;
            addresses[i] = (ulong)rng.Next(2) * 0x1000;
            sizes[i] = hasSize ? 0 : 4;
            if (hasSize)
            {
                // Mostly one byte; some two-byte varints; a spoiled one is 0 (valid only for dev_invalidate of all), too large, or cut.
                int size = rng.Next(8) == 0 ? 128 + rng.Next(3900) : 1 + rng.Next(127);
                if (rng.Next(64) < spoiled) size = rng.Next(2) == 0 ? 0 : 4097 + rng.Next(100);
                Varint(sizeColumn, (ulong)size);
            }
            if (hasAux)
            {
                ulong aux = AuxFor(ctx, kinds[i], rng);
                if (rng.Next(64) < spoiled) aux = (ulong)rng.Next(rng.Next(2) == 0 ? 128 : 1 << 20);
                Varint(auxColumn, aux);
            }
            bits.Set(i, 0, hasSize ? 1 : 0, hasAux ? 1 : 0, 0);
        }
        // A spoiled column may end early, inside a varint or before an entry.
        if (spoiled > 0 && rng.Next(4) == 0 && sizeColumn.Count > 0) sizeColumn.RemoveRange(sizeColumn.Count - 1 - rng.Next(Math.Min(3, sizeColumn.Count)), 1);
        if (spoiled > 0 && rng.Next(4) == 0 && auxColumn.Count > 0) auxColumn.RemoveAt(auxColumn.Count - 1);
        int at = 20; // something before the columns, so that offsets are not 0
        var padded = new byte[at + sizeColumn.Count + auxColumn.Count + TraceTools.TraceFormat.Internals.Varint.Padding + rng.Next(80)];
        sizeColumn.CopyTo(padded, at);
        auxColumn.CopyTo(padded, at + sizeColumn.Count);
        var cols = new ColumnSpans
        {
            SizeAt = at, SizeEnd = at + sizeColumn.Count,
            AuxAt = at + sizeColumn.Count, AuxEnd = at + sizeColumn.Count + auxColumn.Count,
        };
        return new BlockInput(ctx, kinds, sizes, addresses, bits, padded, cols);
    }

    /// <summary>A valid operand of <paramref name="kind"/>, mostly below 128, sometimes one of several bytes.</summary>
    static ulong AuxFor(EventContext ctx, EventKind kind, Random rng)
    {
        while (true)
        {
            ulong aux = rng.Next(6) == 0 ? (ulong)rng.Next(1 << 18) : (ulong)rng.Next(128);
            if (ctx.AuxRules.Ok((int)kind, aux)) return aux;
        }
    }

    static void Varint(List<byte> column, ulong v)
    {
        for (; v >= 0x80; v >>= 7) column.Add((byte)(v | 0x80));
        column.Add((byte)v);
    }

    static Outcome Run(BlockInput b, bool vectors)
    {
        int events = b.Kinds.Length;
        var batch = new EventBatch(events);
        b.Kinds.CopyTo(batch.Kinds, 0);
        b.Sizes.CopyTo(batch.Sizes, 0);
        b.Addresses.CopyTo(batch.Addresses, 0);
        Array.Fill(batch.Aux, 0xDEADu); // stale values of an earlier chunk
        var padded = b.Padded.ToArray();
        var origin = new ChunkOrigin("b.trace", 3, 100, true);
        var cursors = new ColumnCursors { Size = b.Cols.SizeAt, Aux = b.Cols.AuxAt };
        bool oneByteSizes = b.Padded.AsSpan(b.Cols.SizeAt, b.Cols.SizeEnd - b.Cols.SizeAt).IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0;
        bool oneByteAux = b.Padded.AsSpan(b.Cols.AuxAt, b.Cols.AuxEnd - b.Cols.AuxAt).IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0;
        string? sizeError = null, auxError = null;
        try
        {
            ChunkDecoder.DecodeSizes(padded, b.Cols, 0, events, 5000, oneByteSizes, b.Bits, batch, ref cursors, origin, vectors);
        }
        catch (TraceFormatException e)
        {
            sizeError = e.Message;
        }
        try
        {
            ChunkDecoder.DecodeAux(padded, b.Cols, 0, events, 5000, oneByteAux, b.Ctx, b.Bits, batch, ref cursors, origin, vectors);
        }
        catch (TraceFormatException e)
        {
            auxError = e.Message;
        }
        return new Outcome(batch.Sizes[..events], batch.Aux[..events], cursors.Size, cursors.Aux, sizeError, auxError);
    }
}
