using TraceTools.Importers;
using static TraceTools.Tests.Qemu.QemuLogs;

namespace TraceTools.Tests.Qemu;

/// <summary>Lines the <c>qemu</c> format cannot take: one error naming file, line and (where known) column; or counted.</summary>
[TestClass]
public sealed class QemuBadLineTests
{
    static readonly string Good = Access("store", 0, 0x40090000, 4, 0x4008000c);

    public static IEnumerable<object[]> Malformed =>
    [
        ["tt_store cpu 0 addr 0x40090000 size 4\n", "the line ends where 'pc' was expected", 38],
        ["tt_store cpu x addr 0x40090000 size 4 pc 0x1\n", "cpu 'x' (expected a decimal number", 14],
        ["tt_load cpu 0 addr 40090000 size 4 pc 0x1\n", "addr '40090000' (expected 0x hex)", 20],
        ["tt_store cpu 0 addr 0x40090000 size 0 pc 0x1\n", "size '0' (expected a decimal number in 1..65536)", 37],
        ["tt_load cpu 0 adr 0x40090000 size 4 pc 0x1\n", "'adr' where 'addr' was expected", 15],
        ["tt_store cpu 0 addr 0x40090000 size 4 pc 0x1 extra\n", "unexpected 'extra'", 46],
        ["tt_frob cpu 0\n", "unknown plugin line 'tt_frob'", 1],
        ["tt_error cpu 0: no physical address for the 4-byte access at vaddr 0xffff000000001000 pc 0x1\n", "the recording plugin reported an error", 0],
        ["tt_io_store cpu 0 addr 0x9000000 size 1 pc 0x1\n", "no memory_region_ops_write line before it", 0],
        ["memory_region_ops_write cpu 0 mr 0x1 addr 0x9000000 value 0x41 size 1 name pl011\n", "name is not quoted", 76],
        ["memory_region_ops_write cpu 0 mr 0x1 addr 0x9000000 value 0x41 size 9 name 'pl011'\n", "size '9' (expected a decimal number in 1..8)", 69],
        ["memory_region_ops_read cpu 0 mr 0x1 addr 0x9000000 value 0x141 size 1 name 'pl011'\n", "value 0x141 does not fit in 1 byte", 0],
        ["memory_region_ops_read cpu zero mr 0x1 addr 0x9000000 value 0x1 size 1 name 'pl011'\n", "cpu 'zero' (expected a cpu index or -1)", 28],
    ];

    /// <summary>
    /// Malformed lines that change what the replay reports if dropped (a barrier, cache maintenance) or say what
    /// the whole log is (its header: another target, another line format): never skipped.
    /// </summary>
    public static IEnumerable<object[]> NeverSkipped =>
    [
        ["tt_barrier cpu 0 insn dmb.bogus pc 0x1\n", "insn 'dmb.bogus'", 23],
        ["tt_barrier cpu 0 insn mfence pc 0x1\n", "an instruction of the layout's arch arm64", 23],
        ["tt_cache cpu 0 op zap pc 0x1\n", "op 'zap'", 19],
        ["tt_info plugin ttrecord version 1 target x86_64 api 1 vcpus 1\n", "target 'x86_64'", 42],
        ["tt_info plugin ttrecord version 2 target aarch64 api 1 vcpus 1\n", "format version 2", 0],
        ["tt_barrier cpu 0 insn dmb.ish\n", "the line ends where 'pc' was expected", 30],
        ["tt_cache cpu 0 op cvac addr 0x40090000 pc 0x1\n", "'pc' where 'size' was expected", 40],
    ];

    public static IEnumerable<object[]> AllBad => Malformed.Concat(NeverSkipped);

    [TestMethod]
    [DynamicData(nameof(AllBad))]
    public void Import_MalformedLine_ErrorNamesFileLineAndColumn(string line, string expected, int column)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", Good + line + Good)]));
        StringAssert.StartsWith(e.Message, Path.Combine(h.Dir, "qemu.log") + ":2");
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(2, e.Line);
        Assert.AreEqual(column, e.Column, e.Message);
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("qemu.log"), "a failed import leaves nothing behind");
    }

    [TestMethod]
    [DynamicData(nameof(Malformed))]
    public void Import_MalformedLineWithSkip_CountedAndTheRestImported(string line, string expected, int column)
    {
        using var h = new ImportHarness();
        var events = h.Run("qemu", Arm64Layout, [("qemu.log", Good + line + Good)], skipMalformed: true);
        Assert.AreEqual(2, events.Count, $"{expected} (column {column})");
        Assert.AreEqual(1, h.Summary.Skipped["malformed line"]);
    }

    [TestMethod]
    [DynamicData(nameof(NeverSkipped))]
    public void Import_NeverSkippedLineWithSkip_StillStopsTheImport(string line, string expected, int column)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", Good + line + Good)], skipMalformed: true));
        StringAssert.StartsWith(e.Message, Path.Combine(h.Dir, "qemu.log") + ":2");
        StringAssert.Contains(e.Message, expected);
        StringAssert.Contains(e.Message, "never skipped, --skip-malformed or not");
        Assert.AreEqual(column, e.Column, e.Message);
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("qemu.log"), "a failed import leaves nothing behind");
    }

    // The user's case: a riscv64 recording imported with an arm64 layout and --skip-malformed became an arm64
    // trace without its fences, and replay reported a stale-dma-read the program did not have.
    [TestMethod]
    public void Import_LogOfAnotherTargetWithSkip_RefusedAtItsHeader()
    {
        using var h = new ImportHarness();
        string log = "tt_info plugin ttrecord version 1 target riscv64 api 1 vcpus 1\n" + Good + Barrier(0, "fence.w.w", 0x10) + Good;
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", log)], skipMalformed: true, skipUnmapped: true));
        Assert.AreEqual(1, e.Line, e.Message);
        StringAssert.Contains(e.Message, "target 'riscv64' (expected the layout's arch arm64");
    }

    [TestMethod]
    public void Import_BarrierOfAnotherArchWithoutHeaderWithSkip_Refused()
    {
        using var h = new ImportHarness();
        string log = Good + Barrier(0, "fence.w.w", 0x10) + Good;
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", log)], skipMalformed: true));
        Assert.AreEqual(2, e.Line, e.Message);
        StringAssert.Contains(e.Message, "insn 'fence.w.w' (expected an instruction of the layout's arch arm64");
    }

    [TestMethod]
    [DataRow("store", 0x50000000ul, "outside every region")]
    [DataRow("load", 0x40090ffcul, "straddles the end of region 'buf'")]
    [DataRow("store", 0x09000000ul, "memory access to mmio region 'pl011'")]
    public void Import_AccessOutsideTheLayout_ErrorOrCounted(string kind, ulong address, string expected)
    {
        using var h = new ImportHarness();
        string log = Good + Access(kind, 0, address, 8, 0x10) + Good;
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", log)]));
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(2, e.Line);
        var events = h.Run("qemu", Arm64Layout, [("qemu.log", log)], skipUnmapped: true);
        Assert.AreEqual(2, events.Count);
    }

    [TestMethod]
    public void Import_UnmappedMmioHeldForItsIoLine_ErrorNamesTheTraceEventsLine()
    {
        using var h = new ImportHarness();
        string log = Good + OpsWrite(0, 0x0a000000, 1, 4, "virtio-mmio") + "fw_cfg_read 0x1 = 0x0\n" + Access("io_store", 0, 0x0a000000, 4, 0x20);
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", log)]));
        Assert.AreEqual(2, e.Line, e.Message);
        StringAssert.Contains(e.Message, "outside every region");
    }

    [TestMethod]
    public void Import_CpuBeyondTheLayout_ErrorSaysHowCpusMap()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", Access("store", 2, 0x40090000, 4, 0x10))]));
        StringAssert.Contains(e.Message, "cpu 2 is not in the layout");
    }

    [TestMethod]
    public void Import_OpsLineOfTheHighestCpuIndex_ReadAndOneMoreRefused()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", OpsWrite(65535, 0x09000000, 0x41, 1, "pl011"))]));
        StringAssert.Contains(e.Message, "cpu 65535 is not in the layout");
        e = Assert.ThrowsExactly<ImportException>(() => h.Run("qemu", Arm64Layout, [("qemu.log", OpsWrite(65536, 0x09000000, 0x41, 1, "pl011"))]));
        StringAssert.Contains(e.Message, "cpu '65536' (expected a cpu index or -1)");
        Assert.AreEqual(29, e.Column, e.Message);
    }
}
