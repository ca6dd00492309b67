using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>
/// <c>--device-name NAME=DEVICE</c>: one device the trace prints under two names (its irq as requested, its DMA under
/// its bus name), which no declaration in a layout of several devices can match both of (recording.md, "The layout").
/// </summary>
[TestClass]
public sealed class DeviceNameTests
{
    const string TwoDevices = """
        scenario "two"
        arch arm64
        cpu cpu0
        device nic noncoherent
        device nvme
        ram ring 0x80000000 size 0x10000
        """;

    static readonly string IrqAndDma =
        Trace("<idle>", 0, 0, "d.h1.", 1, "irq_handler_entry", IrqEntry(25, "eth0-rx-0")) +
        Trace("kworker/0:1", 42, 0, ".....", 2, "dma_map_page", DmaMap("0000:01:00.0", "TO_DEVICE", 0x80000000, 64, 0x80000000));

    [TestMethod]
    public void Import_BothNamesGiven_BothAreTheDevice()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", TwoDevices, [("trace", IrqAndDma)],
            deviceNames: new Dictionary<string, string> { ["eth0-rx-0"] = "nic", ["0000:01:00.0"] = "nic" });
        // nic is agent 1: the irq is taken from it, and its DMA map cleans (nic is noncoherent; nvme would not).
        CollectionAssert.AreEqual(new[] { (EventKind.TakeIrq, 1u), (EventKind.CacheClean, 0u) },
            events.Select(e => (e.Kind, e.Kind == EventKind.TakeIrq ? e.Aux : 0u)).ToArray());
    }

    [TestMethod]
    public void Import_NamesNotGiven_StopsAtTheFirstAndSaysHow()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("ftrace", TwoDevices, [("trace", IrqAndDma)]));
        StringAssert.Contains(e.Message, "device 'eth0-rx-0' is not in the layout");
        StringAssert.Contains(e.Message, "--device-name eth0-rx-0=DEVICE");
    }

    [TestMethod]
    public void Import_NameGiven_ComesBeforeTheDeviceOfThatName()
    {
        // The irq was requested as "nvme" but belongs to the nic: the command line says so, and wins.
        using var h = new ImportHarness();
        var events = h.Run("ftrace", TwoDevices, [("trace", Trace("<idle>", 0, 0, "d.h1.", 1, "irq_handler_entry", IrqEntry(25, "nvme")))],
            deviceNames: new Dictionary<string, string> { ["nvme"] = "nic" });
        Assert.AreEqual(1u, events.Single().Aux);
    }

    [TestMethod]
    [DataRow("nope", DisplayName = "no such agent")]
    [DataRow("cpu0", DisplayName = "a cpu")]
    public void Import_NameForNoDevice_StopsNamingTheLayoutsDevices(string device)
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("ftrace", TwoDevices, [("trace", IrqAndDma)],
            deviceNames: new Dictionary<string, string> { ["eth0-rx-0"] = device }));
        Assert.AreEqual($"{Path.Combine(h.Dir, "layout.scn")}: --device-name eth0-rx-0={device}: the layout declares no device '{device}' (its devices: nic, nvme)", e.Message);
        Assert.IsFalse(File.Exists(Path.Combine(h.Dir, "out.trace")), "nothing written");
    }
}
