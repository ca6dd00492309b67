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
        var (exit, lines) = ScenarioReplay.Of(_dir, scenario);
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        return lines;
    }

    [TestMethod]
    public void Engine_HbPath_HopsThroughCpu1AndCpu2ToTheDoorbell()
    {
        var engine = ScenarioReplay.Engine(_dir, HandOff);
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

    /// <summary>
    /// A noncoherent rx frame: the dma writes rxbuf 0..0x80 (two lines) and raises its interrupt; cpu0 reads the frame
    /// in the handler. Only the cpu's events between the write and the load can be the maintenance the rule judges.
    /// </summary>
    const string Rx = """
        arch arm64
        cpu cpu0
        device dma noncoherent
        ram rxbuf 0x48000000 size 0x1000
        dma:  dma_write rxbuf size 0x80
        """;

    [TestMethod]
    public void Ladder_MissingCacheInvalidate_InvalidationBeforeTheIrq_ShownFromTheWriteOnAndMarked()
    {
        var lines = Replay(Rx + """

            cpu0: cache_inval rxbuf size 0x80
            dma:  raise_irq
            cpu0: take_irq dma
            cpu0: load rxbuf size 0x80
            """);
        // #1 covers both lines the write and the load share, by the load's cpu, before it: it counted unless not hb-after
        // #0. #3 is the cpu's sync event from the write on.
        Shows(lines,
            "#1 cache_inval rxbuf+0x0 size 128   <- before the completion of #0 is observed",
            "#3 take_irq dma",
            "#4 load rxbuf+0x0 size 128   <- stale cache");
    }

    /// <summary>
    /// Each of <paramref name="rows"/> is a cell of the ladder, whole: only the other column's <c>.</c> may follow it
    /// (so an unmarked row has no marker after it).
    /// </summary>
    static void Shows(string[] lines, params string[] rows)
    {
        foreach (var row in rows)
            Assert.IsTrue(lines.Any(l => l.IndexOf(row, StringComparison.Ordinal) is int at and >= 0 && l[(at + row.Length)..].Trim() is "" or "."),
                $"{row}\n{string.Join("\n", lines)}");
    }

    [TestMethod]
    public void Ladder_MissingCacheInvalidate_CleanMarked_InvalidationOfOneLineShownUnmarked()
    {
        var lines = Replay(Rx + """

            dma:  raise_irq
            cpu0: take_irq dma
            cpu0: cache_inval rxbuf+0x40 size 0x40
            cpu0: cache_clean rxbuf size 0x80
            cpu0: load rxbuf size 0x80
            """);
        // #3 made the second line clean for cpu0 (hb-after #0 through the irq); the first line's bytes keep the finding.
        Shows(lines,
            "#3 cache_inval rxbuf+0x40 size 64",
            "#4 cache_clean rxbuf+0x0 size 128   <- cleans, does not invalidate",
            "#5 load rxbuf+0x0 size 128   <- stale cache");
    }

    [TestMethod]
    public void Ladder_MissingCacheInvalidate_CleanOfOneSharedLine_Marked()
    {
        // The write and the load share two lines; a clean of the second alone drops none of them either (reports.md: "a
        // cache_clean whose lines hold any of them").
        var lines = Replay(Rx + """

            dma:  raise_irq
            cpu0: take_irq dma
            cpu0: cache_clean rxbuf+0x40 size 0x40
            cpu0: load rxbuf size 0x80
            """);
        Shows(lines, "#3 cache_clean rxbuf+0x40 size 64   <- cleans, does not invalidate");
    }

    [TestMethod]
    public void Ladder_DmaRaceOnTheCpu_ShowsItsSyncEventsFromTheDevicesAccessOn()
    {
        // cpu0 reuses txbuf after reading the wrong device's status: that read (#5), between the dma's read and the
        // reuse, is what the ladder must show; cpu0's barrier and doorbell (#1, #2) come before the dma's access, not shown.
        var lines = Replay("""
            arch arm64
            cpu cpu0
            device dma
            device timer
            ram txbuf 0x1000 size 0x100
            mmio dmaregs 0xf000 size 0x10 device dma
            mmio timerregs 0xe000 size 0x10 device timer
            cpu0: store txbuf size 64
            cpu0: barrier dma_wmb
            cpu0: mmio_write dmaregs size 4 = 1
            dma:  dma_read txbuf size 64
            cpu0: barrier dmb.sy
            cpu0: mmio_read timerregs size 4
            cpu0: store txbuf size 64
            """);
        Shows(lines, "#4 barrier dmb.sy", "#5 mmio_read timerregs size 4", "#6 store txbuf+0x0 size 64   <- race");
        Assert.IsFalse(lines.Any(l => l.Contains("#1 ", StringComparison.Ordinal) || l.Contains("#2 ", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    public void ReportsDoc_MissingCacheInvalidateMarkers_SpelledAsTheLadderPrintsThem()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "reports.md"));
        StringAssert.Contains(doc, "`<- cleans, does not invalidate`");
        StringAssert.Contains(doc, "`<- before the completion of #0 is observed`");
        StringAssert.Contains(doc, "`<- before the device's write #0`");
        StringAssert.Contains(doc, "`<- before the store #0`");
        StringAssert.Contains(doc, "`<- does not complete the clean #1`");
        StringAssert.Contains(doc, "`<- not ordered after the clear #1`");
        foreach (var marker in new[] { "`<- before the store #0`", "`<- before the payload store #0`", "`<- after the store that sets present #1`", "`<- before the acquire #0`", "`<- after the load #1`" })
            StringAssert.Contains(doc, marker);
    }

    [TestMethod]
    public void Ladder_MissingCacheInvalidate_LatestInvalidationBeforeTheWrite_ShownAndMarked()
    {
        // An invalidation at refill: #1 (of the buffer's second line, which the load shares) is cpu0's latest before
        // the write #5; #0, earlier, is not shown. Not shown either: #2, a clean; #3, another cpu's; #4, of a line the
        // load does not read.
        var lines = Replay("""
            arch arm64
            cpu cpu0
            cpu cpu1
            device dma noncoherent
            ram rxbuf 0x48000000 size 0x1000
            cpu0: cache_inval rxbuf size 0x80
            cpu0: cache_flush rxbuf+0x40 size 0x40
            cpu0: cache_clean rxbuf size 0x80
            cpu1: cache_inval rxbuf size 0x80
            cpu0: cache_inval rxbuf+0x80 size 0x40
            dma:  dma_write rxbuf size 0x80
            dma:  raise_irq
            cpu0: take_irq dma
            cpu0: load rxbuf size 0x80
            """);
        Shows(lines,
            "#1 cache_flush rxbuf+0x40 size 64   <- before the device's write #5",
            "#5 dma_write rxbuf+0x0 size 128",
            "#7 take_irq dma",
            "#8 load rxbuf+0x0 size 128   <- stale cache");
        foreach (var absent in new[] { "#0 ", "#2 ", "#3 ", "#4 " })
            Assert.IsFalse(lines.Any(l => l.Contains(absent, StringComparison.Ordinal)), $"{absent}\n{string.Join("\n", lines)}");
    }

    [TestMethod]
    [DataRow(1, true)]      // the write is #1: the invalidation just before it, at the trace's first event
    [DataRow(1_024, true)]  // the write is #1024: the invalidation 1,024 events before it, the look-back's first
    [DataRow(1_025, false)] // #1025: 1,025 before it, outside the look-back (docs/reports.md: "within 1,024 events")
    public void Ladder_MissingCacheInvalidate_InvalidationAtTheLookBacksEdge_ShownWithinIt(int write, bool shown)
    {
        var text = new System.Text.StringBuilder("""
            arch arm64
            cpu cpu0
            device dma noncoherent
            ram rxbuf 0x48000000 size 0x1000
            ram other 0x50000000 size 0x1000
            cpu0: cache_inval rxbuf size 0x80

            """);
        for (int i = 1; i < write; i++) text.AppendLine("cpu0: store other size 8");
        text.Append("""
            dma:  dma_write rxbuf size 0x80
            dma:  raise_irq
            cpu0: take_irq dma
            cpu0: load rxbuf size 0x80
            """);
        var lines = Replay(text.ToString());
        Shows(lines, $"#{write} dma_write rxbuf+0x0 size 128");
        if (shown) Shows(lines, $"#0 cache_inval rxbuf+0x0 size 128   <- before the device's write #{write}");
        else Assert.IsFalse(lines.Any(l => l.Contains("#0 ", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    public void Ladder_MissingCacheClean_LatestCleanBeforeTheStore_ShownAndMarked()
    {
        // dma_map_single(DMA_TO_DEVICE) cleaned, then the buffer was filled: #2 (a flush of the second line, which the
        // device reads) is cpu0's latest clean or flush before the store #4; #0 is earlier; #1 invalidates (it would not
        // have counted after the store either); #3 cleans a line the device does not read.
        var lines = Replay("""
            arch arm64
            cpu cpu0
            device dma noncoherent
            ram txbuf 0x40000000 size 0x1000
            mmio dmaregs 0xfe000000 size 0x100 device dma
            cpu0: cache_clean txbuf size 0x80
            cpu0: cache_inval txbuf size 0x80
            cpu0: cache_flush txbuf+0x40 size 0x40
            cpu0: cache_clean txbuf+0x80 size 0x40
            cpu0: store txbuf size 0x80
            cpu0: barrier dsb.sy
            cpu0: mmio_write dmaregs size 4 = 1
            dma:  dma_read txbuf size 0x80
            """);
        Shows(lines,
            "#2 cache_flush txbuf+0x40 size 64   <- before the store #4",
            "#7 dma_read txbuf+0x0 size 128   <- dirty");
        foreach (var absent in new[] { "#0 ", "#1 ", "#3 " })
            Assert.IsFalse(lines.Any(l => l.Contains(absent, StringComparison.Ordinal)), $"{absent}\n{string.Join("\n", lines)}");
    }
}
