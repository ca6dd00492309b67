using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.Tests.Reference;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The device page census (<see cref="DevicePages"/>, <see cref="ReplayOptions.Census"/>): with the census of the
/// replayed events, the engine skips the data work of cpu loads and stores to ram pages no other event touches, and
/// its findings are the same as without, inline and sharded, for every batch split. The skip is real (no shadow for a
/// cpu-only page), and a census that leaves out a page an event of its kinds touches is refused as bad input.
/// </summary>
[TestClass]
public sealed class DevicePageCensusTests
{
    static DevicePages CensusOf(IReadOnlyList<RecordedEvent> events)
    {
        var builder = new DevicePagesBuilder();
        var batch = new EventBatch(64);
        for (int i = 0; i < events.Count; i += 64)
        {
            batch.Reset(i);
            for (int k = i; k < Math.Min(events.Count, i + 64); k++) batch.Append(events[k].Event, events[k].Data);
            builder.Add(batch);
        }
        return builder.Build()!;
    }

    static List<Finding> Replay(TraceMetadata md, IReadOnlyList<RecordedEvent> events, DevicePages? census, int shards = 0, int maxBatch = 4096, int seed = 1) =>
        DataShardTests.Replay(md, events, shards, maxBatch, seed, census: census);

    static void AssertSame(List<Finding> expected, List<Finding> actual, string what) => DataShardTests.AssertSame(expected, actual, what);

    /// <summary>Ram regions none of whose pages is in the census: the accesses the engine skips.</summary>
    static int SkippedRamAccesses(TraceMetadata md, IReadOnlyList<RecordedEvent> events, DevicePages census) =>
        events.Count(r => r.Event.Kind is EventKind.Store or EventKind.Load
            && md.Regions.Any(g => g.Kind == RegionKind.Ram && g.Contains(r.Event.Address, (ulong)r.Event.Size))
            && !census.Touches(r.Event.Address, r.Event.Size));

    [TestMethod]
    [DataRow(Arch.Arm64, 3UL)]
    [DataRow(Arch.Riscv64, 4UL)]
    [DataRow(Arch.X86_64, 1UL)]
    [DataRow(Arch.Sc, 2UL)]
    public void Replay_DriverMix_SameFindingsWithCensus(Arch arch, ulong seed)
    {
        var (generator, events, truth) = Synthesize.Record(arch, seed, 30_000, 0.05);
        var md = generator.Metadata;
        var census = CensusOf(events);
        Assert.IsGreaterThan(events.Count / 10, SkippedRamAccesses(md, events, census), "the mix's private cpu data (drv_priv) is skipped");
        var without = Replay(md, events, null);
        Assert.AreEqual(truth.Count, without.Count, "the injected findings");
        AssertSame(without, Replay(md, events, census), $"{arch.Name()} inline");
        foreach (int shards in new[] { 1, 2 })
            AssertSame(without, Replay(md, events, census, shards, 1000, shards), $"{arch.Name()} {shards} shards");
    }

    /// <summary>The differential test's random traces: their one-page buffer is in the census or wholly skipped.</summary>
    [TestMethod]
    public void Replay_RandomTraces_SameFindingsWithCensus()
    {
        int skipped = 0;
        for (int seed = 0; seed < 1500; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var events = t.Events.Select(e => new RecordedEvent(e.E, e.Data)).ToList();
            var census = CensusOf(events);
            skipped += SkippedRamAccesses(t.Metadata, events, census);
            AssertSame(Replay(t.Metadata, events, null), Replay(t.Metadata, events, census, 0, 1 + seed % 7, seed), $"seed {seed}");
        }
        // 99 since the generator draws stores over two entries (fewer steps touch the buffer); "some" is what matters.
        Assert.IsGreaterThan(50, skipped, "some random traces touch their buffer with cpus only");
    }

    [TestMethod]
    [DynamicData(nameof(DataShardTests.Samples), typeof(DataShardTests))]
    public void Replay_Sample_SameFindingsWithCensus(string scenarioFile)
    {
        var scenario = ScenarioCompiler.CompileFile(scenarioFile);
        var sink = new RecordingSink();
        scenario.Generate(sink);
        var census = CensusOf(sink.Events);
        AssertSame(Replay(scenario.Metadata, sink.Events, null), Replay(scenario.Metadata, sink.Events, census), Path.GetFileName(scenarioFile));
    }

    static TraceBuilder RaceWithPrivateStore()
    {
        var t = new TraceBuilder(Arch.X86_64).Cpu("cpu0").Device("dev");
        t.Ram("buf", 0x4000_0000, 0x40).Ram("priv", 0x5000_0000, 0x40).Mmio("db", 0xfe00_0000, 0x10, "dev");
        t.Store("cpu0", t.At("priv"), 8);
        t.Store("cpu0", t.At("buf"), 16);
        t.MmioWrite("cpu0", t.At("db"), 4, 1);
        t.DmaRead("dev", t.At("buf"), 16);
        t.Store("cpu0", t.At("buf"), 16);
        return t;
    }

    /// <summary>The skip is real: the cpu-only page gets no shadow page, and the race on the device's page stays.</summary>
    [TestMethod]
    public void Replay_WithCensus_CpuOnlyPageHasNoShadow()
    {
        var t = RaceWithPrivateStore();
        var events = t.Recorded();
        int ShadowPages(DevicePages? census)
        {
            using var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Census = census });
            foreach (var b in t.Batches(64)) engine.Process(b);
            FindingAssert.Exactly(engine.Complete(), "dma-race@4[other=3]");
            return engine.Shadow.PageCount;
        }
        Assert.AreEqual(2, ShadowPages(null));
        Assert.AreEqual(1, ShadowPages(CensusOf(events)));
    }

    /// <summary>
    /// The skip comes after the event's own checks (<c>Process</c> skips before calling <c>Write</c>/<c>Read</c>): a
    /// store without bytes or a load past its region on a cpu-only page is refused as it is without a census.
    /// </summary>
    [TestMethod]
    [DataRow(EventKind.Store, "event #0: store carries no bytes")]
    [DataRow(EventKind.Load, "event #0: load 0x5000003c size 8 is outside every region")]
    public void Replay_BadAccessOnCpuOnlyPage_RefusedWithCensus(EventKind kind, string message)
    {
        var t = RaceWithPrivateStore();
        var events = t.Recorded().ToList();
        var census = CensusOf(events);
        Assert.IsFalse(census.Touches(0x5000_0000, 8), "priv is cpu-only");
        var e = events[0].Event;
        events[0] = kind == EventKind.Store ? new RecordedEvent(e, []) : new RecordedEvent(e with { Kind = EventKind.Load, Address = e.Address + 0x3c }, []);
        foreach (var c in new[] { null, census })
        {
            var x = Assert.ThrowsExactly<ReplayInputException>(() => Replay(t.Metadata(), events, c), c is null ? "without census" : "with census");
            StringAssert.Contains(x.Message, message);
        }
    }

    /// <summary>A census that leaves out a page a device touches would lose findings silently: the replay refuses it.</summary>
    [TestMethod]
    public void Replay_CensusWithoutTheDevicePage_Refused()
    {
        var t = RaceWithPrivateStore();
        var wrong = new DevicePagesBuilder();
        wrong.Add(0x5000_0000, 16);
        var x = Assert.ThrowsExactly<ReplayInputException>(() => Replay(t.Metadata(), t.Recorded(), wrong.Build()!));
        StringAssert.Contains(x.Message, "event #3: dma_read touches page 0x40000000 that the trace's census leaves out");
    }

    /// <summary>
    /// A device access to a page the census leaves out of a ram region it lists in part (the engine asks the page set
    /// for such a region, not only for one it leaves out whole) is refused too.
    /// </summary>
    [TestMethod]
    public void Replay_CensusWithPartOfTheDeviceRegion_Refused()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("buf", 0x4000_0000, 0x2000);
        t.Store("cpu0", t.At("buf"), 16);
        t.DmaRead("dev", t.At("buf", 0x1000), 16);
        var part = new DevicePagesBuilder();
        part.Add(0x4000_0000, 16); // the region's first page only
        var x = Assert.ThrowsExactly<ReplayInputException>(() => Replay(t.Metadata(), t.Recorded(), part.Build()!));
        StringAssert.Contains(x.Message, "event #1: dma_read touches page 0x40001000 that the trace's census leaves out");
    }

    /// <summary>The rare census kinds (cache maintenance here) must lie on census pages too.</summary>
    [TestMethod]
    public void Replay_CensusWithoutACacheOpsPage_Refused()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0");
        t.Ram("buf", 0x4000_0000, 0x40);
        t.Store("cpu0", t.At("buf"), 16);
        t.CacheClean("cpu0", t.At("buf"), 0x40);
        var x = Assert.ThrowsExactly<ReplayInputException>(() => Replay(t.Metadata(), t.Recorded(), new DevicePagesBuilder().Build()!));
        StringAssert.Contains(x.Message, "event #1: cache_clean touches page 0x40000000");
    }
}
