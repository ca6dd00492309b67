using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class EngineApiTests
{
    static TraceBuilder Buggy()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("qm");
        t.Ram("xqc", 0x8000_0000, 0x40).Mmio("qm_mb", 0xfe00_0000, 0x10, "qm");
        t.Table("ctx", 0x8100_0000, 4, 0x40, 8, 0, "qm");
        t.Store("cpu0", t.At("xqc"), 0x40);
        t.MmioWrite("cpu0", t.At("qm_mb"), 16, 1);
        t.DmaRead("qm", t.At("xqc"), 0x40);
        t.Store("cpu0", t.At("xqc"), 8);                       // reuse without completion: dma-race
        return t;
    }

    [TestMethod]
    public void DetectorRegistry_CreateEngine_RunsAllNineDetectors()
    {
        var t = Buggy();
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        CollectionAssert.AreEquivalent(FindingKinds.All, engine.Detectors.Select(d => d.Kind).ToArray());
        foreach (var b in t.Batches(2)) engine.Process(b);
        FindingAssert.Exactly(engine.Complete(), "stale-dma-read@2[store=0,publish=1]", "dma-race@3[other=2]");
    }

    [TestMethod]
    public void ReplayEngine_DetectorSubset_OnlyThoseReport()
    {
        var t = Buggy();
        var only = new HashSet<FindingKind> { FindingKind.DmaRace };
        var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Detectors = only });
        Assert.AreEqual(1, engine.Detectors.Count);
        foreach (var b in t.Batches(100)) engine.Process(b);
        FindingAssert.Exactly(engine.Complete(), "dma-race@3[other=2]");
        FindingAssert.Exactly(t.Replay(new HashSet<FindingKind>()));
    }

    [TestMethod]
    public void DetectorRegistry_Create_OneModulePerKindInModelOrder()
    {
        var detectors = DetectorRegistry.Create(Buggy().Metadata());
        CollectionAssert.AreEqual(FindingKinds.All, detectors.Select(d => d.Kind).ToArray());
    }

    [TestMethod]
    public void ReplayEngine_BatchOutOfOrder_BadInput()
    {
        var t = Buggy();
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        var batch = t.Batches(2).Skip(1).First();
        var e = Assert.ThrowsExactly<ReplayInputException>(() => engine.Process(batch));
        StringAssert.Contains(e.Message, "expected #0");
    }

    [TestMethod]
    public void ReplayEngine_CompleteTwice_Throws()
    {
        var engine = DetectorRegistry.CreateEngine(Buggy().Metadata());
        engine.Complete();
        Assert.ThrowsExactly<InvalidOperationException>(() => engine.Complete());
    }

    public static IEnumerable<object[]> BadEvents =>
    [
        [new TraceEvent(EventKind.Store, 0, 0x9000_0000, 4), "outside every region"],
        [new TraceEvent(EventKind.Store, 0, 0xfe00_0000, 4), "touches mmio region qm_mb"],
        [new TraceEvent(EventKind.MmioWrite, 0, 0x8000_0000, 4), "not inside an mmio region"],
        [new TraceEvent(EventKind.DmaRead, 0, 0x8000_0000, 4), "dma_read by cpu cpu0"],
        [new TraceEvent(EventKind.Load, 7, 0x8000_0000, 4), "agent 7 is not declared"],
        [new TraceEvent(EventKind.Lock, 0, 0, 0, Aux: 3), "lock 3 is not declared"],
        [new TraceEvent(EventKind.TakeIrq, 0, 0, 0, Aux: 0), "agent 0 is not a device"],
        [new TraceEvent(EventKind.Store, 0, 0x8000_0000, 4), "carries no bytes"],
        [new TraceEvent(EventKind.DevInvalidate, 0, 0x8100_0008, 0x40, Aux: 1), "dev_invalidate 0x81000008 does not name a table entry"],
        [new TraceEvent(EventKind.DevInvalidate, 0, 0x8000_0000, 0x40, Aux: 1), "dev_invalidate 0x80000000 does not name a table entry"],
        // A granule number beyond the entry (what a fuzzed trace crashed torn-entry-fetch with) and one of another granule.
        [new TraceEvent(EventKind.Fetch, 1, 0x8100_0048, 8, Aux: 91), "fetch 0x81000048 of ctx names granule 91, which is not the granule"],
        [new TraceEvent(EventKind.Fetch, 1, 0x8100_0048, 8, Aux: 0), "names granule 0, which is not the granule"],
    ];

    [TestMethod]
    [DynamicData(nameof(BadEvents))]
    public void ReplayEngine_BadEvent_OneLineMessageWithIndex(TraceEvent bad, string message)
    {
        var t = Buggy();
        long index = t.Raw(bad);
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        var e = Assert.ThrowsExactly<ReplayInputException>(() => { foreach (var b in t.Batches(3)) engine.Process(b); });
        Assert.AreEqual(index, e.EventIndex);
        StringAssert.StartsWith(e.Message, $"event #{index}: ");
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(e.Message.Contains('\n'));
    }

    /// <summary>Stores of cpu0 into xqc from trace index <paramref name="first"/>; the one at <paramref name="badAgentAt"/> by an undeclared agent.</summary>
    static EventBatch StoresFrom(long first, int count, long badAgentAt = -1)
    {
        var batch = new EventBatch();
        batch.Reset(first);
        for (int i = 0; i < count; i++)
            batch.Append(new TraceEvent(EventKind.Store, (ushort)(first + i == badAgentAt ? 7 : 0), 0x8000_0000, 8), new byte[8]);
        return batch;
    }

    [TestMethod]
    [DataRow(3L, 4294967294L)]          // the last replayable index is 2^32 - 2: the batch's last event is refused
    [DataRow(0L, 4294967295L)]          // a batch starting at the limit: its first event
    public void ReplayEngine_EventAtIndex2Pow32Minus1_RefusedAtThatEvent(long before, long start)
    {
        var engine = DetectorRegistry.CreateEngine(Buggy().Metadata());
        engine.StartAt(start - before);

        var e = Assert.ThrowsExactly<ReplayInputException>(() => engine.Process(StoresFrom(start - before, (int)before + 2)));

        Assert.AreEqual(uint.MaxValue, e.EventIndex);
        StringAssert.Contains(e.Message, "traces are limited to 2^32 - 1 events");
    }

    [TestMethod]
    public void ReplayEngine_UndeclaredAgentAtTheLimit_AgentErrorFirst()
    {
        var engine = DetectorRegistry.CreateEngine(Buggy().Metadata());
        engine.StartAt(uint.MaxValue - 2L);

        var e = Assert.ThrowsExactly<ReplayInputException>(() => engine.Process(StoresFrom(uint.MaxValue - 2L, 3, badAgentAt: uint.MaxValue)));

        Assert.AreEqual(uint.MaxValue, e.EventIndex);
        StringAssert.Contains(e.Message, "agent 7 is not declared");
    }

    /// <summary>
    /// A bad agent and a bad address in one trace: the error reported is the first bad event's in trace order,
    /// whether that is the agent's or the address's, in any batch split (so a check hoisted out of the event
    /// loop, e.g. agents validated per batch up front, cannot report a later event's error first).
    /// </summary>
    [TestMethod]
    [DataRow(5, 9, 1, 5, "outside every region")]
    [DataRow(9, 5, 1, 5, "agent 7 is not declared")]
    [DataRow(5, 9, 3, 5, "outside every region")]
    [DataRow(9, 5, 3, 5, "agent 7 is not declared")]
    [DataRow(0, 1, 2, 0, "outside every region")]
    [DataRow(1, 0, 2, 0, "agent 7 is not declared")]
    public void ReplayEngine_BadAddressAndBadAgent_FirstInTraceOrderWins(int badAddressAt, int badAgentAt, int batchSize, long expected, string message)
    {
        var t = Buggy();
        long start = -1;
        for (int i = 0; i < 12; i++)
        {
            ulong address = i == badAddressAt ? 0x9000_0000UL : 0x8000_0000UL;
            long index = t.Raw(new TraceEvent(EventKind.Store, (ushort)(i == badAgentAt ? 7 : 0), address, 8), new byte[8]);
            if (i == 0) start = index;
        }
        var engine = DetectorRegistry.CreateEngine(t.Metadata());

        var e = Assert.ThrowsExactly<ReplayInputException>(() => { foreach (var b in t.Batches(batchSize)) engine.Process(b); });

        Assert.AreEqual(start + expected, e.EventIndex);
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    public void ReplayEngine_LoopOfSyncStores_ArenaStaysSmall()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1").Device("dev");
        t.Sync("flags", 0x2000, 0x100);
        for (int i = 0; i < 5000; i++)
        {
            t.Store("cpu0", t.At("flags", (ulong)(i % 4) * 8), 8, (ulong)i);
            t.Load("cpu1", t.At("flags", (ulong)(i % 4) * 8), 8);
            t.Unlock("cpu1", "L");
            t.Lock("cpu0", "L");
        }
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(512)) engine.Process(b);
        Assert.IsTrue(engine.Hb.Arena.Live <= 5, $"{engine.Hb.Arena.Live} live release snapshots");
        Assert.AreEqual(1, engine.Shadow.PageCount);
        FindingAssert.None(engine.Complete());
    }

    /// <summary>
    /// 200k releases with few live stores: the release log is compacted and stays small, and the one store
    /// made before all of them can still be named as stale with its publish.
    /// </summary>
    [TestMethod]
    public void ReplayEngine_ManyReleases_ReleaseLogBoundedAndPublishKept()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("cfg", 0x1000, 0x40).Ram("buf", 0x2000, 0x40).Mmio("reg", 0xf000, 0x10, "dev");
        long s = t.Store("cpu0", t.At("cfg"), 8);                 // never ordered before the doorbell
        for (int i = 0; i < 200_000; i++)
        {
            t.Store("cpu0", t.At("buf", (ulong)(i % 4) * 8), 8);
            t.Unlock("cpu0", "L");                                 // releases that never reach the device
            t.Lock("cpu0", "L");
        }
        long publish = t.MmioWrite("cpu0", t.At("reg"), 4, 0);
        long r = t.DmaRead("dev", t.At("cfg"), 8);
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(4096)) engine.Process(b);
        Assert.IsTrue(engine.Hb.ReleaseLogCount(0) < 70_000, $"{engine.Hb.ReleaseLogCount(0)} releases logged");
        FindingAssert.Exactly(engine.Complete(), $"stale-dma-read@{r}[store={s},publish={publish}]");
    }
}
