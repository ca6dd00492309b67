using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>The ladder shows the evidence: the hb path's agents, and the barriers and sync events between the events.</summary>
[TestClass]
public sealed class LadderTests
{
    /// <summary>cpu0's buffer reaches the nic through cpu1 and cpu2; cpu0 has no barrier before its flag store.</summary>
    const string HandOff = """
        scenario "hand-off through cpu1 and cpu2"
        arch arm64
        cpu cpu0, cpu1, cpu2
        device nic
        ram  buf   0x1000 size 0x40
        sync flag1 0x2000 size 0x8
        sync flag2 0x2008 size 0x8
        mmio db    0xf000 size 0x10 device nic
        cpu0: store buf size 16 @ "fill_buf"
        cpu0: store flag1 size 4 = 1 @ "hand_to_cpu1"
        cpu1: load flag1 size 4 @ "cpu1_take"
        cpu1: barrier dmb.ish
        cpu1: store flag2 size 4 = 1 @ "hand_to_cpu2"
        cpu2: load flag2 size 4 @ "cpu2_take"
        cpu2: barrier dma_wmb
        cpu2: mmio_write db size 4 = 1 @ "ring_doorbell"
        nic:  dma_read buf size 16 @ "nic_fetch"
        expect stale-dma-read count 1
        """;

    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-ladder").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    string[] Replay(string scenario)
    {
        string scn = Path.Combine(_dir, "s.scn"), trace = Path.Combine(_dir, "s.trace");
        File.WriteAllText(scn, scenario);
        var gen = RepoPaths.Run("gen", scn, "-o", trace);
        Assert.AreEqual(0, gen.Exit, gen.Err);
        var (exit, output, err) = RepoPaths.Run("replay", trace);
        Assert.AreEqual(1, exit, err);
        return output.Split('\n');
    }

    [TestMethod]
    public void Engine_HbPath_HopsThroughCpu1AndCpu2ToTheDoorbell()
    {
        string scn = Path.Combine(_dir, "s.scn");
        File.WriteAllText(scn, HandOff);
        var scenario = ScenarioCompiler.CompileFile(scn);
        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        var sink = new BatchingSink(engine.Process);
        scenario.Generate(sink);
        sink.Flush();
        engine.Complete();
        CollectionAssert.AreEqual(new[]
        {
            new HbHop(0, 1, 1, 2),   // flag1 store -> cpu1's load
            new HbHop(1, 4, 2, 5),   // flag2 store -> cpu2's load
            new HbHop(2, 7, 3, -1),  // doorbell -> the nic's next event
        }, engine.HbPath(0, 1, 3, 8).ToArray());
        Assert.IsEmpty(engine.HbPath(3, 8, 0, 8), "no path backwards");
        Assert.IsEmpty(engine.HbPath(0, 1, 3, 6), "the doorbell comes after #6");
    }

    [TestMethod]
    public void Ladder_HandOffThroughTwoCpus_ShowsEveryAgentOnThePath()
    {
        var lines = Replay(HandOff);
        StringAssert.Matches(lines[1], new System.Text.RegularExpressions.Regex(@"^  cpu0 +cpu1 +cpu2 +nic$"));
        Assert.IsTrue(lines.Any(l => l.Contains("#1 store flag1+0x0 size 4 = 0x1   -> cpu1", StringComparison.Ordinal)), string.Join("\n", lines));
        Assert.IsTrue(lines.Any(l => l.Contains("#2 load flag1+0x0 size 4   <- from cpu0", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.Contains("#3 barrier dmb.ish", StringComparison.Ordinal)), "cpu1's barrier between its events");
        Assert.IsTrue(lines.Any(l => l.Contains("#4 store flag2+0x0 size 4 = 0x1   -> cpu2", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.Contains("#5 load flag2+0x0 size 4   <- from cpu1", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.Contains("#7 mmio_write db = 0x1   -> nic", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.Contains("#8 dma_read buf+0x0 size 16   <- stale", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Ladder_InnerBarrierBetweenStoreAndDoorbell_MarkedAsNotOrderingThem()
    {
        var lines = Replay("""
            arch arm64
            cpu cpu0
            device d
            ram buf 0x1000 size 0x40
            mmio db 0xf000 size 0x10 device d
            cpu0: store buf size 16
            cpu0: barrier dmb.ishst
            cpu0: mmio_write db size 4 = 1
            d: dma_read buf size 16
            """);
        Assert.IsTrue(lines.Any(l => l.Contains("#1 barrier dmb.ishst   <- does not order #0 before #2", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    public void Ladder_ManyBarriers_CappedWithANote()
    {
        var lines = Replay("""
            arch arm64
            cpu cpu0
            device d
            ram buf 0x1000 size 0x40
            mmio db 0xf000 size 0x10 device d
            cpu0: store buf size 16
            cpu0: mmio_write db size 4 = 1
            repeat 10 as i {
              cpu0: barrier dmb.ishst
            }
            d: dma_read buf size 16
            """);
        Assert.AreEqual(LadderEvents.MaxEvidencePerAgent, lines.Count(l => l.Contains("<- after the doorbell", StringComparison.Ordinal)), string.Join("\n", lines));
        CollectionAssert.Contains(lines, $"  note: {10 - LadderEvents.MaxEvidencePerAgent} more barriers and sync events of cpu0 before #12 not shown");
    }
}
