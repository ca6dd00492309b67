using TraceTools.Cli;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class InfoDumpVerbTests
{
    static readonly string XqcHex = string.Concat(Enumerable.Range(1, 64).Select(i => i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    const ulong Xqc = 0x8000_0000, QmMb = 0xfe00_0000, Pasid = 0x10_0000;

    static readonly TraceMetadata Metadata = new()
    {
        Name = "hisi_qm mailbox",
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("qm", AgentKind.Device)],
        Regions =
        [
            new RegionInfo { Name = "xqc", Kind = RegionKind.Ram, Base = Xqc, Size = 0x40 },
            new RegionInfo { Name = "qm_mb", Kind = RegionKind.Mmio, Base = QmMb, Size = 0x10, Device = 1 },
            new RegionInfo { Name = "pasid", Kind = RegionKind.Table, Base = Pasid, Size = 64 * 64, Device = 1, Entries = 64, EntrySize = 64, Granule = 16 },
        ],
        Locks = ["ring_lock"],
        Sites = ["qm_set_and_get_xqc: memcpy", "qm_mb_write: stp"],
    };

    static string WriteHandmadeTrace(string dir, int chunkEvents = 5, int version = 4)
    {
        string path = Path.Combine(dir, "qm.trace");
        TraceFile.Write(path, Metadata, new TraceWriterOptions { ChunkEvents = chunkEvents, FormatVersion = version }, sink =>
        {
            byte[] Le(ulong v, int n) { var b = new byte[n]; BitConverter.TryWriteBytes(b.AsSpan(0, Math.Min(8, n)), v); return b; }
            sink.Append(new TraceEvent(EventKind.Store, 0, Xqc, 64, Site: 0), [.. Enumerable.Range(1, 64).Select(i => (byte)i)]);
            sink.Append(new TraceEvent(EventKind.MmioWrite, 0, QmMb, 16, Site: 1), Le(0x8000_0000, 16));
            sink.Append(new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Arm64(dsb: false, 1).Value), []);
            sink.Append(new TraceEvent(EventKind.DmaRead, 1, Xqc, 64), []);
            sink.Append(new TraceEvent(EventKind.Store, 0, Pasid + 7 * 64 + 16, 8), Le(0xaaaa, 8));
            sink.Append(new TraceEvent(EventKind.Fetch, 1, Pasid + 7 * 64 + 16, 16, 1), new byte[16]);
            sink.Append(new TraceEvent(EventKind.DevInvalidate, 0, Pasid + 7 * 64, 64, 1), []);
            sink.Append(new TraceEvent(EventKind.DevInvalidate, 0, 0, 0, 1), []);
            sink.Append(new TraceEvent(EventKind.Lock, 0, 0, 0, 0), []);
            sink.Append(new TraceEvent(EventKind.Unlock, 0, 0, 0, 0), []);
            sink.Append(new TraceEvent(EventKind.RaiseIrq, 1, 0, 0), []);
            sink.Append(new TraceEvent(EventKind.TakeIrq, 0, 0, 0, 1), []);
            sink.Append(new TraceEvent(EventKind.Load, 0, Xqc + 0x10, 4), Le(0x14131211, 4));
            sink.Append(new TraceEvent(EventKind.MmioRead, 0, QmMb + 4, 4), []);
        });
        return path;
    }

    static readonly string[] Declarations =
    [
        "scenario \"hisi_qm mailbox\"",
        "arch arm64",
        "cpu cpu0",
        "device qm",
        "ram   xqc 0x80000000 size 0x40",
        "mmio  qm_mb 0xfe000000 size 0x10 device qm",
        "table pasid 0x100000 entries 64 entry_size 64 granule 16 present bit 0 fetcher qm",
        "",
    ];

    static readonly string[] Steps =
    [
        $"cpu0: store xqc size 64 bytes \"{XqcHex}\" @ \"qm_set_and_get_xqc: memcpy\"",
        "cpu0: mmio_write qm_mb size 16 = 0x80000000 @ \"qm_mb_write: stp\"",
        "cpu0: barrier dmb.ishst",
        "qm:   dma_read xqc size 64",
        "cpu0: store pasid[7] + 16 size 8 = 0xaaaa",
        "qm:   fetch pasid[7] granule 1",
        "cpu0: dev_invalidate qm pasid[7]",
        "cpu0: dev_invalidate qm all",
        "cpu0: lock ring_lock",
        "cpu0: unlock ring_lock",
        "qm:   raise_irq",
        "cpu0: take_irq qm",
        "cpu0: load xqc + 0x10 size 4",
        "cpu0: mmio_read qm_mb + 0x4 size 4",
    ];

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    /// <summary>The steps as dump prints them: each ends with its trace index as a comment.</summary>
    static IEnumerable<string> Indexed(IEnumerable<string> steps, int first) =>
        steps.Select((s, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s}  # #{first + i}"));

    [TestMethod]
    [DataRow(1)]
    [DataRow(5)]
    [DataRow(100)]
    public void Dump_HandmadeTrace_PrintsDeclarationsThenOneStepPerEvent(int chunkEvents)
    {
        var dir = Directory.CreateTempSubdirectory("tt-dump-");
        try
        {
            var (code, output, error) = Run("dump", WriteHandmadeTrace(dir.FullName, chunkEvents));
            Assert.AreEqual(0, code, error);
            Assert.AreEqual(Lines(Declarations.Concat(Indexed(Steps, 0))), output);
            Assert.AreEqual("", error);
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    [DataRow(0, 2)]
    [DataRow(3, 4)]
    [DataRow(4, 1)]
    [DataRow(9, 100)]
    [DataRow(14, 3)]
    public void Dump_FromAndCount_PrintsThatWindowAfterTheDeclarations(int from, int count)
    {
        var dir = Directory.CreateTempSubdirectory("tt-dump-");
        try
        {
            var (code, output, _) = Run("dump", WriteHandmadeTrace(dir.FullName), "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.AreEqual(0, code);
            Assert.AreEqual(Lines(Declarations.Concat(Indexed(Steps.Skip(from).Take(count), from))), output);
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Info_HandmadeTrace_DescribesHeaderAndChunks()
    {
        var dir = Directory.CreateTempSubdirectory("tt-info-");
        try
        {
            string path = WriteHandmadeTrace(dir.FullName);
            var (code, output, error) = Run("info", path);
            Assert.AreEqual(0, code, error);
            var lines = output.Split('\n');
            CollectionAssert.Contains(lines, "arch         arm64");
            CollectionAssert.Contains(lines, "cache line   64 bytes (the arch's default)");
            CollectionAssert.Contains(lines, "agents       2");
            CollectionAssert.Contains(lines, "  #1   qm     device coherent");
            CollectionAssert.Contains(lines, "  pasid  table 0x100000..0x101000 size 0x1000 entries 64 entry_size 64 granule 16 present bit 0 fetcher qm");
            CollectionAssert.Contains(lines, "locks        1 (ring_lock)");
            CollectionAssert.Contains(lines, "sites        2");
            CollectionAssert.Contains(lines, "events       14");
            CollectionAssert.Contains(lines, "chunks       3");
            CollectionAssert.Contains(lines, "index        yes");
            // The DMA read of xqc's page, the fetch and the entry invalidation of pasid's; not the MMIO nor the cpu accesses.
            CollectionAssert.Contains(lines, "census       yes: 2 device pages");
            CollectionAssert.Contains(lines, "truncated    no");
            StringAssert.Contains(output, $"bytes        {new FileInfo(path).Length} on disk");
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Info_V3Trace_SaysItHasNoCensus()
    {
        var dir = Directory.CreateTempSubdirectory("tt-info-");
        try
        {
            var (code, output, error) = Run("info", WriteHandmadeTrace(dir.FullName, version: 3));
            Assert.AreEqual(0, code, error);
            var lines = output.Split('\n');
            CollectionAssert.Contains(lines, "format       version 3");
            CollectionAssert.Contains(lines, "census       no");
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Info_CutOffTrace_SaysTruncatedAndEventsRecovered()
    {
        var dir = Directory.CreateTempSubdirectory("tt-info-");
        try
        {
            string path = WriteHandmadeTrace(dir.FullName);
            var bytes = File.ReadAllBytes(path);
            // The trailer's index offset, the index's last entry, that chunk's stored length: where the last chunk ends.
            long index = BitConverter.ToInt64(bytes, bytes.Length - 24);
            long last = BitConverter.ToInt64(bytes, (int)index + 4 + 2 * 20);
            int end = (int)last + 36 + BitConverter.ToInt32(bytes, (int)last + 20);
            File.WriteAllBytes(path, bytes[..(end - 10)]); // past the census section and the footer, into the last chunk
            var (code, output, error) = Run("info", path);
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(output, "truncated    yes: recovered 10 events from 2 complete chunks");
            StringAssert.Contains(output, "index        no");
            StringAssert.Contains(output, "census       no");
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    [DataRow("info")]
    [DataRow("dump")]
    public void Verb_CorruptTrace_ExitsTwoWithOneLineAndNoStackTrace(string verb)
    {
        var dir = Directory.CreateTempSubdirectory("tt-bad-");
        try
        {
            string path = WriteHandmadeTrace(dir.FullName);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x10; // inside a chunk's stored bytes or header
            File.WriteAllBytes(path, bytes);
            var (code, _, error) = Run(verb, path);
            Assert.AreEqual(2, code);
            var lines = error.TrimEnd('\n').Split('\n');
            Assert.HasCount(1, lines, error);
            StringAssert.StartsWith(lines[0], path + ": byte offset ");
            StringAssert.Contains(lines[0], "(chunk ");
            Assert.DoesNotContain("   at ", error);
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A scenario given in place of a trace: the magic is named, and so are the commands that make a trace of it.</summary>
    [TestMethod]
    [DataRow("info", "x.scn")]
    [DataRow("dump", "x.scn")]
    [DataRow("replay", "x.scn")]
    [DataRow("export --format perfetto -o out.json", "x.scn")]
    [DataRow("replay", "mailbox.txt")]
    public void Verb_ScenarioGivenAsTrace_ExitsTwoNamingTheMagicAndTheCommandsToRunFirst(string verb, string name)
    {
        var dir = Directory.CreateTempSubdirectory("tt-bad-");
        try
        {
            string path = Path.Combine(dir.FullName, name);
            File.WriteAllText(path, "arch arm64\ncpu cpu0\n");
            var (code, _, error) = Run([.. verb.Split(' '), path]);
            Assert.AreEqual(2, code);
            string trace = Path.ChangeExtension(path, ".trace");
            Assert.AreEqual($"{path}: byte offset 0 (header): not a TraceTools trace: bad magic (a scenario: run `tracetools check {path}` "
                + $"or `tracetools gen {path} -o {trace}` first) [bytes: 617263682061726d]\n", error);
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Verb_BinaryNotATrace_GetsNoScenarioHint()
    {
        var dir = Directory.CreateTempSubdirectory("tt-bad-");
        try
        {
            string path = Path.Combine(dir.FullName, "x.bin");
            File.WriteAllBytes(path, [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, .. new byte[64]]);
            var (code, _, error) = Run("info", path);
            Assert.AreEqual(2, code);
            Assert.AreEqual($"{path}: byte offset 0 (header): not a TraceTools trace: bad magic [bytes: 7f454c4602010100]\n", error);
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Dump_MissingFile_ExitsTwo()
    {
        var (code, _, error) = Run("dump", "/nonexistent/none.trace");
        Assert.AreEqual(2, code);
        Assert.HasCount(1, error.TrimEnd('\n').Split('\n'));
    }

    [TestMethod]
    [DataRow("--from")]
    [DataRow("--count")]
    public void Dump_HexOptionPastLongMax_RefusedNotReadAsNegative(string option)
    {
        var dir = Directory.CreateTempSubdirectory("tt-dump-");
        try
        {
            // 0xffff_ffff_ffff_ffff parses to the long -1: a non-negative option must refuse it, not dump nothing or everything.
            var (code, output, error) = Run("dump", WriteHandmadeTrace(dir.FullName), option, "0xffff_ffff_ffff_ffff");
            Assert.AreEqual(2, code, output + error);
            Assert.Contains($"option {option} takes a non-negative integer, not '0xffff_ffff_ffff_ffff'", error);
            Assert.AreEqual("", output);
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    [DataRow("--from")]
    [DataRow("--count")]
    public void Dump_OptionLastWithoutItsValue_UsageErrorNotInternalError(string option)
    {
        var (code, output, error) = Run("dump", "any.trace", option);
        Assert.AreEqual(2, code, output + error);
        StringAssert.StartsWith(error, $"tracetools dump: option {option} needs a value");
        Assert.DoesNotContain("internal error", error);
    }

    [TestMethod]
    public void NoArguments_UsageOnStderrExitsTwo()
    {
        var (code, output, error) = Run();
        Assert.AreEqual(2, code, output + error);
        Assert.AreEqual("", output);
        StringAssert.StartsWith(error, "usage: tracetools VERB");
    }
}
