using TraceTools.Importers;
using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>Which symbol of an rwmmio event is the site, in the kernel's two print formats (include/trace/events/rwmmio.h).</summary>
[TestClass]
public sealed class RwmmioSiteTests
{
    const string Doorbell = "nic_ring_doorbell+0x14/0x40 [nic]";

    static ImportedEvent ImportOne(string @event, string args)
    {
        using var h = new ImportHarness();
        return h.Run("ftrace", NicLayout, [("trace", Trace("t", 1, 0, ".....", 1, @event, args))], relaxedMmio: true).Single();
    }

    [TestMethod]
    [DataRow("rwmmio_write", "width=32 val=0x1 addr=0xffff800010000010", EventKind.MmioWrite)]
    [DataRow("rwmmio_read", "width=32 addr=0xffff800010000010", EventKind.MmioRead)]
    public void Import_Linux60FormatWithOneSymbol_ThatSymbolIsTheSite(string @event, string fields, EventKind kind)
    {
        // Linux 6.0: "%pS width=%d val=%#llx addr=%#lx" and "%pS width=%d addr=%#lx", one caller (_THIS_IP_).
        var e = ImportOne(@event, $"{Doorbell} {fields}");
        Assert.AreEqual((kind, 0xffff800010000010ul, 4, Doorbell), (e.Kind, e.Address, e.Size, e.Site));
    }

    [TestMethod]
    [DataRow("rwmmio_post_write", "width=32 val=0x1 addr=0xffff800010000010")]
    [DataRow("rwmmio_post_read", "width=32 val=0x1 addr=0xffff800010000010")]
    public void Import_Linux60PostEvents_Counted(string @event, string fields)
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Trace("t", 1, 0, ".....", 1, @event, $"{Doorbell} {fields}"))]);
        Assert.IsEmpty(events);
        Assert.AreEqual(1, h.Summary.Skipped.Single(kv => kv.Key.StartsWith(@event, StringComparison.Ordinal)).Value);
    }

    [TestMethod]
    [DataRow("writel+0x4/0x60")]
    [DataRow("writel_relaxed+0x4/0x60")]
    [DataRow("writeq+0x4/0x60")]
    [DataRow("__raw_writel+0x0/0x10")]
    [DataRow("iowrite32+0x1c/0x40")]
    [DataRow("iowrite32be+0x1c/0x40")]
    [DataRow("writew")]
    [DataRow("writel.constprop.0+0x4/0x60 [nic]")]     // GCC's specialised copy
    [DataRow("writel_relaxed.llvm.1234+0x4/0x60")]    // Clang ThinLTO's
    public void Import_SecondSymbolIsTheAccessor_TheFirstIsTheSite(string accessor)
    {
        // Clang may not inline writel(): _THIS_IP_ is then inside writel, and _RET_IP_ (printed first) is the driver.
        var e = ImportOne("rwmmio_write", RwmmioWrite(Doorbell, accessor, 32, 1, 0xffff800010000010));
        Assert.AreEqual(Doorbell, e.Site);
    }

    [TestMethod]
    [DataRow("readl+0x4/0x60")]
    [DataRow("readb_relaxed+0x4/0x60")]
    [DataRow("__raw_readq+0x4/0x60")]
    [DataRow("ioread16+0x4/0x60 [vmlinux]")]
    public void Import_SecondSymbolIsAReadAccessor_TheFirstIsTheSite(string accessor)
    {
        var e = ImportOne("rwmmio_read", RwmmioRead(Doorbell, accessor, 32, 0xffff800010000010));
        Assert.AreEqual(Doorbell, e.Site);
    }

    [TestMethod]
    [DataRow("nic_writel+0x4/0x60 [nic]")]   // the driver's own wrapper: where its code did the access
    [DataRow("writelx+0x4/0x60")]
    [DataRow("iowrite+0x4/0x60")]
    public void Import_SecondSymbolIsNotAnAccessor_ItIsTheSite(string caller)
    {
        var e = ImportOne("rwmmio_write", RwmmioWrite(Doorbell, caller, 32, 1, 0xffff800010000010));
        Assert.AreEqual(caller, e.Site);
    }

    [TestMethod]
    public void Import_ArrowWithoutTheFirstSymbol_Malformed()
    {
        // "-> writel+0x4/0x60" is neither form: the first symbol is lost, and "-> writel..." is no site.
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout,
            [("trace", Trace("t", 1, 0, ".....", 1, "rwmmio_write", "-> writel+0x4/0x60 width=32 val=0x1 addr=0xffff800010000010"))], relaxedMmio: true));
        StringAssert.Contains(e.Message, "rwmmio event: expected '[CALLER0 -> ]CALLER width=BITS ...'");
    }
}
