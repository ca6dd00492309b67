using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// A live release holds a clock row per agent for each clock kept, and a sync byte holds its last release: a short
/// trace that declares many agents and releases into many sync words needs agents × words of clocks (a 35 KB trace of
/// 4,096 agents and 140,000 release stores needed 8 GiB and then overflowed the arena's array). Past
/// <see cref="ReplayOptions.ReleaseBudgetBytes"/> the replay stops with one clear error at the release that needs more.
/// </summary>
[TestClass]
public sealed class ReleaseBudgetTests
{
    const int Agents = 256, Releases = 400;

    /// <summary>
    /// 255 cpus and a non-coherent device (so the cache detectors keep their row too); c0 releases into
    /// <see cref="Releases"/> distinct sync words (none overwritten, all live), each time after acquiring a new release of
    /// c1's (so no two of its releases hold the same clocks either).
    /// </summary>
    static TraceBuilder ManyLiveReleases()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu([.. Enumerable.Range(0, Agents - 1).Select(i => $"c{i}")]).Device("dev", coherent: false);
        t.Sync("flags", 0x10_0000, 8 * Releases).Sync("ping", 0x20_0000, 8);
        for (int i = 0; i < Releases; i++)
        {
            t.StoreRelease("c1", t.At("ping"), 8, (ulong)i);
            t.LoadAcquire("c0", t.At("ping"), 8);
            t.StoreRelease("c0", t.At("flags", (ulong)(8 * i)), 8, 1);
        }
        return t;
    }

    static ReplayEngine Engine(TraceBuilder t, long? budget, FindingKind[]? detectors = null) =>
        DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions
        {
            ReleaseBudgetBytes = budget,
            Detectors = detectors is null ? null : new HashSet<FindingKind>(detectors),
        });

    [TestMethod]
    public void Replay_LiveReleasesOutgrowTheBudget_StopsAtTheReleaseThatNeedsMore()
    {
        var t = ManyLiveReleases();
        // A slot: a header line of 16 components and 3 rows of 256, rounded up to 32 components: 800 (3,200 bytes). The
        // budget of 512 KiB holds 131,072 components, less 32 for the alignment: 163 slots. The arena doubles from 64 to
        // 128, then takes the 163 the budget allows; slot 0 is "none", so 162 slots fit: after 161 rounds, c1's live
        // release of ping and 161 of c0's. c1's next release (event 3 × 161), which takes its slot before the one it
        // replaces is freed, stops the replay.
        using var engine = Engine(t, budget: 512 * 1024);
        var e = Assert.ThrowsExactly<ReplayInputException>(() => { foreach (var b in t.Batches(t.Count)) engine.Process(b); });
        Assert.AreEqual(3L * 161, e.EventIndex, "the release that needs the 163rd slot");
        StringAssert.StartsWith(e.Message, "event #483: the releases held at once outgrow the replay's memory budget: 162 distinct snapshots of 3 clock rows of 256 components");
        StringAssert.Contains(e.Message, "within 0.00 GiB");
    }

    [TestMethod]
    public void Replay_FewerRowsSelected_FitsWhereThreeDidNot()
    {
        // dma-race keeps HB alone: a third of the clocks, so the same budget holds every release.
        var t = ManyLiveReleases();
        using var engine = Engine(t, budget: 512 * 1024, [FindingKind.DmaRace]);
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(Releases + 1, engine.Hb.Arena.Live, "c0's releases and c1's latest");
        Assert.IsTrue(engine.Hb.Arena.Bytes <= 512 * 1024, $"{engine.Hb.Arena.Bytes} bytes");
    }

    [TestMethod]
    public void Replay_DefaultBudget_AQuarterOfTheMemoryAvailable()
    {
        var t = ManyLiveReleases();
        using var engine = Engine(t, budget: null);
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(Releases + 1, engine.Hb.Arena.Live);
        Assert.AreEqual(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, Replay.Clocks.ClockArena.DefaultBudget);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void CreateEngine_Shards_ShareTheDefaultBudget(int shards)
    {
        // Each replica keeps its own releases: together they take no more than one engine may.
        using var engine = DetectorRegistry.CreateEngine(ManyLiveReleases().Metadata(), new ReplayOptions { DataShards = shards });
        Assert.AreEqual(Replay.Clocks.ClockArena.DefaultBudget / (shards + 1), engine.Options.ReleaseBudgetBytes);
    }
}
