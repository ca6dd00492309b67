using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Sharding;
using TraceTools.Scenarios;
using TraceTools.Scenarios.Synth;
using TraceTools.Tests.Reference;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// hb apart from the data checks: the same findings, in the same order, whether dma-race runs inline or in
/// 1, 2 or 3 data shards on their own threads fed by the hb stage's skeleton, for every batch split.
/// </summary>
[TestClass]
public sealed class DataShardTests
{
    static readonly int[] ShardCounts = [1, 2, 3];

    /// <summary>Replays <paramref name="events"/> with <paramref name="shards"/> data shards in batches of random sizes up to <paramref name="maxBatch"/>.</summary>
    static List<Finding> Replay(TraceMetadata md, IReadOnlyList<RecordedEvent> events, int shards, int maxBatch, int seed,
        IReadOnlySet<FindingKind>? kinds = null)
    {
        using var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = shards, Detectors = kinds });
        var rng = new Random(seed);
        var batch = new EventBatch(64);
        for (int i = 0; i < events.Count;)
        {
            int n = Math.Min(rng.Next(1, maxBatch + 1), events.Count - i);
            batch.Reset(i);
            for (int k = i; k < i + n; k++) batch.Append(events[k].Event, events[k].Data);
            engine.Process(batch);
            i += n;
        }
        return [.. engine.Complete()];
    }

    static void AssertSame(List<Finding> expected, List<Finding> actual, string what)
    {
        string Show(List<Finding> fs) => string.Join(" ", fs.Take(12));
        Assert.AreEqual(expected.Count, actual.Count, $"{what}: count\nexpected {Show(expected)}\nactual   {Show(actual)}");
        for (int i = 0; i < expected.Count; i++)
            Assert.IsTrue(expected[i].SameAs(actual[i]), $"{what}: finding {i}: expected {expected[i]}, got {actual[i]}");
    }

    [TestMethod]
    [DataRow(Arch.Arm64, 3UL)]
    [DataRow(Arch.Riscv64, 4UL)]
    [DataRow(Arch.X86_64, 1UL)]
    public void Replay_DriverMix_SameFindingsInlineAndSharded(Arch arch, ulong seed)
    {
        var (generator, events, _) = Synthesize.Record(arch, seed, 30_000, 0.05);
        var inline = Replay(generator.Metadata, events, 0, 4096, 1);
        // (the x86 mix injects no dma-race: there the shards must find nothing, as inline)
        Assert.IsTrue(arch == Arch.X86_64 || inline.Any(f => f.Kind == FindingKind.DmaRace), "the injected trace must hold dma-races");
        Assert.IsTrue(inline.Any(f => f.Kind != FindingKind.DmaRace), "and findings of the hb stage's detectors");
        foreach (int shards in ShardCounts)
        {
            foreach (int maxBatch in new[] { 65_536, 777, 5 })
                AssertSame(inline, Replay(generator.Metadata, events, shards, maxBatch, shards * 7 + maxBatch), $"{arch.Name()}, {shards} shards, batches ≤ {maxBatch}");
        }
    }

    [TestMethod]
    public void Replay_DmaRaceAlone_SameFindingsInlineAndSharded()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 9, 20_000, 0.05);
        var only = new HashSet<FindingKind> { FindingKind.DmaRace };
        var inline = Replay(generator.Metadata, events, 0, 1000, 2, only);
        Assert.IsTrue(inline.Count > 0);
        foreach (int shards in ShardCounts)
            AssertSame(inline, Replay(generator.Metadata, events, shards, 1000, 3, only), $"{shards} shards");
    }

    /// <summary>The differential test's random traces (wide loads, tables, many granules), inline and sharded.</summary>
    [TestMethod]
    public void Replay_RandomTraces_SameFindingsInlineAndSharded()
    {
        int races = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var events = t.Events.Select(e => new RecordedEvent(e.E, e.Data)).ToList();
            var inline = Replay(t.Metadata, events, 0, 8, seed);
            races += inline.Count(f => f.Kind == FindingKind.DmaRace);
            foreach (int shards in ShardCounts)
                AssertSame(inline, Replay(t.Metadata, events, shards, 1 + seed % 7, seed), $"seed {seed}, {shards} shards");
        }
        Assert.IsGreaterThan(20, races, "the random traces must exercise dma-race");
    }

    public static IEnumerable<object[]> Samples
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TraceTools.sln"))) dir = dir.Parent;
            var samples = Path.Combine(dir!.FullName, "samples", "traces");
            return Directory.GetFiles(samples, "*.scn").Order(StringComparer.Ordinal).Select(f => new object[] { f });
        }
    }

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Replay_Sample_SameFindingsInlineAndSharded(string scenarioFile)
    {
        var scenario = ScenarioCompiler.CompileFile(scenarioFile);
        var sink = new RecordingSink();
        scenario.Generate(sink);
        var inline = Replay(scenario.Metadata, sink.Events, 0, 1 << 16, 1);
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 1 << 16, 1, 3 })
                AssertSame(inline, Replay(scenario.Metadata, sink.Events, shards, maxBatch, shards), $"{Path.GetFileName(scenarioFile)}, {shards} shards, batches ≤ {maxBatch}");
    }

    [TestMethod]
    public void Process_BadEventWithShards_SameErrorAsInline()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 1, 3_000, 0);
        var bad = events.ToList();
        var e = bad[2_500].Event;
        bad[2_500] = new RecordedEvent(e with { Agent = 200 }, bad[2_500].Data);
        string Message(int shards)
        {
            var x = Assert.ThrowsExactly<ReplayInputException>(() => Replay(generator.Metadata, bad, shards, 300, 1));
            return x.Message;
        }
        Assert.AreEqual(Message(0), Message(2));
    }

    [TestMethod]
    public void CreateEngine_DmaRaceInShards_HbStageKeepsNoAccessHistory()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        using var sharded = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2, Detectors = new HashSet<FindingKind> { FindingKind.DmaRace } });
        Assert.AreEqual(2, sharded.DataShardCount);
        Assert.AreEqual(DetectorNeeds.None, sharded.Needs, "the hb stage runs no data check: no write or read history");
        using var all = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2 });
        Assert.AreEqual(0, all.Detectors.Count(d => d.Kind == FindingKind.DmaRace), "dma-race runs in the shards only");
        Assert.AreEqual(DetectorNeeds.None, all.Needs & DetectorNeeds.ReadHistory, "no detector reads the shadow's read history (dma-race keeps its own)");
    }

    [TestMethod]
    public void Owner_Pages_SpreadOverEveryShard()
    {
        foreach (int shards in ShardCounts)
        {
            var seen = Enumerable.Range(0, 64).Select(p => DataShards.Owner((ulong)p, shards)).Distinct().Count();
            Assert.AreEqual(shards, seen, $"{shards} shards");
        }
    }

    /// <summary>
    /// A DMA read over three pages that races a store on each: with 2 shards pages 17 | 18, 19 and with 3 shards
    /// pages 17, 19 | 18 land in different shards; the merged finding names the latest racing store (§7.7).
    /// </summary>
    [TestMethod]
    public void Replay_AccessOverPagesOfSeveralShards_NamesTheLatestRacingAccess()
    {
        Assert.AreNotEqual(DataShards.Owner(17, 2), DataShards.Owner(18, 2));
        Assert.AreNotEqual(DataShards.Owner(17, 3), DataShards.Owner(18, 3));
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1").Device("dev");
        t.Ram("buf", 0x11000, 0x3000);
        t.Store("cpu0", t.At("buf", 0x0ff0), 8);
        t.Store("cpu1", t.At("buf", 0x2010), 8);
        long latest = t.Store("cpu0", t.At("buf", 0x1800), 8);
        long read = t.DmaRead("dev", t.At("buf", 0x0f00), 0x1200);
        long wide = t.DmaRead("dev", t.At("buf"), 0x3000);
        var events = Enumerable.Range(0, t.Count).Select(i => t.Batches(t.Count).First()).First();
        var recorded = Enumerable.Range(0, events.Count).Select(i => new RecordedEvent(events[i], events.GetData(i).ToArray())).ToList();
        var inline = Replay(t.Metadata(), recorded, 0, 100, 1);
        FindingAssert.Exactly(inline, $"dma-race@{read}[other={latest}]", $"dma-race@{wide}[other={latest}]");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1, 2 })
                AssertSame(inline, Replay(t.Metadata(), recorded, shards, maxBatch, shards), $"{shards} shards, batches ≤ {maxBatch}");
    }
}
