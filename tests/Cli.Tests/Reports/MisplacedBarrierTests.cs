namespace TraceTools.Tests.Reports;

/// <summary>
/// The ladder shows the barrier of the right class on the wrong side of its event, outside the window (docs/reports.md
/// "The text ladder"), per arch; one that an event of the kind it serves took for itself is not shown.
/// </summary>
[TestClass]
public sealed class MisplacedBarrierTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-misplaced").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    static string Rx(string arch, string body) => $"""
        arch {arch}
        cpu cpu0
        device nic
        ram  rxbuf 0x40000000 size 0x100
        sync done  0x41000000 size 0x10
        mmio regs  0xfe000000 size 0x100 device nic
        {body}
        """;

    static void Shows(string[] lines, string row) =>
        Assert.IsTrue(lines.Any(l => l.Contains(row, StringComparison.Ordinal)), $"{row}\n{string.Join("\n", lines)}");

    static void DoesNotShow(string[] lines, string index) =>
        Assert.IsFalse(lines.Any(l => l.TrimStart().StartsWith(index, StringComparison.Ordinal) || l.Contains($"  {index}", StringComparison.Ordinal)), $"{index}\n{string.Join("\n", lines)}");

    [TestMethod]
    [DataRow("arm64", "dma_rmb")]
    [DataRow("riscv64", "dma_rmb")]
    [DataRow("arm64", "dmb.oshld")]
    public void StaleCpuRead_ReadBarrierBeforeTheAcquire_Marked(string arch, string barrier)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx(arch, $"""
            nic:  dma_write rxbuf size 0x40
            nic:  dma_write done size 4 = 1
            cpu0: barrier {barrier}
            cpu0: load done size 4
            cpu0: load rxbuf size 0x40
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Shows(lines, $"#2 barrier {barrier}   <- before the acquire #3");
    }

    [TestMethod]
    public void StaleCpuRead_ReadBarrierAfterTheLoad_Marked_AStoreBarrierNot()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx("arm64", """
            nic:  dma_write rxbuf size 0x40
            nic:  dma_write done size 4 = 1
            cpu0: load done size 4
            cpu0: load rxbuf size 0x40
            cpu0: barrier dma_wmb
            cpu0: barrier dma_rmb
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Shows(lines, "#5 barrier dma_rmb   <- after the load #3");
        DoesNotShow(lines, "#4 ");
    }

    [TestMethod]
    public void StaleCpuRead_BarrierTakenByAnEarlierAcquire_NotShown()
    {
        // The last iteration's dma_rmb (#1) followed its own status read (#2): it is not this acquire's (#5).
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx("arm64", """
            cpu0: load done size 4
            cpu0: barrier dma_rmb
            cpu0: load done size 4
            nic:  dma_write rxbuf size 0x40
            nic:  dma_write done size 4 = 1
            cpu0: load done size 4
            cpu0: load rxbuf size 0x40
            cpu0: load done size 4
            cpu0: barrier dma_rmb
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        DoesNotShow(lines, "#1 ");
        DoesNotShow(lines, "#8 "); // after the next status read (#7): the next iteration's
    }

    static string Ring(string arch, string body) => $"""
        arch {arch}
        cpu cpu0, cpu1
        device nic
        table ring 0x100000 entries 16 entry_size 16 granule 16 present bit 63 fetcher nic
        ram  txbuf 0x40000000 size 0x100
        mmio regs  0xfe000000 size 0x100 device nic
        {body}
        """;

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void PresentBeforePayload_StoreBarrierBeforeThePayloadAndAfterThePresentStore_Marked(string arch)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring(arch, """
            cpu0: barrier dma_wmb
            cpu0: store ring[0] + 8 size 8 = 0x80000000
            cpu0: store ring[0] size 8 = 0x8000000000000040
            cpu0: barrier wmb
            nic:  fetch ring[0] granule 0
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Shows(lines, "#0 barrier dma_wmb   <- before the payload store #1");
        Shows(lines, "#3 barrier wmb   <- after the store that sets present #2");
    }

    [TestMethod]
    public void PresentBeforePayload_PayloadOfAnotherCpu_NoLookAhead()
    {
        // cpu1 sets present: a barrier after it is no fix for cpu0's payload (a hand-off is), so it is not shown.
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring("arm64", """
            cpu0: store ring[0] + 8 size 8 = 0x80000000
            cpu1: store ring[0] size 8 = 0x8000000000000040
            cpu1: barrier wmb
            nic:  fetch ring[0] granule 0
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        DoesNotShow(lines, "#2 ");
    }

    [TestMethod]
    [DataRow("arm64", "dma_wmb")]
    [DataRow("riscv64", "fence.w.o")]
    public void StaleDmaRead_StoreBarrierBeforeTheStore_Marked_NotWhenADoorbellTookIt(string arch, string barrier)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring(arch, $"""
            cpu0: barrier {barrier}
            cpu0: writel_relaxed regs = 1
            cpu0: barrier {barrier}
            cpu0: store txbuf size 0x40
            cpu0: writel_relaxed regs = 2
            nic:  dma_read txbuf size 0x40
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Shows(lines, $"#2 barrier {barrier}   <- before the store #3");
        DoesNotShow(lines, "#0 ");
    }

    [TestMethod]
    public void WritelsBarrierAfterThePresentStore_IsTheDoorbells_NotMarked()
    {
        // fill, OWN, writel: the dma_wmb after OWN (#2) is writel's, for the doorbell (#3).
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring("arm64", """
            cpu0: store ring[0] + 8 size 8 = 0x1234
            cpu0: store ring[0] size 8 = 0x8000000000000040
            cpu0: writel regs = 1
            nic:  fetch ring[0] granule 0
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.IsFalse(lines.Any(l => l.Contains("after the store that sets present", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    public void ReadlsBarrierBeforeTheAcquire_IsTheReadls_NotMarked()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx("arm64", """
            cpu0: readl regs + 4
            nic:  dma_write rxbuf size 0x40
            nic:  dma_write done size 4 = 1
            cpu0: load done size 4
            cpu0: load rxbuf size 0x40
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.IsFalse(lines.Any(l => l.Contains("before the acquire", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    public void PayloadOfAnotherCpu_NoLookBack()
    {
        // cpu1's barrier before its payload store: moving it after the store would not help (a hand-off would).
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring("arm64", """
            cpu1: barrier dma_wmb
            cpu1: store ring[0] + 8 size 8 = 0x80000000
            cpu0: store ring[0] size 8 = 0x8000000000000040
            nic:  fetch ring[0] granule 0
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.IsFalse(lines.Any(l => l.Contains("before the payload store", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    [DataRow("smp_wmb")]   // inner: no device observer sees its order
    [DataRow("dmb.ishst")]
    public void BarrierOfTheWrongDomain_NotMarkedAsMisplaced(string barrier)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Ring("arm64", $"""
            cpu0: barrier {barrier}
            cpu0: store txbuf size 0x40
            cpu0: writel_relaxed regs = 2
            nic:  dma_read txbuf size 0x40
            """));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.IsFalse(lines.Any(l => l.Contains("before the store #", StringComparison.Ordinal)), string.Join("\n", lines));
    }
}
