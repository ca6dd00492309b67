using TraceTools.Replay;

namespace TraceTools.Tests.Reports;

/// <summary>
/// A stale-cpu-read whose acquire read another cpu's release (the device's completion forwarded by cpu1) shows that
/// hop, from the edge the replay logged landing on the acquire (docs/reports.md "The text ladder"); the hop from the
/// device to cpu1 is not logged, and not shown.
/// </summary>
[TestClass]
public sealed class ForwardedAcquireTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-forwarded").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    /// <summary>The nic writes rxbuf (#0) and done (#1); cpu1 reads done (#2) and sets flag (#5); cpu0 reads flag (#6), then rxbuf (#7).</summary>
    static string Forwarded(string arch) => $"""
        arch {arch}
        cpu cpu0, cpu1
        device nic
        ram  rxbuf 0x40000000 size 0x100
        sync done  0x41000000 size 0x10
        sync flag  0x42000000 size 0x10
        nic:  dma_write rxbuf size 0x40
        nic:  dma_write done size 4 = 1
        cpu1: load done size 4
        cpu1: barrier dma_rmb
        cpu1: barrier smp_wmb
        cpu1: store flag size 4 = 1
        cpu0: load flag size 4
        cpu0: load rxbuf size 0x40
        """;

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void Ladder_AcquireOfAnotherCpusRelease_ShowsThatHop(string arch)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Forwarded(arch));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.StartsWith(lines[0], "error[stale-cpu-read]", all);
        Assert.IsTrue(lines.Any(l => l.Contains("#5 store flag+0x0 size 4 = 0x1   -> cpu0", StringComparison.Ordinal)), all);
        Assert.IsTrue(lines.Any(l => l.Contains("#6 load flag+0x0 size 4   <- from cpu1", StringComparison.Ordinal)), all);
        Assert.IsFalse(lines.Any(l => l.Contains("#2 load done", StringComparison.Ordinal)), "cpu1's acquire from the nic is not logged: " + all);
    }

    [TestMethod]
    public void Engine_HopInto_TheCpuReleaseThatLandedOnTheAcquire_NoneFromADevice()
    {
        var engine = ScenarioReplay.Engine(_dir, Forwarded("arm64"));
        Assert.AreEqual(new HbHop(1, 5, 0, 6), engine.HopInto(0, 6));
        Assert.IsTrue(engine.AcquiredFromCpu(0, 6));
        Assert.IsNull(engine.HopInto(1, 2), "edges out of devices are not logged");
        Assert.IsNull(engine.HopInto(0, 7), "a data load acquires nothing");
    }
}
