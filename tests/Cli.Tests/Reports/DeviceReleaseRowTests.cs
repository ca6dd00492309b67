namespace TraceTools.Tests.Reports;

/// <summary>
/// A device's DMA to a sync word or table entry is evidence (docs/reports.md, "evidence"): a stale-cpu-read's acquire
/// reads the device's completion, and without that write the acquire's row showed no source.
/// </summary>
[TestClass]
public sealed class DeviceReleaseRowTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-devrelease").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    static string Rx(string status) => $"""
        arch arm64
        cpu cpu0
        device nic
        ram   rxbuf 0x50000000 size 0x600
        {status}
        nic:  dma_write rxbuf size 0x100 @ "nic: rx data"
        nic:  dma_write cq size 4 = 1 @ "nic: completion"
        nic:  dma_write stats size 8 @ "nic: counters"
        cpu0: load cq size 4 @ "rx_poll: status"
        cpu0: load rxbuf size 0x40 @ "rx_poll: parse header"
        """;

    [TestMethod]
    [DataRow("sync  cq 0x60000000 size 0x10\nram stats 0x61000000 size 0x10", DisplayName = "a sync word")]
    [DataRow("table cq 0x60000000 entries 16 entry_size 16 granule 16 present bit 0 fetcher nic\nram stats 0x61000000 size 0x10", DisplayName = "a table entry")]
    public void StaleCpuRead_TheDevicesCompletionWrite_IsShownInItsColumn(string status)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx(status));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "error[stale-cpu-read]");
        Assert.IsTrue(lines.Any(l => l.Contains("#1 dma_write cq", StringComparison.Ordinal) && l.Contains("+0x0 size 4 = 0x1", StringComparison.Ordinal)), all);
        // A device's write to plain ram is data, not evidence.
        Assert.IsFalse(lines.Any(l => l.Contains("#2 dma_write", StringComparison.Ordinal)), all);
    }
}
