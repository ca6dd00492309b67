using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Synth;

namespace TraceTools.Tests.Engine;

/// <summary>Only what is selected costs, in the release snapshots too: the arena keeps OB rows only when a detector needs the OB clocks.</summary>
[TestClass]
public sealed class ArenaSelectionTests
{
    [TestMethod]
    [DataRow(FindingKind.DmaRace, false)]
    [DataRow(FindingKind.TornEntryUpdate, false)]
    [DataRow(FindingKind.StaleDmaRead, true)]
    [DataRow(FindingKind.PresentBeforePayload, true)]
    public void Snapshot_OneDetector_ObRowsOnlyWithObClocks(FindingKind kind, bool ob)
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        using var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = new HashSet<FindingKind> { kind } });
        int h = engine.Hb.Snapshot(0, Replay.Ordering.AccessClass.W);
        Assert.AreEqual(engine.Hb.Width, engine.Hb.Arena.Hb(h).Length);
        Assert.AreEqual(ob ? engine.Hb.Width : 0, engine.Hb.Arena.ObStore(h).Length, "OB-for-stores row");
        Assert.AreEqual(ob ? engine.Hb.Width : 0, engine.Hb.Arena.ObCache(h).Length, "OB-for-cache row");
    }
}
