using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// The C writer against the reference: a fixed-seed mix of every kind (0..25) recorded by tracetools.c, read
/// back by TraceReader and written again by the C# TraceWriter with the same options and format version 3,
/// gives the same bytes (header, metadata and its sections, every column of every chunk, LZ4 blocks, footer).
/// </summary>
[TestClass]
public sealed class WriterEquivalenceTests
{
    static CProgram s_program = null!;

    [ClassInitialize]
    public static void Build(TestContext _) => s_program = new CProgram(CProgram.ProgramsDir, "every_kind.c");

    [ClassCleanup]
    public static void Clean() => s_program.Dispose();

    [TestMethod]
    [DataRow(1, 2, "none", 4096, 3000, "none")]
    [DataRow(42, 7, "none", 100, 5000, "line128")]
    [DataRow(7, 300, "none", 1000, 5000, "novalues")]        // two-byte agent ids
    [DataRow(11, 256, "none", 1000, 2000, "line32,novalues")] // the most agents with one-byte ids
    [DataRow(13, 4096, "none", 1000, 2000, "none")]          // the most agents a trace may declare: two-byte packed aux
    [DataRow(17, 2, "none", 1 << 20, 2000, "none")]          // the most events a chunk may hold
    [DataRow(99, 4, "lz4", 1500, 6000, "line128,novalues")]  // codec per chunk: LZ4 where it pays
    [DataRow(3, 300, "lz4", 700, 4000, "none")]              // LZ4 with two-byte agent ids
    [DataRow(2, 2, "lz4", 5, 400, "none")]                   // chunks LZ4 does not shrink (two; one exactly as long as raw, liblz4 1.9.4): stored as is
    [DataRow(5, 3, "none", 1, 50, "line32")]                 // one event per chunk
    // Section 4, the devices' IOMMU modes at the start: alone, after sections 2 and 3, device ids of two varint bytes.
    [DataRow(19, 2, "none", 4096, 2000, "bypass1")]                     // the one device in bypass
    [DataRow(23, 7, "none", 100, 3000, "modes")]                        // three devices: translate (not listed), bypass, abort
    [DataRow(29, 9, "lz4", 500, 3000, "line128,novalues,modes")]        // sections 2, 3 and 4
    [DataRow(31, 300, "none", 1000, 3000, "line32,modes")]              // two-byte agent ids; ids over 127 are two varint bytes
    [DataRow(37, 4096, "none", 1000, 2000, "novalues,modes")]           // 2048 devices, 1365 of them listed
    // Section 1, used bits: one table; three tables whose rules came in another order than their regions'; the
    // most a table may hold (1024 rules, 256 runs and 256 conditions in one, a region index of two varint bytes).
    [DataRow(41, 2, "none", 4096, 2000, "used1")]
    [DataRow(43, 5, "none", 500, 2000, "used1,usedmany")]
    [DataRow(47, 3, "none", 1000, 2000, "usedmany,line32")]              // sections 1 and 2
    [DataRow(53, 9, "lz4", 1000, 2000, "usedmax,novalues,modes")]        // sections 1, 3 and 4
    [DataRow(59, 300, "none", 1000, 2000, "used1,usedmany,usedmax,line128,novalues,modes")] // every section
    public void EveryKind_CWriter_SameBytesAsCSharpWriter(int seed, int agents, string codec, int chunkEvents, int events, string sections)
    {
        string path = Path.Combine(s_program.Dir, $"ek-{seed}-{agents}-{codec}.trace");
        var (exit, _, err) = s_program.Run(path, seed.ToString(), agents.ToString(), codec, chunkEvents.ToString(), events.ToString(), sections);
        Assert.AreEqual(0, exit, err);

        byte[] written = File.ReadAllBytes(path);
        using var reader = TraceReader.Open(path);
        Assert.AreEqual(3, reader.Version, "the C recorder writes format v3");
        // The sections the program asked for came back (the byte comparison alone would pass with none on both sides).
        Assert.AreEqual(sections.Contains("line128") ? 128 : sections.Contains("line32") ? 32 : 64, reader.Metadata.CacheLineSize);
        Assert.AreEqual(!sections.Contains("novalues"), reader.Metadata.MemoryValuesRecorded);
        CollectionAssert.AreEqual(ModesAtStart(agents, sections), reader.Metadata.Agents.Select(a => a.IommuAtStart).ToArray(), "IOMMU modes at the start (section 4)");
        var used = UsedBitsOf(sections);
        foreach (var region in reader.Metadata.Regions)
            Assert.AreEqual(Show(used.GetValueOrDefault(region.Name)), Show(region.UsedBits), $"used bits of region '{region.Name}' (section 1)");
        Assert.AreEqual(used.Count, reader.Metadata.Regions.Count(r => used.ContainsKey(r.Name)), "every table with used bits is declared");
        var output = new MemoryStream();
        // The C recorder writes format v3 (docs/trace-format.md); the C# writer writes v4 unless told.
        var options = new TraceWriterOptions { Codec = codec == "lz4" ? TraceCodec.Lz4 : TraceCodec.None, ChunkEvents = chunkEvents, FormatVersion = 3 };
        var kinds = new HashSet<EventKind>();
        using (var writer = new TraceWriter(output, reader.Metadata, options))
        {
            var batch = new EventBatch();
            while (reader.ReadBatch(batch))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    writer.Append(batch[i], batch.GetData(i));
                    kinds.Add(batch.Kinds[i]);
                }
            }
            writer.Complete();
        }
        Assert.IsFalse(reader.Truncated);
        Assert.AreEqual(events, reader.IndexedEventCount);
        // The C recorder writes v3, which holds kinds 0..25: its mix must hold each of them.
        if (events >= 1000) Assert.HasCount(EventKinds.Count, kinds, "the mix must hold every kind v3 holds");
        byte[] reference = output.ToArray();
        int diff = FirstDifference(written, reference);
        Assert.AreEqual(-1, diff, $"C and C# traces differ at byte {diff} (lengths {written.Length} and {reference.Length})");
    }

    [TestMethod]
    public void EveryKind_Sites_ProgramSitesSortedThenRunTimeSitesWithDuplicatesShared()
    {
        string path = Path.Combine(s_program.Dir, "sites.trace");
        Assert.AreEqual(0, s_program.Run(path, "3", "2", "none", "4096", "10").Exit);
        using var reader = TraceReader.Open(path);
        var sites = reader.Metadata.Sites;
        var program = sites.Where(s => s.StartsWith("every_kind.c:", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, program, string.Join(", ", sites));
        CollectionAssert.AreEqual(program.Order(StringComparer.Ordinal).ToList(), program);
        CollectionAssert.AreEqual(new[] { "run-time site ü", "other" }, sites.Skip(3).ToList());
    }

    /// <summary>
    /// The byte comparison above cannot see a slip that the reader undoes (a flag the reader reads back
    /// as the writer wrongly wrote it, a site dropped on both sides): here every event the program
    /// passed to tracetools.h, as its log states, and every declaration of every_kind.c come back.
    /// </summary>
    [TestMethod]
    public void EveryKind_ReadBack_EventsAndDeclarationsAsTheProgramPassedThem()
    {
        string path = Path.Combine(s_program.Dir, "readback.trace"), log = Path.Combine(s_program.Dir, "readback.log");
        var (exit, _, err) = s_program.Run(path, "42", "7", "none", "100", "3000", "none", log);
        Assert.AreEqual(0, exit, err);
        using var reader = TraceReader.Open(path);
        var m = reader.Metadata;

        // Agents alternate cpu, device; devices alternate noncoherent, coherent (every_kind.c).
        Assert.AreEqual(Arch.Arm64, m.Arch);
        Assert.AreEqual("every kind", m.Name);
        CollectionAssert.AreEqual(new[]
        {
            new AgentInfo("cpu0", AgentKind.Cpu), new AgentInfo("dev1", AgentKind.Device, false),
            new AgentInfo("cpu2", AgentKind.Cpu), new AgentInfo("dev3", AgentKind.Device, true),
            new AgentInfo("cpu4", AgentKind.Cpu), new AgentInfo("dev5", AgentKind.Device, false),
            new AgentInfo("cpu6", AgentKind.Cpu),
        }, m.Agents.ToArray());
        var tbl = m.Regions.Single(r => r.Name == "tbl");
        Assert.AreEqual((RegionKind.Table, 0x40000000UL, 64UL * 32, 1, 64UL, 32U, 8U, 255U),
            (tbl.Kind, tbl.Base, tbl.Size, tbl.Device, tbl.Entries, tbl.EntrySize, tbl.Granule, tbl.PresentBit));
        var regs = m.Regions.Single(r => r.Name == "regs");
        Assert.AreEqual((RegionKind.Mmio, 0x30000000UL, 0x10000UL, 1), (regs.Kind, regs.Base, regs.Size, regs.Device));
        var mem = m.Regions.Single(r => r.Name == "mem");
        Assert.AreEqual((RegionKind.Ram, 0x10000000UL, 1UL << 20, -1), (mem.Kind, mem.Base, mem.Size, mem.Device));
        CollectionAssert.AreEqual(new[] { "l0", "l.1" }, m.Locks.ToArray());

        var expected = File.ReadAllLines(log);
        Assert.HasCount(3000, expected);
        var batch = new EventBatch();
        int n = 0;
        while (reader.ReadBatch(batch))
        {
            for (int i = 0; i < batch.Count; i++, n++)
            {
                string site = batch.Sites[i] < 0 ? "-" : m.Sites[batch.Sites[i]];
                string data = batch.HasData(i) ? Convert.ToHexStringLower(batch.GetData(i)) : "-";
                string got = string.Join('\t', (int)batch.Kinds[i], batch.Agents[i], batch.Addresses[i].ToString("x"),
                    batch.Sizes[i], batch.Aux[i], site, data);
                Assert.AreEqual(expected[n], got, $"event {n}");
            }
        }
        Assert.AreEqual(3000, n);
        Assert.IsFalse(reader.Truncated);
    }

    /// <summary>
    /// The agents' IOMMU modes at the start as every_kind.c sets them: agents alternate cpu, device; "bypass1" puts the
    /// first device (agent 1) in bypass, "modes" the k-th device (agent 2k + 1) in treatment k % 3.
    /// </summary>
    static IommuTreatment[] ModesAtStart(int agents, string sections) =>
        Enumerable.Range(0, Math.Max(agents, 2)).Select(i =>
            i % 2 == 0 ? IommuTreatment.Translate
            : sections.Contains("modes") ? (IommuTreatment)(i / 2 % 3)
            : sections.Contains("bypass1") && i == 1 ? IommuTreatment.Bypass
            : IommuTreatment.Translate).ToArray();

    /// <summary>
    /// The used bits every_kind.c gives its tables (section 1) for "used1", "usedmany" and "usedmax", by region name, as
    /// its calls pass them (tt_bits are high, low; EntryBits low, high). "usedmany" adds a rule to tbl after used1's.
    /// </summary>
    static Dictionary<string, UsedBits> UsedBitsOf(string sections)
    {
        static EntryBits B(uint high, uint low) => new(low, high);
        static UsedCondition C(uint high, uint low, ulong mask, ulong value) => new(B(high, low), mask, value);
        static UsedRule R(EntryBits[] bits, params UsedCondition[] when) => new(bits, when);
        var tbl = new List<UsedRule>();
        var used = new Dictionary<string, UsedBits>();
        if (sections.Contains("used1"))
        {
            tbl.Add(R([B(7, 0)]));
            tbl.Add(R([B(63, 8), B(255, 200)], C(3, 1, 0x7, 0x5)));
            tbl.Add(R([B(127, 64)], C(3, 1, 0x2, 0x2), C(71, 64, 0xff, 0xff), C(254, 254, 1, 0)));
        }
        if (sections.Contains("usedmany"))
        {
            var v = new[] { C(31, 31, 1, 1), C(511, 448, ulong.MaxValue, 0x8000000000000000) };
            tbl.Add(R([B(255, 0)], v[0]));
            used["ste"] = new UsedBits([
                R([B(3, 1)]),
                R([B(64 + 45, 64 + 44)], C(3, 1, 0x1, 0x1), C(64 + 1, 64 + 0, 0x3, 0x1)),
                R([B(64 + 45, 64 + 44), B(192 + 51, 192 + 4)], C(3, 1, 0x2, 0x2))]);
            used["cd"] = new UsedBits([R([B(511, 448), B(0, 0), B(9, 9)], v), R([B(63 + 64, 48 + 64)])]);
        }
        if (tbl.Count > 0) used["tbl"] = new UsedBits(tbl);
        if (sections.Contains("usedmax"))
        {
            var first = R(
                [.. Enumerable.Range(0, 256).Select(j => B(2 * (uint)j + 1, 2 * (uint)j))],
                [.. Enumerable.Range(0, 256).Select(j =>
                {
                    ulong mask = ulong.MaxValue >> (j % 64);
                    return C(64 * (uint)(j % 8) + 63, 64 * (uint)(j % 8), mask, mask & (0x8000000000000001UL | (ulong)j << 8));
                })]);
            used["big"] = new UsedBits([first, .. Enumerable.Range(1, 1023).Select(k =>
                R([B((uint)k % 512, (uint)k % 512)], k % 2 == 1 ? [] : [C((uint)k % 8 + 7, (uint)k % 8, 0xff, (ulong)k & 0xff)]))]);
        }
        return used;
    }

    /// <summary>Used bits as text for the assertion's message: rules by '; ', runs high:low, conditions field &amp; mask = value.</summary>
    static string Show(UsedBits? used) => used is null ? "none" : string.Join("; ", used.Rules.Select(r =>
        string.Join(", ", r.Bits.Select(b => $"{b.High}:{b.Low}"))
        + string.Concat(r.When.Select((c, i) => $"{(i == 0 ? " when " : " and ")}{c.Field.High}:{c.Field.Low} & 0x{c.Mask:x} = 0x{c.Value:x}"))));

    static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : n;
    }
}
