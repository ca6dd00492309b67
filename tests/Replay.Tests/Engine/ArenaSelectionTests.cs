using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Synth;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Only what is selected costs, in the release snapshots too: the arena keeps the OB-for-stores row only when a detector
/// needs the OB clocks, and the OB-for-cache row only when that detector is a cache detector (cache state selected).
/// </summary>
[TestClass]
public sealed class ArenaSelectionTests
{
    [TestMethod]
    [DataRow(FindingKind.DmaRace, false, false)]
    [DataRow(FindingKind.TornEntryUpdate, false, false)]
    [DataRow(FindingKind.StaleDmaRead, true, false)]
    [DataRow(FindingKind.PresentBeforePayload, true, false)]
    [DataRow(FindingKind.MissingCacheClean, true, true)]
    [DataRow(FindingKind.SharedCacheline, true, true)]
    public void Snapshot_OneDetector_ObRowsOnlyWhenAsked(FindingKind kind, bool obStore, bool obCache)
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        using var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = new HashSet<FindingKind> { kind } });
        int h = engine.Hb.Snapshot(0, Replay.Ordering.AccessClass.W);
        Assert.AreEqual(engine.Hb.Width, engine.Hb.Arena.Hb(h).Length);
        Assert.AreEqual(obStore ? engine.Hb.Width : 0, engine.Hb.Arena.ObStore(h).Length, "OB-for-stores row");
        Assert.AreEqual(obCache ? engine.Hb.Width : 0, engine.Hb.Arena.ObCache(h).Length, "OB-for-cache row");
        Assert.AreEqual(obCache, engine.Hb.TracksObCache);
    }
}
