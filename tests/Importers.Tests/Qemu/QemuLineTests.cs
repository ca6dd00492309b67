using TraceTools.TraceFormat;
using static TraceTools.Tests.Qemu.QemuLogs;

namespace TraceTools.Tests.Qemu;

/// <summary>Each kind of QEMU log line the <c>qemu</c> format reads, and what it makes of it.</summary>
[TestClass]
public sealed class QemuLineTests
{
    static List<ImportedEvent> Import(ImportHarness h, string log, string layout = Arm64Layout) =>
        h.Run("qemu", layout, [("qemu.log", Header + log)]);

    [TestMethod]
    [DataRow("load", EventKind.Load)]
    [DataRow("store", EventKind.Store)]
    public void PluginAccess_Line_IsTheCpusAccessAtItsPc(string kind, EventKind expected)
    {
        using var h = new ImportHarness();
        var e = Import(h, Access(kind, 1, 0x40090010, 8, 0x40080024)).Single();
        Assert.AreEqual((expected, "cpu1", 0x40090010ul, 8, "0x40080024"), (e.Kind, e.Agent, e.Address, e.Size, e.Site));
    }

    [TestMethod]
    public void PluginStore_WithoutValue_GetsTheScenarioStorePattern()
    {
        using var h = new ImportHarness();
        var imported = Import(h, Access("store", 0, 0x40090000, 8, 0x4) + Access("store", 0, 0x40090004, 8, 0x8));
        // The same stores as scenario steps: `gen` writes the pattern over the same memory image.
        var scenario = TraceTools.Scenarios.ScenarioCompiler.Compile(Arm64Layout + "\ncpu0: store buf size 8\ncpu0: store buf + 4 size 8\n", "same.scn");
        var generated = new EventBatch();
        scenario.Generate(generated);
        Assert.AreEqual(2, generated.Count);
        for (int i = 0; i < 2; i++) CollectionAssert.AreEqual(generated.GetData(i).ToArray(), imported[i].Data, $"store {i}");
        Assert.AreNotEqual(imported[0].Data[4], imported[1].Data[0], "an overlapping store changes every byte");
    }

    [TestMethod]
    public void PluginStore_WithoutValueOverAPresentEntry_KeepsPresentAsGenDoes()
    {
        const string layout = "arch arm64\ncpu cpu0\ndevice iommu\ntable ctx 0x40000000 entries 4 entry_size 16 granule 16 present bit 0 fetcher iommu\n";
        using var h = new ImportHarness();
        var imported = h.Run("qemu", layout, [("log", "tt_store cpu 0 addr 0x40000010 size 8 pc 0x4 value 0x1\n" + Access("store", 0, 0x40000010, 16, 0x8))]);
        var scenario = TraceTools.Scenarios.ScenarioCompiler.Compile(layout + "cpu0: store ctx[1] size 8 = 0x1\ncpu0: store ctx[1] size 16\n", "same.scn");
        var generated = new EventBatch();
        scenario.Generate(generated);
        CollectionAssert.AreEqual(generated.GetData(1).ToArray(), imported[1].Data);
        Assert.AreEqual(1, imported[1].Data[0] & 1, "the pattern keeps the present bit");
    }

    [TestMethod]
    public void PluginStore_WithValue_CarriesIt()
    {
        using var h = new ImportHarness();
        var e = Import(h, "tt_store cpu 0 addr 0x40091000 size 4 pc 0x10 value 0xdeadbeef\n").Single();
        Assert.AreEqual(0xdeadbeeful, e.Value);
    }

    [TestMethod]
    [DataRow("dmb.oshst", "dmb.oshst")]
    [DataRow("dmb.ish", "dmb.ish")]
    [DataRow("dsb.st", "dsb.st")]
    [DataRow("dsb.sy", "dsb.sy")]
    public void PluginBarrier_Arm64_IsThatBarrier(string insn, string expected)
    {
        using var h = new ImportHarness();
        var e = Import(h, Barrier(0, insn, 0x40080020)).Single();
        Assert.AreEqual(EventKind.Barrier, e.Kind);
        Assert.AreEqual(expected, new BarrierCode((ushort)e.Aux).ToString());
        Assert.AreEqual("0x40080020", e.Site);
    }

    [TestMethod]
    public void PluginBarrier_FenceTso_IsItsTwoOrderings()
    {
        using var h = new ImportHarness();
        var events = h.Run("qemu", "arch riscv64\ncpu hart0\n", [("log", "tt_info plugin ttrecord version 1 target riscv64 api 1 vcpus 1\n" + Barrier(0, "fence.tso", 0x80000000) + Barrier(0, "fence.ow.ow", 0x80000004))]);
        CollectionAssert.AreEqual(new[] { "fence.r.rw", "fence.w.w", "fence.ow.ow" }, events.Select(e => new BarrierCode((ushort)e.Aux).ToString()).ToArray());
    }

    [TestMethod]
    [DataRow("mfence")]
    [DataRow("sfence")]
    [DataRow("lfence")]
    public void PluginBarrier_X86Fence_IsThatFence(string insn)
    {
        using var h = new ImportHarness();
        var e = h.Run("qemu", "arch x86_64\ncpu cpu0\n", [("log", Barrier(0, insn, 0xffffffff81000000))]).Single();
        Assert.AreEqual(insn, new BarrierCode((ushort)e.Aux).ToString());
    }

    [TestMethod]
    public void PluginBarrier_NonShareable_CountedNotImported()
    {
        using var h = new ImportHarness();
        Assert.IsEmpty(Import(h, Barrier(0, "dmb.nshst", 0x4)));
        Assert.AreEqual(1, h.Summary.Skipped.Single(kv => kv.Key.StartsWith("non-shareable", StringComparison.Ordinal)).Value);
    }

    [TestMethod]
    [DataRow("cvac", EventKind.CacheClean)]
    [DataRow("cvap", EventKind.CacheClean)]
    [DataRow("ivac", EventKind.CacheInval)]
    [DataRow("civac", EventKind.CacheFlush)]
    public void PluginCache_WithAddress_IsTheCacheOp(string op, EventKind expected)
    {
        using var h = new ImportHarness();
        var e = Import(h, $"tt_cache cpu 0 op {op} addr 0x40090040 size 64 pc 0x4008000c\n").Single();
        Assert.AreEqual((expected, 0x40090040ul, 64, "0x4008000c"), (e.Kind, e.Address, e.Size, e.Site));
    }

    [TestMethod]
    public void PluginCache_WithoutAddress_CountedNotImported()
    {
        using var h = new ImportHarness();
        Assert.IsEmpty(Import(h, Cache(0, "civac", 0x4008000c) + Cache(0, "cvac", 0x40080010)));
        Assert.AreEqual(2, h.Summary.Skipped.Single(kv => kv.Key.StartsWith("cache maintenance without an address", StringComparison.Ordinal)).Value);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow(Timestamp)]
    public void TraceEvent_MmioWriteAndRead_CarryValuesAndTakeThePcOfTheirIoLine(string prefix)
    {
        using var h = new ImportHarness();
        var events = Import(h,
            OpsRead(0, 0x09000018, 0x90, 4, "pl011", prefix) + Access("io_load", 0, 0x09000018, 4, 0x40080018) +
            OpsWrite(0, 0x09000000, 0x41, 1, "pl011", prefix) + Access("io_store", 0, 0x09000000, 1, 0x40080020));
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.MmioRead, "cpu0", 0x09000018ul, 4, 0x90ul, "0x40080018"),
            (EventKind.MmioWrite, "cpu0", 0x09000000ul, 1, 0x41ul, "0x40080020"),
        }, events.Select(e => (e.Kind, e.Agent, e.Address, e.Size, e.Value, e.Site)).ToArray());
    }

    [TestMethod]
    public void TraceEvent_SplitByQemu_EveryPartTakesTheAccessesPc()
    {
        using var h = new ImportHarness();
        var events = Import(h, OpsWrite(1, 0x09000010, 0x1, 4, "pl011") + OpsWrite(1, 0x09000014, 0x2, 4, "pl011") + Access("io_store", 1, 0x09000010, 8, 0x40));
        CollectionAssert.AreEqual(new[] { ("cpu1", 0x09000010ul, "0x40"), ("cpu1", 0x09000014ul, "0x40") }, events.Select(e => (e.Agent, e.Address, e.Site)).ToArray());
    }

    [TestMethod]
    public void TraceEvent_WithoutIoLine_IsImportedInPlaceWithoutSite()
    {
        using var h = new ImportHarness();
        var events = Import(h, OpsWrite(0, 0x09000000, 0x41, 1, "pl011") + Access("store", 0, 0x40090000, 4, 0x8));
        CollectionAssert.AreEqual(new[] { (EventKind.MmioWrite, (string?)null), (EventKind.Store, "0x8") }, events.Select(e => (e.Kind, e.Site)).ToArray());
    }

    [TestMethod]
    public void TraceEvent_OtherCpusLinesBetween_DoNotTakeItsPc()
    {
        using var h = new ImportHarness();
        var events = Import(h, OpsWrite(0, 0x09000000, 0x41, 1, "pl011") + Access("store", 1, 0x40090000, 4, 0x8) + Access("io_store", 0, 0x09000000, 1, 0x20));
        CollectionAssert.AreEqual(new[] { ("cpu1", "0x8"), ("cpu0", "0x20") }, events.Select(e => (e.Agent, e.Site)).ToArray());
    }

    [TestMethod]
    public void TraceEvent_NoCpu_Counted()
    {
        using var h = new ImportHarness();
        Assert.IsEmpty(Import(h, OpsWrite(-1, 0x09000000, 0x41, 1, "pl011")));
        Assert.AreEqual(1, h.Summary.Skipped["MMIO access made by no vCPU (cpu -1)"]);
    }

    [TestMethod]
    public void FwCfgDoorbell_HighThenLowHalf_InfersTheDescriptorReadAtTheWholeAddress()
    {
        using var h = new ImportHarness();
        var events = Import(h, OpsWrite(0, 0x09020010, 0x0, 4, "fwcfg.dma") + OpsWrite(0, 0x09020014, 0x40090100, 4, "fwcfg.dma"));
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.MmioWrite, "cpu0", 0x09020010ul, 4),
            (EventKind.MmioWrite, "cpu0", 0x09020014ul, 4),
            (EventKind.DmaRead, "fwcfg", 0x40090100ul, 16),
            (EventKind.DmaWrite, "fwcfg", 0x40090100ul, 4),
        }, events.Select(e => (e.Kind, e.Agent, e.Address, e.Size)).ToArray());
        StringAssert.Contains(events[2].Site, "inferred");
    }

    [TestMethod]
    public void FwCfgDoorbell_RegisterNotItsOwnRegion_ErrorSaysHowToDeclareIt()
    {
        using var h = new ImportHarness();
        string layout = "arch arm64\ncpu cpu0\ndevice fwcfg\nram buf 0x40090000 size 0x100\nmmio fwcfg_regs 0x09020000 size 0x18 device fwcfg\n";
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("qemu", layout, [("log", OpsWrite(0, 0x09020010, 0x40090000, 8, "fwcfg.dma"))]));
        StringAssert.Contains(e.Message, "own 8-byte mmio region");
        Assert.AreEqual(1, e.Line);
    }

    [TestMethod]
    public void OtherLines_CountedUnderTheirFirstWord()
    {
        using var h = new ImportHarness();
        Assert.IsEmpty(Import(h, "fw_cfg_select 0x5593ded4b0f0 key 0x0000 'signature', ret: 1\n" + Timestamp + "fw_cfg_read 0x5593ded4b0f0 = 0x0\n\nqemu-system-aarch64: terminating on signal 15\n"));
        Assert.AreEqual(1, h.Summary.Skipped["other line: fw_cfg_select"]);
        Assert.AreEqual(1, h.Summary.Skipped["other line: fw_cfg_read"]);
        Assert.AreEqual(1, h.Summary.Skipped["other line: qemu-system-aarch64:"]);
        Assert.AreEqual(1, h.Summary.Skipped["blank line"]);
        Assert.AreEqual(1, h.Summary.Skipped["plugin header (tt_info)"]);
    }

    /// <summary>
    /// A log of distinct first words names the first 1024 and counts the rest under one reason: each one named was a
    /// string, a count and a summary line (200,000 such lines: 75 MB, 200,000 lines on stderr).
    /// </summary>
    [TestMethod]
    public void OtherLines_PastTheWordsNamed_CountedUnderOneReason()
    {
        const int named = TraceTools.Importers.Formats.Qemu.QemuLogImporter.MaxOtherWordsNamed;
        var log = new System.Text.StringBuilder();
        for (int i = 0; i < named + 500; i++) log.Append("word").Append(i).Append(" x\n");
        log.Append("word0 again\n").Append("word").Append(named + 1).Append(" again\n");
        using var h = new ImportHarness();
        Assert.IsEmpty(Import(h, log.ToString()));
        Assert.AreEqual(2, h.Summary.Skipped["other line: word0"], "a word named keeps its own count");
        Assert.AreEqual(1, h.Summary.Skipped[$"other line: word{named - 1}"]);
        Assert.IsFalse(h.Summary.Skipped.ContainsKey($"other line: word{named}"));
        Assert.AreEqual(501, h.Summary.Skipped[TraceTools.Importers.Formats.Qemu.QemuLogImporter.OtherLinesPastNamed]);
        Assert.AreEqual(named + 2, h.Summary.Skipped.Count, "the words named, the rest, the header");
    }

    [TestMethod]
    public void SeveralInputs_ConcatenatedInCommandLineOrder()
    {
        using var h = new ImportHarness();
        var events = h.Run("qemu", Arm64Layout, [("b.log", Access("store", 0, 0x40090000, 4, 0xb)), ("a.log", Access("load", 0, 0x40090000, 4, 0xa))]);
        CollectionAssert.AreEqual(new[] { "0xb", "0xa" }, events.Select(e => e.Site).ToArray());
    }

    [TestMethod]
    public void TraceEvent_NextAccessRightAfterTheIoLinesRange_DoesNotTakeItsPc()
    {
        // The plugin's 4-byte store at 0x09000010 covers 0x09000010..0x09000013: the held write at 0x09000014 is another access.
        using var h = new ImportHarness();
        var events = Import(h, OpsWrite(1, 0x09000014, 0x2, 4, "pl011") + OpsWrite(1, 0x09000010, 0x1, 4, "pl011") + Access("io_store", 1, 0x09000010, 4, 0x40));
        CollectionAssert.AreEqual(new[] { (0x09000014ul, (string?)null), (0x09000010ul, "0x40") }, events.Select(e => (e.Address, e.Site)).ToArray());
    }

    [TestMethod]
    public void FwCfgDoorbell_LowHalfAfterATransfer_StartsFromAClearedHighHalf()
    {
        // QEMU clears its address register at every transfer: a low half written alone is a 32-bit address.
        using var h = new ImportHarness();
        string layout = Arm64Layout + "\nram hi_ram 0x140090000 size 0x1000\n";
        var events = Import(h, OpsWrite(0, 0x09020010, 0x1, 4, "fwcfg.dma") + OpsWrite(0, 0x09020014, 0x40090100, 4, "fwcfg.dma")
            + OpsWrite(0, 0x09020014, 0x40090200, 4, "fwcfg.dma"), layout);
        CollectionAssert.AreEqual(new[] { 0x140090100ul, 0x40090200ul }, events.Where(e => e.Kind == EventKind.DmaRead).Select(e => e.Address).ToArray());
    }
}
