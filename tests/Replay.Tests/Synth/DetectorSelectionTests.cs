using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth;

/// <summary>
/// Only what is selected costs: the engine keeps only the state its detectors declare, and a detector run
/// alone (on that reduced state) reports exactly what it reports among all of them.
/// </summary>
[TestClass]
public sealed class DetectorSelectionTests
{
    const long Events = 20_000;

    static IReadOnlyList<Finding> Replay(Arch arch, IReadOnlySet<FindingKind>? kinds)
    {
        var options = new SynthOptions { Events = Events, Seed = 5, Arch = arch, InjectRate = 0.1 }; // every kind injected at least once
        var generator = new DriverMixGenerator(options, new ExpectedFindingList());
        var engine = DetectorRegistry.CreateEngine(generator.Metadata, new ReplayOptions { Detectors = kinds });
        var sink = new EngineSink(engine, batchSize: 777);
        generator.Run(sink);
        sink.Flush();
        return engine.Complete();
    }

    public static IEnumerable<object[]> KindsAndArchs =>
        from kind in FindingKinds.All from arch in new[] { Arch.Arm64, Arch.Riscv64 }
        where arch == Arch.Arm64 || kind is not (FindingKind.SmcccClobber or FindingKind.SmcccResultLost) // smc: arm64 only
        select new object[] { kind, arch };

    [TestMethod]
    [DynamicData(nameof(KindsAndArchs))]
    public void Replay_OneDetectorAlone_SameFindingsAsAmongAll(FindingKind kind, Arch arch)
    {
        var all = Replay(arch, null).Where(f => f.Kind == kind).Select(f => f.ToString()).ToList();
        var alone = Replay(arch, new HashSet<FindingKind> { kind }).Select(f => f.ToString()).ToList();
        Assert.IsTrue(all.Count > 0, $"{kind.Name()} must be injected on {arch.Name()}");
        CollectionAssert.AreEqual(all, alone, $"{kind.Name()} on {arch.Name()}");
    }

    [TestMethod]
    public void CreateEngine_DmaRaceOnly_NoObClocksNoEdgeLogNoCacheState()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        Assert.IsTrue(md.Agents.Any(a => !a.Coherent), "the driver mix has a noncoherent device");
        var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = new HashSet<FindingKind> { FindingKind.DmaRace } });
        // dma-race keeps its own per-word latest accesses: the shadow records no access column for it.
        Assert.AreEqual(DetectorNeeds.None, engine.Needs);
        Assert.IsFalse(engine.Hb.TracksOb || engine.Hb.TracksEdges || engine.Hb.TracksLoads);
        Assert.AreEqual(0, engine.Hb.ObStore.Length + engine.Hb.ObCache.Length + engine.Hb.Loads.Length + engine.Hb.Committed.Length);
    }

    [TestMethod]
    public void CreateEngine_AllDetectors_KeepsEverything()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        var engine = DetectorRegistry.CreateEngine(md);
        // No detector reads the shadow's read columns (dma-race keeps its own).
        var everything = DetectorNeeds.WriteHistory | DetectorNeeds.ObClocks |
            DetectorNeeds.LoadsClock | DetectorNeeds.EdgeLog | DetectorNeeds.CacheState;
        Assert.AreEqual(everything, engine.Needs);
        Assert.IsTrue(engine.Hb.TracksOb && engine.Hb.TracksEdges && engine.Hb.TracksLoads);
    }

    [TestMethod]
    public void CreateEngine_EntryDetectorsOnly_NoAccessHistoryButEdgesForOb()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        var kinds = new HashSet<FindingKind> { FindingKind.TornEntryFetch, FindingKind.TornEntryUpdate };
        Assert.AreEqual(DetectorNeeds.None, DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = kinds }).Needs);
        kinds.Add(FindingKind.PresentBeforePayload);
        // The ob queries ask the edge log; it is compacted against the stores the entry detectors hold
        // (IDetector.AddHeldStores), so no write history is kept for it.
        Assert.AreEqual(DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog,
            DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = kinds }).Needs);
        kinds.Add(FindingKind.StaleDmaRead);
        // stale-dma-read names the byte's last writer: the write history, which compaction then counts too.
        Assert.AreEqual(DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog | DetectorNeeds.WriteHistory,
            DetectorRegistry.CreateEngine(md, new ReplayOptions { Detectors = kinds }).Needs);
    }

    /// <summary>
    /// Cache marks are set on the written bytes' cells, so a detector that declares the cache state alone gets the
    /// write history too. Every built-in detector that reads cache marks also declares the history, so only a
    /// plug-in shows that the engine closes the needs itself.
    /// </summary>
    [TestMethod]
    public void Engine_CacheStateAlone_KeepsTheWriteHistoryItIsSetOn()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        var engine = new ReplayEngine(md, ReplayOptions.Default, [new CacheMarksReader()]);
        Assert.AreEqual(DetectorNeeds.CacheState | DetectorNeeds.WriteHistory, engine.Needs);
    }

    /// <summary>A plug-in declaring the cache state and nothing else.</summary>
    sealed class CacheMarksReader : IDetector
    {
        public FindingKind Kind => FindingKind.MissingCacheInvalidate;
        public DetectorHooks Hooks => DetectorHooks.Load;
        public DetectorNeeds Needs => DetectorNeeds.CacheState;
    }
}
