using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The shadow records write cells only for a selection that reads them: dma-race keeps its own words, so a
/// dma-race-only replay of the driver mix leaves every shadow page without cells or values (the pages that
/// exist hold the sync bytes' releases), while a last-writer detector gets a cell per word written.
/// </summary>
[TestClass]
public sealed class WriteHistorySelectionTests
{
    [TestMethod]
    [DataRow(FindingKind.DmaRace, false)]
    [DataRow(FindingKind.StaleDmaRead, true)]
    public void Replay_DriverMix_WriteCellsOnlyWhenADetectorReadsThem(FindingKind kind, bool cells)
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 5, 5_000, 0.05);
        using var engine = DetectorRegistry.CreateEngine(generator.Metadata, new ReplayOptions { Detectors = new HashSet<FindingKind> { kind } });
        var batch = new EventBatch(64);
        for (int i = 0; i < events.Count; i += 512)
        {
            batch.Reset(i);
            for (int k = i; k < Math.Min(i + 512, events.Count); k++) batch.Append(events[k].Event, events[k].Data);
            engine.Process(batch);
        }
        engine.Complete();

        var pages = engine.Shadow.Pages.Pages.ToList();
        Assert.IsNotEmpty(pages, "sync stores keep their releases on pages");
        Assert.AreEqual(cells, pages.Any(p => p.Width > 0), cells ? "a last-writer detector gets write cells" : "dma-race alone records no write history");
        if (!cells) Assert.IsTrue(pages.All(p => p.Releases.Held > 0 && p.Footprint == p.Releases.Footprint), "nothing but the release column on any page");
    }
}
