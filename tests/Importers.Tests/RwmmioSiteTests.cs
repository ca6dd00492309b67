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
}
