using TraceTools.Importers;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>Errors about a field of the line name its column: file:line:column, where the field is known.</summary>
[TestClass]
public sealed class ErrorColumnTests
{
    const ulong Regs = 0xffff800010000000;

    static void AssertErrorAt(string format, string layout, string text, string field, string expected)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run(format, layout, [("trace", text)]));
        string line = text.TrimEnd('\n').Split('\n')[^1];
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(line.IndexOf(field, StringComparison.Ordinal) + 1, e.Column, e.Message);
        StringAssert.StartsWith(e.Message, $"{Path.Combine(h.Dir, "trace")}:{e.Line}:{e.Column}: ");
    }

    [TestMethod]
    public void Import_MmiotraceValueWiderThanItsWidth_ColumnOfTheValue() =>
        // The user's m1.txt line 8.
        AssertErrorAt("mmiotrace", MmiotraceImportTests.Layout, "VERSION 20070824\nW 4 105.301201 1 0xfd000140 0x100000000 0xffffffffa0123470 0\n",
            "0x100000000", "value 0x100000000 does not fit in 4 bytes");

    [TestMethod]
    public void Import_MmiotraceAddressOutsideTheLayout_ColumnOfTheAddress() =>
        AssertErrorAt("mmiotrace", MmiotraceImportTests.Layout, "W 4 105.301201 1 0xfe000000 0x1 0xffffffffa0123470 0\n",
            "0xfe000000", "mmio_write at 0xfe000000 (size 4) is outside every region");

    [TestMethod]
    [DataRow("rwmmio_write")]
    [DataRow("rwmmio_read")]
    public void Import_RwmmioAddressOutsideTheLayout_ColumnOfTheAddress(string @event)
    {
        string args = @event == "rwmmio_write" ? RwmmioWrite("a", "b", 32, 1, 0xffff800020000000) : RwmmioRead("a", "b", 32, 0xffff800020000000);
        AssertErrorAt("ftrace", NicLayout, Trace("t", 1, 0, ".....", 1, @event, args), "0xffff800020000000", "at 0xffff800020000000 (size 4) is outside every region");
    }

    [TestMethod]
    public void Import_CpuNotInTheLayout_ColumnOfTheCpu() =>
        AssertErrorAt("ftrace", NicLayout, Trace("t", 1, 7, ".....", 1, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs)), "007", "cpu 7 is not in the layout");

    [TestMethod]
    public void Import_DeviceNotInTheLayout_ColumnOfTheName() =>
        AssertErrorAt("ftrace", NicLayout + "\ndevice dma2 noncoherent", Trace("t", 1, 0, ".....", 1, "irq_handler_entry", IrqEntry(3, "usb-ehci")),
            "usb-ehci", "device 'usb-ehci' is not in the layout");

    [TestMethod]
    public void Import_DmaAddressOutsideTheLayout_ColumnOfThePhysicalAddress() =>
        AssertErrorAt("ftrace", NicLayout, Trace("t", 1, 0, ".....", 1, "dma_map_page", DmaMap("nic", "TO_DEVICE", 0x1000, 64, 0x90000000)),
            "90000000", "cache_clean at 0x90000000 (size 64) is outside every region");
}
