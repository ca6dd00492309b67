using TraceTools.Importers;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

[TestClass]
public sealed class BadLineTests
{
    const ulong Regs = 0xffff800010000000;

    static readonly string Good = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a+0x1/0x2", "b+0x1/0x2", 32, 1, Regs));

    public static IEnumerable<object[]> MalformedFtrace =>
    [
        ["garbage without context", "not an ftrace event line"],
        [Trace("t", 1, 0, ".....", 2, "rwmmio_write", "a -> b width=32 addr=0xffff800010000000"), "without 'val=HEX'"],
        [Trace("t", 1, 0, ".....", 2, "rwmmio_write", "a -> b width=12 val=0x1 addr=0xffff800010000000"), "'width=' must be 8, 16, 32 or 64"],
        [Trace("t", 1, 0, ".....", 2, "rwmmio_read", "a -> b addr=0x10"), "expected '[CALLER0 -> ]CALLER width=BITS"],
        [Trace("t", 1, 0, ".....", 2, "rwmmio_read", "width=32 addr=0x10"), "expected '[CALLER0 -> ]CALLER width=BITS"],
        [Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("a", "b", 8, 0x1ff, Regs)), "value 0x1ff does not fit in 1 byte"],
        [Trace("t", 1, 0, ".....", 2, "dma_map_phys", "nic dir=SIDEWAYS dma_addr=0 size=1 phys_addr=0 attrs="), "dir=SIDEWAYS"],
        [Trace("t", 1, 0, ".....", 2, "dma_sync_single_for_cpu", "nic dir=FROM_DEVICE dma_addr=zz size=1"), "expected 'dma_addr=HEX'"],
        [Trace("t", 1, 0, ".....", 2, "irq_handler_entry", "irq=25"), "without 'name=NAME'"],
    ];

    [TestMethod]
    [DynamicData(nameof(MalformedFtrace))]
    public void Import_MalformedFtraceLine_ErrorNamesFileAndLine(string line, string expected)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout, [("trace", Good + line.TrimEnd('\n') + "\n" + Good)]));
        StringAssert.StartsWith(e.Message, Path.Combine(h.Dir, "trace") + ":2");
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(2, e.Line);
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("trace"), "a failed import leaves no output, temporary or spill file");
    }

    [TestMethod]
    [DynamicData(nameof(MalformedFtrace))]
    public void Import_MalformedFtraceLineWithSkip_CountedAndTheRestImported(string line, string expected)
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Good + line.TrimEnd('\n') + "\n" + Good)], skipMalformed: true);
        Assert.AreEqual(4, events.Count, expected); // two writel: barrier + write each
        Assert.AreEqual(1, h.Summary.Skipped["malformed line"]);
    }

    [TestMethod]
    [DataRow("R 4 105.291158 1 0xfd000000 0x4a8000a2 0x0", "7 fields after the keyword", 0)]
    [DataRow("R 4 105.291158 1 0xfd000000 0x4a8000a2 0x0 0 7", "7 fields after the keyword", 0)]
    [DataRow("R 3 105.291158 1 0xfd000000 0x4a8000a2 0x0 0", "width '3'", 3)]
    [DataRow("W 4 105.29x 1 0xfd000000 0x1 0x0 0", "timestamp '105.29x'", 5)]
    [DataRow("W 4 105.2 1 fd000000? 0x1 0x0 0", "physical address 'fd000000?'", 13)]
    [DataRow("Q 4 105.2 1 0xfd000000 0x1 0x0 0", "unknown mmiotrace record 'Q'", 1)]
    public void Import_MalformedMmiotraceLine_ErrorNamesFileLineAndColumn(string line, string expected, int column)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", "VERSION 20070824\n" + line + "\n")]));
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(2, e.Line);
        Assert.AreEqual(column, e.Column, e.Message);
    }

    [TestMethod]
    public void Import_AddressOutsideLayout_ErrorNamesLineAndAddress()
    {
        using var h = new ImportHarness();
        string bad = Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, 0xffff800020000000));
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout, [("trace", Good + Good + bad)]));
        Assert.AreEqual(3, e.Line);
        StringAssert.Contains(e.Message, "mmio_write at 0xffff800020000000 (size 4) is outside every region of the layout");
        StringAssert.Contains(e.Message, "--skip-unmapped");
    }

    [TestMethod]
    public void Import_UnmappedWithSkip_CountedPerReason()
    {
        using var h = new ImportHarness();
        string text = Good
            + Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, 0xffff800020000000))     // outside
            + Trace("t", 1, 0, ".....", 3, "rwmmio_write", RwmmioWrite("a", "b", 64, 1, Regs + 0xffc))           // straddles
            + Trace("t", 1, 0, ".....", 4, "dma_map_phys", DmaMap("nic", "TO_DEVICE", Regs, 64, Regs))            // memory op on mmio
            + Trace("t", 1, 7, ".....", 5, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs))                    // cpu 7
            + Trace("t", 1, 0, ".....", 6, "irq_handler_entry", IrqEntry(3, "usb"))                               // a device the layout lacks: one device → it
            + Good;
        var events = h.Run("ftrace", NicLayout, [("trace", text)], skipUnmapped: true);
        Assert.AreEqual(1, h.Summary.Skipped["outside every region"]);
        Assert.AreEqual(1, h.Summary.Skipped["straddles a region's end"]);
        Assert.AreEqual(1, h.Summary.Skipped["memory access to an mmio region"]);
        Assert.AreEqual(1, h.Summary.Skipped["cpu not in the layout"]);
        Assert.AreEqual(2, events.Count(e => e.Kind == TraceFormat.EventKind.MmioWrite));
        Assert.AreEqual(1, events.Count(e => e.Kind == TraceFormat.EventKind.TakeIrq), "the layout's only device takes any irq name");
    }

    [TestMethod]
    public void Import_UnknownDeviceWithSeveralDevices_Unmapped()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout + "\ndevice dma2 noncoherent",
            [("trace", Trace("t", 1, 0, ".....", 6, "irq_handler_entry", IrqEntry(3, "usb-ehci")))]));
        StringAssert.Contains(e.Message, "device 'usb-ehci' is not in the layout");
        StringAssert.Contains(e.Message, "declare 'device usb_ehci'");
    }

    [TestMethod]
    public void Import_LayoutWithSteps_Refused()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Scenarios.ScenarioException>(() => h.Run("ftrace", NicLayout + "\ncpu0: barrier dma_wmb", [("trace", Good)]));
        Assert.AreEqual(7, e.Line);
        StringAssert.Contains(e.Message, "a layout holds declarations only");
    }
}
