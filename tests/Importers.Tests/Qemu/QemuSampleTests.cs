using System.Text.Json;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Qemu;

/// <summary>
/// The committed QEMU recordings of samples/qemu (recorder/qemu/record.sh: the bare-metal fw_cfg DMA program
/// on qemu-system-aarch64 7.2 -M virt with the ttrecord plugin) import and replay to what the program does:
/// without the barrier the device may read a stale descriptor, with <c>dmb oshst</c> it may not.
/// </summary>
[TestClass]
public sealed class QemuSampleTests
{
    static string Sample(string name) => Path.Combine(QemuLogs.SamplesDir, name);

    static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = TraceTools.Cli.CommandLine.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    static JsonElement ImportAndReplay(ImportHarness h, string variant, bool symbols = false)
    {
        string trace = Path.Combine(h.Dir, variant + ".trace");
        var args = new List<string> { "import", "qemu", Sample($"fwcfg-dma-{variant}.log"), "--layout", Sample("fwcfg-dma.layout.scn"), "-o", trace };
        if (symbols) args.AddRange(["--symbols", Sample($"fwcfg-dma-{variant}.elf")]);
        var (exit, _, err) = Cli([.. args]);
        Assert.AreEqual(0, exit, err);
        var (replayExit, json, replayErr) = Cli("replay", trace, "--format", "json");
        using var doc = JsonDocument.Parse(json);
        var findings = doc.RootElement.GetProperty("findings").Clone();
        Assert.AreEqual(findings.GetArrayLength() == 0 ? 0 : 1, replayExit, replayErr);
        return findings;
    }

    [TestMethod]
    public void QemuSample_WithoutBarrier_ReplaysToOneStaleDmaReadOfTheDescriptor()
    {
        using var h = new ImportHarness();
        var findings = ImportAndReplay(h, "nobarrier");
        Assert.AreEqual(1, findings.GetArrayLength(), findings.ToString());
        var f = findings[0];
        Assert.AreEqual("stale-dma-read", f.GetProperty("kind").GetString());
        Assert.AreEqual(1, f.GetProperty("count").GetInt32());
        var trigger = f.GetProperty("instances")[0].GetProperty("trigger");
        Assert.AreEqual("fwcfg", trigger.GetProperty("agent").GetString());
        Assert.AreEqual("dma_read", trigger.GetProperty("op").GetString());
        Assert.AreEqual("0x40090004", trigger.GetProperty("addr").GetString(), "the descriptor's length and address fields");
        Assert.AreEqual(12, trigger.GetProperty("size").GetInt32());
        var related = f.GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual("publish", related[1].GetProperty("role").GetString());
        Assert.AreEqual("mmio_write", related[1].GetProperty("op").GetString());
        Assert.AreEqual("0x9020010", related[1].GetProperty("addr").GetString());
    }

    [TestMethod]
    public void QemuSample_WithDmbOshst_ReplaysClean()
    {
        using var h = new ImportHarness();
        Assert.AreEqual(0, ImportAndReplay(h, "barrier").GetArrayLength());
    }

    [TestMethod]
    [DataRow("nobarrier", false)]
    [DataRow("barrier", true)]
    public void QemuSample_Import_HoldsTheProgramsAccessesInOrder(string variant, bool barrier)
    {
        using var h = new ImportHarness();
        var events = h.Run("qemu", File.ReadAllText(Sample("fwcfg-dma.layout.scn")), [("log", File.ReadAllText(Sample($"fwcfg-dma-{variant}.log")))]);
        var expected = new List<(EventKind, string, ulong, int)>
        {
            (EventKind.Store, "cpu0", 0x40090000, 4), // control
            (EventKind.Store, "cpu0", 0x40090004, 4), // length
            (EventKind.Store, "cpu0", 0x40090008, 8), // address
        };
        if (barrier) expected.Add((EventKind.Barrier, "cpu0", 0, 0));
        expected.AddRange(
        [
            (EventKind.MmioWrite, "cpu0", 0x09020010, 8), // the doorbell
            (EventKind.DmaRead, "fwcfg", 0x40090000, 4),   // inferred: descriptor, split at the layout's sync/ram boundary
            (EventKind.DmaRead, "fwcfg", 0x40090004, 12),
            (EventKind.DmaWrite, "fwcfg", 0x40090000, 4),  // inferred: control write-back
            (EventKind.Load, "cpu0", 0x40090000, 4),       // the poll
        ]);
        CollectionAssert.AreEqual(expected, events.Select(e => (e.Kind, e.Agent, e.Address, e.Size)).ToList(), string.Join("\n", events));
        Assert.AreEqual(0x40090000ul, events.Single(e => e.Kind == EventKind.MmioWrite).Value, "the descriptor's address, as fw_cfg sees it");
        if (barrier) Assert.AreEqual("dmb.oshst", new BarrierCode((ushort)events[3].Aux).ToString());
        Assert.AreEqual(2, h.Summary.Skipped["other line: fw_cfg_select"]);
        Assert.AreEqual(1, h.Summary.Skipped["other line: fw_cfg_read"]);
        Assert.AreEqual(1, h.Summary.Skipped["plugin header (tt_info)"]);
    }

    [TestMethod]
    public void QemuSample_Import_SaysItsMemoryValuesWereNotRecorded()
    {
        using var h = new ImportHarness();
        h.Run("qemu", File.ReadAllText(Sample("fwcfg-dma.layout.scn")), [("log", File.ReadAllText(Sample("fwcfg-dma-nobarrier.log")))]);
        Assert.IsFalse(h.Metadata.MemoryValuesRecorded, "the stores and the inferred dma_write carry the scenario pattern");
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("sarif")]
    public void QemuSample_Replay_StoresShowNoInventedValue_MmioKeepsItsValue(string format)
    {
        using var h = new ImportHarness();
        var (_, report, err) = Cli("replay", ImportSample(h), "--format", format);
        var stores = report.Split('\n').Where(l => l.Contains("#1 store ", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(stores, report + err);
        foreach (var row in stores)
        {
            StringAssert.Contains(row, "#1 store fwcfg_dma_fields+0x0 size 4");
            Assert.DoesNotContain("= 0x", row, "the pattern is not what the program stored");
        }
        StringAssert.Contains(report, "#3 mmio_write fwcfg_dma = 0x40090000", "QEMU's trace event records MMIO values");
    }

    /// <summary>Imports the barrier-less sample with the CLI into the harness's directory; returns the trace's path.</summary>
    static string ImportSample(ImportHarness h)
    {
        string trace = Path.Combine(h.Dir, "q.trace");
        var (exit, _, err) = Cli("import", "qemu", Sample("fwcfg-dma-nobarrier.log"), "--layout", Sample("fwcfg-dma.layout.scn"), "-o", trace);
        Assert.AreEqual(0, exit, err);
        return trace;
    }

    [TestMethod]
    public void QemuSample_Dump_WritesNoValueForWritesAndSaysWhy_GenGivesTheSameEvents()
    {
        using var h = new ImportHarness();
        string trace = ImportSample(h);
        var (exit, dump, err) = Cli("dump", trace);
        Assert.AreEqual(0, exit, err);
        var lines = dump.Split('\n');
        StringAssert.StartsWith(lines[0], "# memory values not recorded");
        foreach (var step in lines.Where(l => l.Contains(" store ", StringComparison.Ordinal) || l.Contains(" dma_write ", StringComparison.Ordinal)))
            Assert.DoesNotContain("= 0x", step, dump);
        StringAssert.Contains(dump, "mmio_write fwcfg_dma size 8 = 0x40090000");

        // The steps without a value regenerate the scenario pattern the importer wrote: the same events.
        string scn = h.File("dump.scn", dump);
        string again = Path.Combine(h.Dir, "again.trace");
        var (genExit, _, genErr) = Cli("gen", scn, "-o", again);
        Assert.AreEqual(0, genExit, genErr);
        // Reads are compared without bytes: the import gives them none, gen fills in what they observe.
        static List<string> Shown(List<ImportedEvent> events) => [.. events.Select(e =>
            $"{e with { Data = [] }} {(e.Kind is EventKind.Load or EventKind.DmaRead ? "" : Convert.ToHexString(e.Data))}")];
        var imported = Shown(h.Read(trace));
        CollectionAssert.AreEqual(imported, Shown(h.Read(again)), string.Join("\n", imported));
    }

    [TestMethod]
    public void QemuSample_PerfettoExport_WritesShowNoValue_MmioKeepsIt()
    {
        using var h = new ImportHarness();
        string json = Path.Combine(h.Dir, "q.json");
        var (exit, _, err) = Cli("export", ImportSample(h), "--format", "perfetto", "-o", json, "--quiet");
        Assert.AreEqual(0, exit, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var slices = doc.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.TryGetProperty("args", out var a) && a.TryGetProperty("op", out _)).ToList();
        string Op(JsonElement e) => e.GetProperty("args").GetProperty("op").GetString()!;
        foreach (var write in slices.Where(e => Op(e) is "store" or "dma_write"))
        {
            Assert.IsFalse(write.GetProperty("args").TryGetProperty("value", out _), write.ToString());
            Assert.DoesNotContain("= 0x", write.GetProperty("name").GetString()!);
        }
        var mmio = slices.Single(e => Op(e) == "mmio_write");
        Assert.AreEqual("0x40090000", mmio.GetProperty("args").GetProperty("value").GetString());
    }

    [TestMethod]
    public void QemuSample_Info_SaysTheMemoryValuesWereNotRecorded()
    {
        using var h = new ImportHarness();
        var (exit, info, err) = Cli("info", ImportSample(h));
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(1, info.Split('\n').Count(l => l.Contains("memory values not recorded", StringComparison.Ordinal)), info);
    }

    [TestMethod]
    public void QemuLog_StoresWithValuesOnly_ValuesRecorded()
    {
        using var h = new ImportHarness();
        string log = QemuLogs.Header + "tt_store cpu 0 addr 0x40090000 size 4 pc 0x40080000 value 0x11223344\n";
        var events = h.Run("qemu", QemuLogs.Arm64Layout, [("log", log)]);
        Assert.AreEqual(0x11223344ul, events.Single().Value);
        Assert.IsTrue(h.Metadata.MemoryValuesRecorded);
    }

    [TestMethod]
    public void OtherImporter_Steps_ValuesRecorded()
    {
        using var h = new ImportHarness();
        h.Run("steps", "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n", [("s.txt", "cpu0: store buf size 4 = 0x11223344\n")]);
        Assert.IsTrue(h.Metadata.MemoryValuesRecorded);
    }

    [TestMethod]
    public void QemuSample_WithSymbols_SitesAreTheProgramsSourceLines()
    {
        using var h = new ImportHarness();
        if (!OnPath("addr2line")) Assert.Inconclusive("addr2line (binutils) is not installed (.ci/run installs it)");
        var f = ImportAndReplay(h, "nobarrier", symbols: true)[0];
        var source = File.ReadAllLines(Path.Combine(QemuLogs.RepoRoot, "recorder", "qemu", "baremetal", "fwcfg-dma.S"));
        int LineOf(string code) => 1 + Array.FindIndex(source, l => l.TrimStart().StartsWith(code, StringComparison.Ordinal));
        var related = f.GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual($"recorder/qemu/baremetal/fwcfg-dma.S:{LineOf("str     w3, [x1, #4]")}", related[0].GetProperty("site").GetString(), "the length store");
        Assert.AreEqual($"recorder/qemu/baremetal/fwcfg-dma.S:{LineOf("str     x5, [x4]")}", related[1].GetProperty("site").GetString(), "the doorbell");
    }

    static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));
}
