using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Once the release clocks outgrow a threshold, consecutive releases of an agent whose clocks did not change in between
/// share one arena slot (<see cref="Replay.Clocks.ClockArena"/>), each with its own time and own OB components: every
/// clock row must be what a slot per release leaves, after every event, with the same findings. The tests share from
/// the first release (<see cref="ReplayOptions.ShareReleasesAbove"/> 0) against never.
/// </summary>
[TestClass]
public sealed class SharedSlotTests
{
    public static IEnumerable<object[]> Cases => JoinShortcutTests.Cases;

    /// <summary>Options that share from the first release.</summary>
    static ReplayOptions Sharing(ReplayOptions o) => o with { ShareReleasesAbove = 0 };

    static ReplayEngine Engine(TraceBuilder t, IReadOnlySet<FindingKind>? detectors = null) =>
        DetectorRegistry.CreateEngine(t.Metadata(), Sharing(new ReplayOptions { Detectors = detectors }));

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Replay_SharedAndOwnSlots_SameClockRowsAfterEveryEvent(Arch arch, JoinShortcutTests.Kept kept)
    {
        var (generator, events, _) = Synthesize.Record(arch, seed: 11, 6_000, inject: 0.05);
        var detectors = kept switch
        {
            JoinShortcutTests.Kept.HbOnly => new HashSet<FindingKind> { FindingKind.DmaRace },
            JoinShortcutTests.Kept.ObWithoutCache => new HashSet<FindingKind> { FindingKind.StaleDmaRead, FindingKind.StaleCpuRead, FindingKind.PresentBeforePayload },
            _ => null,
        };
        var batch = new EventBatch(1);
        var hb = JoinShortcutTests.Lockstep(generator.Metadata, detectors, events.Select((e, i) =>
        {
            batch.Reset(i);
            batch.Append(e.Event, e.Data);
            return batch;
        }), $"{arch.Name()} {kept}", _ => { }, Sharing, o => o with { ShareReleasesAbove = long.MaxValue });
        Assert.IsTrue(hb.SharedCount > 100, $"the trace exercises the sharing ({hb.SharedCount})");
    }

    /// <summary>A cpu fills a table of flags with no acquire in between: one slot for all of them, whatever is kept.</summary>
    [TestMethod]
    [DataRow(new[] { FindingKind.DmaRace }, DisplayName = "HB only")]
    [DataRow(new[] { FindingKind.StaleDmaRead, FindingKind.PresentBeforePayload }, DisplayName = "HB and OB")]
    [DataRow(null, DisplayName = "everything")]
    public void StoreRelease_ManyWithoutAcquire_OneSlot(FindingKind[]? detectors)
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev", coherent: false).Sync("flags", 0x2000, 8 * 100).Ram("buf", 0x1000, 0x100);
        for (int i = 0; i < 100; i++)
        {
            t.Store("cpu0", t.At("buf", (ulong)(i % 32 * 8)), 8, (ulong)i);
            t.StoreRelease("cpu0", t.At("flags", (ulong)(8 * i)), 8, 1);
        }
        using var engine = Engine(t, detectors is null ? null : new HashSet<FindingKind>(detectors));
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(100, engine.Hb.Arena.Live, "a release per flag");
        Assert.AreEqual(1, engine.Hb.Arena.LiveSlots, "one slot for them all");
        Assert.AreEqual(99, engine.Hb.SharedCount);
    }

    /// <summary>
    /// The device acquires the second of two releases sharing a slot, whose row holds the first's own time: the
    /// store between them must be hb-before the device's read all the same (the stamp's time is raised into the row),
    /// so dma-race stays quiet (stale-dma-read would not: a store-release orders nothing for a device's domain).
    /// </summary>
    [TestMethod]
    public void DmaRead_LaterReleaseOfASharedSlot_OrdersTheStoreBeforeIt()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64);
        t.StoreRelease("cpu0", t.At("flag", 0), 4, 1);
        long store = t.Store("cpu0", t.At("buf"), 8, 5);
        t.StoreRelease("cpu0", t.At("flag", 8), 4, 1);
        t.DmaRead("dev", t.At("flag", 8), 4);
        t.DmaRead("dev", t.At("buf"), 8);
        foreach (var detectors in new[] { new HashSet<FindingKind> { FindingKind.DmaRace }, null })
        {
            using var engine = Engine(t, detectors);
            foreach (var b in t.Batches(t.Count)) engine.Process(b);
            Assert.AreEqual(1, engine.Hb.Arena.LiveSlots, "the two releases share a slot");
            Assert.IsTrue(engine.Hb.HbBefore(new Replay.Memory.Epoch(store, (uint)store + 1, (ushort)t.AgentId("cpu0")), t.AgentId("dev")),
                "the store is hb-before the device");
            Assert.AreEqual(0, FindingAssert.Count(engine.Complete(), FindingKind.DmaRace));
        }
    }

    /// <summary>The device acquires the first release only: the store after it stays unordered (a race), shared slot or not.</summary>
    [TestMethod]
    public void DmaRead_EarlierReleaseOfASharedSlot_DoesNotOrderTheStoreAfterIt()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64);
        t.StoreRelease("cpu0", t.At("flag", 0), 4, 1);
        t.Store("cpu0", t.At("buf"), 8, 5);
        t.StoreRelease("cpu0", t.At("flag", 8), 4, 1);
        t.DmaRead("dev", t.At("flag", 0), 4);
        long read = t.DmaRead("dev", t.At("buf"), 8);
        using var engine = Engine(t);
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(1, engine.Hb.Arena.LiveSlots, "the two releases share a slot");
        var findings = engine.Complete();
        Assert.AreEqual(1, FindingAssert.Count(findings, FindingKind.DmaRace), string.Join("; ", findings));
        Assert.AreEqual(read, findings.Single(f => f.Kind == FindingKind.DmaRace).Trigger);
    }

    /// <summary>An acquire that changes the cpu's clocks ends the sharing: the next release takes a slot of its own.</summary>
    [TestMethod]
    public void StoreRelease_AfterAnAcquireThatRaisedTheClocks_NewSlot()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1");
        t.StoreRelease("cpu0", t.At("flag", 0), 4, 1);
        t.StoreRelease("cpu1", t.At("flag", 4), 4, 1);
        t.LoadAcquire("cpu0", t.At("flag", 4), 4);
        t.StoreRelease("cpu0", t.At("flag", 8), 4, 1);
        using var engine = Engine(t);
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(3, engine.Hb.Arena.LiveSlots);
        Assert.AreEqual(0, engine.Hb.SharedCount);
    }

    /// <summary>
    /// A slot freed (its last release overwritten) and rented again by another agent is not the first agent's to share:
    /// its next release takes a slot of its own.
    /// </summary>
    [TestMethod]
    public void StoreRelease_LatestSlotFreedAndReused_NotShared()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1,cpu2");
        t.StoreRelease("cpu0", t.At("flag", 0), 4, 1);
        t.StoreRelease("cpu1", t.At("flag", 0), 4, 2); // overwrites cpu0's only release: its slot is freed
        t.StoreRelease("cpu2", t.At("flag", 4), 4, 1); // takes the freed slot
        t.StoreRelease("cpu0", t.At("flag", 8), 4, 1);
        using var engine = Engine(t);
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.AreEqual(3, engine.Hb.Arena.LiveSlots, "cpu1's, cpu2's and cpu0's new one");
        Assert.AreEqual(0, engine.Hb.SharedCount, "cpu0's latest slot went to cpu2: nothing to share");
    }

    /// <summary>
    /// Below the threshold nothing is shared (a slot per release, the paths of old); past it, a cpu publishing flag
    /// after flag with no acquire stores its clocks once more, whatever the count.
    /// </summary>
    [TestMethod]
    public void StoreRelease_ManyWithoutAcquire_SharedOncePastTheThreshold()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev").Sync("flags", 0x2000, 8 * 2_000);
        for (int i = 0; i < 2_000; i++) t.StoreRelease("cpu0", t.At("flags", (ulong)(8 * i)), 8, 1);
        // 32 components a slot (a header line and one row of 16): 64 slots take 8 KiB, 128 take 16.
        using var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions
        {
            Detectors = new HashSet<FindingKind> { FindingKind.DmaRace },
            ShareReleasesAbove = 16 * 1024,
        });
        foreach (var b in t.Batches(t.Count)) engine.Process(b);
        Assert.IsTrue(engine.Hb.Arena.Sharing);
        Assert.AreEqual(2_000, engine.Hb.Arena.Live, "a release per flag");
        Assert.IsTrue(engine.Hb.Arena.LiveSlots <= 128, $"{engine.Hb.Arena.LiveSlots} slots: none taken once sharing began");
        Assert.IsTrue(engine.Hb.Arena.Bytes <= 2 * 16 * 1024 + 128, $"{engine.Hb.Arena.Bytes} bytes");
    }

    [TestMethod]
    public void Replay_DriverMix_NeverReachesTheDefaultThreshold()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, seed: 1, 50_000, inject: 0.05);
        using var engine = DetectorRegistry.CreateEngine(generator.Metadata, ReplayOptions.Default);
        var batch = new EventBatch(events.Count);
        batch.Reset(0);
        foreach (var e in events) batch.Append(e.Event, e.Data);
        engine.Process(batch);
        Assert.IsFalse(engine.Hb.Arena.Sharing, "a slot per release: the paths the benchmarks measure");
        Assert.AreEqual(0, engine.Hb.SharedCount);
    }
}
