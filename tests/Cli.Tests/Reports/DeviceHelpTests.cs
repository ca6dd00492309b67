namespace TraceTools.Tests.Reports;

/// <summary>
/// The helps of the kinds about a device's DMA: dma-outside-mapping's per cause (docs/model.md §11: an unmap too
/// early, bytes never mapped; the fix applied makes the trace clean), dma-race's on the cpu's side per access.
/// </summary>
[TestClass]
public sealed class DeviceHelpTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-devicehelp").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    /// <summary>cpu0 maps <paramref name="mapped"/> bytes of buf, fills 0x80 and rings; dev reads 0x80.</summary>
    static string Tx(string mapped) => $"""
        arch x86_64
        cpu cpu0
        device dev
        ram  buf 0x1000 size 0x100
        mmio db 0xf000 size 0x10 device dev
        cpu0: dma_map buf size {mapped} device dev to_device
        cpu0: store buf size 0x80
        cpu0: writel db = 1
        dev:  dma_read buf size 0x80
        """;

    [TestMethod]
    public void NeverMapped_HelpAsksToMapAllOfIt_NotToUnmapLater_WhichIsClean()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Tx("0x40"));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "dev reads buf+0x0..0x80 without a dma_map of all of those bytes for it");
        Assert.AreEqual("help: map all of buf+0x0..0x80 for dev (dma_map with the direction it is used in) before handing it over, and keep it mapped until dev is done with it",
            ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Tx("0x80"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void UnmappedTooEarly_HelpStillSaysUnmapAfterTheCompletion()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Tx("0x80").Replace("dev:  dma_read", "cpu0: dma_unmap buf size 0x80 device dev\ndev:  dma_read", StringComparison.Ordinal));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual("help: keep buf+0x0..0x80 mapped for dev until it is done with it (unmap after its completion)", ScenarioReplay.Help(lines));
    }

    [TestMethod]
    [DataRow("load", "reading")]
    [DataRow("store", "reusing")]
    public void DmaRace_OnTheCpu_HelpSaysReadingForALoad_ReusingForAStore(string access, string verb)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, $"""
            arch arm64
            cpu cpu0
            device nic
            ram  buf  0x40000000 size 0x1000
            sync done 0x41000000 size 0x10
            mmio regs 0xfe200000 size 0x100 device nic
            cpu0: writel regs = 1
            nic:  dma_write buf size 0x40
            nic:  dma_write done size 4 = 1
            cpu0: {access} buf size 0x40
            """);
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual($"help: wait for nic's completion (status read, interrupt or completion flag) before {verb} buf+0x0..0x40", ScenarioReplay.Help(lines));
    }
}
