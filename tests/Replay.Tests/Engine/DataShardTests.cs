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
/// The replay split over data shards: the same findings, in the same order, whether the data checks run inline or
/// over this engine and 1, 2 or 3 data shards (replicas on their own threads), for every batch split. One shard with
/// dma-race among other data detectors splits by detector (dma-race alone on the shard); otherwise each replica runs
/// the hb stage and judges the pages it owns.
/// </summary>
[TestClass]
public sealed class DataShardTests
{
    static readonly int[] ShardCounts = [1, 2, 3];

    /// <summary>Replays <paramref name="events"/> with <paramref name="shards"/> data shards in batches of random sizes up to <paramref name="maxBatch"/>.</summary>
    internal static List<Finding> Replay(TraceMetadata md, IReadOnlyList<RecordedEvent> events, int shards, int maxBatch, int seed,
        IReadOnlySet<FindingKind>? kinds = null, DevicePages? census = null, long? shareReleasesAbove = null)
    {
        using var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions
        {
            DataShards = shards, Detectors = kinds, Census = census, ShareReleasesAbove = shareReleasesAbove,
        });
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

    internal static void AssertSame(List<Finding> expected, List<Finding> actual, string what)
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

    /// <summary>Every replica shares release slots from the first release (each its own arena): the findings of one engine that never shares.</summary>
    [TestMethod]
    public void Replay_DriverMix_SharedSlotsInEveryReplica_SameFindings()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 3, 30_000, 0.05);
        var inline = Replay(generator.Metadata, events, 0, 4096, 1, shareReleasesAbove: long.MaxValue);
        foreach (int shards in new[] { 0, 1, 2 })
            AssertSame(inline, Replay(generator.Metadata, events, shards, 777, shards + 1, shareReleasesAbove: 0), $"{shards} shards, slots shared");
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

    /// <summary>
    /// Every detector but dma-race: one shard splits by address here (the split by detector needs dma-race), a path
    /// the default selection no longer takes at one shard.
    /// </summary>
    [TestMethod]
    public void Replay_AllButDmaRace_SameFindingsInlineAndSharded()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 9, 20_000, 0.05);
        var rest = DetectorRegistry.Modules.Select(m => m.Kind).Where(k => k != FindingKind.DmaRace).ToHashSet();
        using (var one = DetectorRegistry.CreateEngine(generator.Metadata, new ReplayOptions { DataShards = 1, Detectors = rest }))
            Assert.IsTrue(one.ShardEngines.Single().Detectors.Count > 1, "one shard, no dma-race: split by address");
        var inline = Replay(generator.Metadata, events, 0, 1000, 2, rest);
        Assert.IsTrue(inline.Select(f => f.Kind).Distinct().Count() > 1, "findings of several detectors");
        foreach (int shards in ShardCounts)
            AssertSame(inline, Replay(generator.Metadata, events, shards, 1000, 3, rest), $"{shards} shards");
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
            var samples = Path.Combine(Docs.RepoFiles.Root, "samples", "traces");
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
        foreach (int shards in ShardCounts) Assert.AreEqual(Message(0), Message(shards), $"{shards} shards (1: split by detector)");
    }

    /// <summary>
    /// A data access the engine refuses (a store or DMA write without bytes, a load outside every region) must reach
    /// every replica (<c>BatchRouter</c>): routed to its page's owners only, replica 0 would skip it when a shard owns
    /// the page and refuse the next bad event of the batch instead (a bad agent three events on), before the shard's
    /// error is rethrown.
    /// </summary>
    [TestMethod]
    [DataRow(EventKind.Store, "no bytes")]
    [DataRow(EventKind.DmaWrite, "no bytes")]
    [DataRow(EventKind.Load, "outside")]
    [DataRow(EventKind.DmaRead, "outside")]
    public void Process_RefusedDataAccessWithShards_SameErrorAsInline(EventKind kind, string fault)
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 1, 6_000, 0);
        var md = generator.Metadata;
        var bad = events.ToList();
        // A late one: the routes' state before it is the trace's (a ram store after a release store goes to all anyway).
        int k = bad.FindLastIndex(bad.Count - 10, r => r.Event.Kind == kind && md.Regions.Any(g => g.Kind == RegionKind.Ram && g.Contains(r.Event.Address, (ulong)r.Event.Size)));
        Assert.IsGreaterThan(0, k, $"the mix has a {kind} to ram");
        var e = bad[k].Event;
        bad[k] = fault == "no bytes" ? new RecordedEvent(e, []) : new RecordedEvent(e with { Address = ulong.MaxValue - 64 }, bad[k].Data);
        bad[k + 3] = new RecordedEvent(bad[k + 3].Event with { Agent = 200 }, bad[k + 3].Data);
        // dma-race alone: no device-DMA hooks, which would route every DMA access to replica 0 too.
        var kinds = new HashSet<FindingKind> { FindingKind.DmaRace };
        string Message(int shards) => Assert.ThrowsExactly<ReplayInputException>(() => Replay(md, bad, shards, 300, 1, kinds)).Message;
        string inline = Message(0);
        StringAssert.Contains(inline, $"#{k}", "refused at the bad event");
        foreach (int shards in ShardCounts) Assert.AreEqual(inline, Message(shards), $"{shards} shards");
        // Every detector: one shard splits by detector (dma-race on the shard, over every event).
        string Every(int shards) => Assert.ThrowsExactly<ReplayInputException>(() => Replay(md, bad, shards, 300, 1)).Message;
        Assert.AreEqual(Every(0), Every(1), "split by detector");
    }

    /// <summary>
    /// One shard with dma-race and other data detectors selected: the shard runs dma-race and the rules that need only
    /// the hb clocks and read no data bytes (keeping no ob clocks, logs or access history), the replay thread every
    /// other detector; any other selection or shard count splits by address.
    /// </summary>
    [TestMethod]
    public void CreateEngine_OneShard_DmaRaceAndTheLightRulesOnTheShard()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        using var all = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 1 });
        var shard = all.ShardEngines.Single();
        CollectionAssert.AreEquivalent(
            new[] { FindingKind.DmaRace, FindingKind.TornEntryFetch, FindingKind.TornEntryUpdate, FindingKind.UnquiescedDma, FindingKind.DmaOutsideMapping, FindingKind.SmcccClobber, FindingKind.SmcccResultLost },
            shard.Detectors.Select(d => d.Kind).ToList());
        Assert.AreEqual(DetectorNeeds.None, shard.Needs, "the light hb stage: these keep their own state");
        CollectionAssert.AreEquivalent(DetectorRegistry.Modules.Select(m => m.Kind).Except(shard.Detectors.Select(d => d.Kind)).ToList(), all.Detectors.Select(d => d.Kind).ToList());
        using var race = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 1, Detectors = new HashSet<FindingKind> { FindingKind.DmaRace } });
        Assert.AreEqual(FindingKind.DmaRace, race.Detectors.Single().Kind, "dma-race alone: split by address");
        using var two = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2 });
        Assert.IsTrue(two.ShardEngines.All(s => s.Detectors.Count > 1), "two shards: split by address");
    }

    /// <summary>
    /// Fed (<see cref="ReplayEngine.FeedShards"/>, on the thread that fills the batches): a shard's failure (a bug, not
    /// bad input) is thrown there as that error, and <c>Complete</c> on the replay thread throws it again.
    /// </summary>
    [TestMethod]
    public void FeedShards_ShardThrows_ThatErrorOnTheFillerAndAgainAtComplete()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 1, 20_000, 0);
        var md = generator.Metadata;
        using var engine = new ReplayEngine(md, ReplayOptions.Default, []);
        engine.UseDetectorShards([new ReplayEngine(md, ReplayOptions.Default, [new ThrowingDetector(5_000)])]);
        Assert.IsTrue(engine.FeedShardsFromFiller());
        var batch = new SharedBatch(64, _ => { });
        InvalidOperationException? fed = null;
        for (int i = 0; i < events.Count && fed is null; i += 500)
        {
            batch.Events.Reset(i);
            for (int k = i; k < Math.Min(i + 500, events.Count); k++) batch.Events.Append(events[k].Event, events[k].Data);
            try
            {
                engine.FeedShards(batch);
            }
            catch (InvalidOperationException e)
            {
                fed = e;
            }
            engine.ProcessShared(batch); // handed on even when the shard failed: replica 0 stays in trace order
        }
        Assert.IsNotNull(fed, "the shard's failure on the filling thread");
        StringAssert.StartsWith(fed.Message, "shard detector failed at #");
        var again = Assert.ThrowsExactly<InvalidOperationException>(() => engine.Complete());
        Assert.AreSame(fed, again, "Complete throws the shard's own error");
    }

    [TestMethod]
    public void CreateEngine_Shards_SplitDetectorsInEveryReplicaTheOthersOnTheReplayThread()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        using var all = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2 });
        Assert.AreEqual(2, all.DataShardCount);
        var split = DetectorRegistry.Modules.Where(m => m.ByAddress).Select(m => m.Kind).ToHashSet();
        CollectionAssert.AreEquivalent(DetectorRegistry.Modules.Select(m => m.Kind).ToList(), all.Detectors.Select(d => d.Kind).ToList(), "replica 0 runs every detector");
        foreach (var shard in all.ShardEngines)
            CollectionAssert.AreEquivalent(split.ToList(), shard.Detectors.Select(d => d.Kind).ToList(), "a shard runs only the split ones");
        using var entries = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2, Detectors = new HashSet<FindingKind> { FindingKind.TornEntryUpdate } });
        Assert.AreEqual(0, entries.DataShardCount, "nothing to split: no shard threads");
        Assert.AreEqual(DetectorNeeds.None, all.Needs & DetectorNeeds.ReadHistory, "no detector reads the shadow's read history (dma-race keeps its own)");
    }

    /// <summary>
    /// A detector left whole runs on replica 0 only, which sees only its own pages' data accesses and history: every
    /// module that reads data bytes must be split (else CreateEngine would not split, and --threads would gain nothing).
    /// </summary>
    [TestMethod]
    public void Modules_ReadingDataBytes_AreSplitByAddress()
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1 }).Metadata;
        foreach (var m in DetectorRegistry.Modules)
            Assert.AreEqual(ReplayEngine.ReadsDataBytes(m.Create(md)), m.ByAddress, $"{m.Kind}");
        Assert.IsTrue(ReplayEngine.ReadsDataBytes(new ThrowingDetector(0)), "a data hook reads data bytes");
    }

    /// <summary>The replica owning a page no table touches, with <paramref name="shards"/> data shards.</summary>
    static int Owner(ulong page, int shards) =>
        new AddressPartition([], 0, shards + 1, AddressPartition.ReplayThreadShare(shards + 1)).OwnerOf(page);

    [TestMethod]
    public void Owner_Pages_SpreadOverEveryReplica()
    {
        foreach (int shards in ShardCounts)
        {
            var owners = Enumerable.Range(0, 4096).Select(p => Owner((ulong)p, shards)).ToList();
            Assert.AreEqual(shards + 1, owners.Distinct().Count(), $"{shards} shards");
            // Replica 0 takes about a third of an even share (it also runs the tables and the detectors that are not split).
            double zero = owners.Count(o => o == 0) / 4096.0, share0 = AddressPartition.ReplayThreadShare(shards + 1);
            Assert.IsLessThan(0.5 / (shards + 1), share0, "less than half an even share");
            Assert.AreEqual(share0, zero, 0.03, $"{shards} shards: replica 0's share");
            for (int k = 1; k <= shards; k++)
                Assert.AreEqual((1 - share0) / shards, owners.Count(o => o == k) / 4096.0, 0.03, $"{shards} shards: replica {k}'s share");
        }
    }

    /// <summary>
    /// Every page a table touches (whole pages, and ram sharing one) belongs to replica 0; other pages to their hash.
    /// A smaller table sharing the ring's first page, declared after it, must not shorten the ring's pages.
    /// </summary>
    [TestMethod]
    public void OwnerOf_TablePages_AreReplicaZeros()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Table("ring", 0x20800, 300, 24, 8, 0, "dev"); // 7,200 bytes from the middle of page 0x20 into page 0x22
        t.Table("ctx", 0x20000, 16, 64, 16, 0, "dev");  // the start of page 0x20
        t.Ram("after", 0x20800 + 7200, 0x10000);
        var md = t.Metadata();
        foreach (int shards in ShardCounts)
        {
            for (int replica = 0; replica <= shards; replica++)
            {
                var p = new AddressPartition(md.Regions, replica, shards + 1, AddressPartition.ReplayThreadShare(shards + 1));
                for (ulong page = 0x20; page <= 0x22; page++) Assert.AreEqual(0, p.OwnerOf(page), $"table page {page:x}");
                for (ulong page = 0x23; page < 0x31; page++) Assert.AreEqual(Owner(page, shards), p.OwnerOf(page), $"ram page {page:x}");
            }
        }
    }

    /// <summary>
    /// A ram region sharing its first page with a table: that page is replica 0's in the ram region too (the table's
    /// entries and the ram's bytes share its cache lines), on a page whose hash names another replica.
    /// </summary>
    [TestMethod]
    public void NextPiece_RamSharingATablePage_IsReplicaZeros()
    {
        ulong shared = Enumerable.Range(0x40, 4096).Select(p => (ulong)p).First(p => ShardCounts.All(s => Owner(p, s) != 0));
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Table("ring", shared << 12, 16, 64, 8, 0, "dev"); // the first 1 KiB of the page
        t.Ram("after", (shared << 12) + 0x400, 0x2000);     // the rest of the page, and two more
        var md = t.Metadata();
        int after = md.Regions.ToList().FindIndex(r => r.Name == "after");
        foreach (int shards in ShardCounts)
        {
            for (int k = 0; k <= shards; k++)
            {
                var p = new AddressPartition(md.Regions, k, shards + 1, AddressPartition.ReplayThreadShare(shards + 1));
                Assert.AreEqual(0, p.OwnerIn(after, shared), $"{shards} shards, replica {k}: the shared page in the ram region");
                ulong cursor = (shared << 12) + 0x400, end = (shared + 1) << 12;
                Assert.AreEqual(k == 0, p.NextPiece(after, ref cursor, end, out _), $"{shards} shards, replica {k}: owns the ram's part of the shared page");
            }
        }
    }

    /// <summary>The replicas' pieces of an access are maximal runs of owned pages, and together cover it exactly once.</summary>
    [TestMethod]
    public void NextPiece_RandomAccesses_ReplicasCoverEachByteOnce()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Table("ring", 0x20800, 300, 24, 8, 0, "dev");
        t.Ram("after", 0x20800 + 7200, 0x40000);
        t.Ram("top", ulong.MaxValue - 0x3000, 0x3000);
        var md = t.Metadata();
        var rng = new Random(9);
        foreach (int shards in ShardCounts)
        {
            var parts = Enumerable.Range(0, shards + 1)
                .Select(k => new AddressPartition(md.Regions, k, shards + 1, AddressPartition.ReplayThreadShare(shards + 1))).ToList();
            for (int i = 0; i < 2000; i++)
            {
                int rid = rng.Next(md.Regions.Count);
                var r = md.Regions[rid];
                ulong size = (ulong)rng.Next(1, (int)Math.Min(r.Size, 0x5000UL) + 1), start = r.Base + (ulong)rng.NextInt64(0, (long)(r.Size - size) + 1);
                var covered = new List<(ulong From, ulong To, int Replica)>();
                for (int k = 0; k <= shards; k++)
                {
                    ulong cursor = start;
                    while (parts[k].NextPiece(rid, ref cursor, start + size, out ulong from))
                    {
                        Assert.IsLessThan(cursor, from, "a piece is not empty");
                        for (ulong page = from >> 12; page <= (cursor - 1) >> 12; page++)
                            Assert.AreEqual(k, parts[0].OwnerOf(page), $"every page of a piece is the replica's: [{from:x}, {cursor:x}) of region {r.Name}");
                        covered.Add((from, cursor, k));
                    }
                }
                covered.Sort();
                Assert.AreEqual(start, covered[0].From, "the pieces start at the access");
                for (int j = 1; j < covered.Count; j++)
                {
                    Assert.AreEqual(covered[j - 1].To, covered[j].From, "no gap, no overlap");
                    Assert.AreNotEqual(covered[j - 1].Replica, covered[j].Replica, "a piece is a maximal run of one replica's pages");
                }
                Assert.AreEqual(start + size, covered[^1].To, "the pieces end at the access (the last page of the address space too)");
            }
        }
    }

    /// <summary>
    /// A DMA read over three pages that races a store on each: pages 18 and 19 land in different replicas for every
    /// shard count; the merged finding names the latest racing store (§7.7).
    /// </summary>
    [TestMethod]
    public void Replay_AccessOverPagesOfSeveralShards_NamesTheLatestRacingAccess()
    {
        foreach (int shards in ShardCounts) Assert.AreNotEqual(Owner(18, shards), Owner(19, shards), $"{shards} shards");
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1").Device("dev");
        t.Ram("buf", 0x12000, 0x3000);
        t.Store("cpu0", t.At("buf", 0x0ff0), 8);
        t.Store("cpu1", t.At("buf", 0x2010), 8);
        long latest = t.Store("cpu0", t.At("buf", 0x1800), 8);
        long read = t.DmaRead("dev", t.At("buf", 0x0f00), 0x1200);
        long wide = t.DmaRead("dev", t.At("buf"), 0x3000);
        var recorded = t.Recorded();
        var inline = Replay(t.Metadata(), recorded, 0, 100, 1);
        FindingAssert.Exactly(inline, $"dma-race@{read}[other={latest}]", $"dma-race@{wide}[other={latest}]");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1, 2 })
                AssertSame(inline, Replay(t.Metadata(), recorded, shards, maxBatch, shards), $"{shards} shards, batches ≤ {maxBatch}");
    }

    /// <summary>
    /// A DMA read over two pages of two stores not ordered before the doorbell: the lower address's store is the
    /// earlier one, and the merged stale-dma-read names it (the first failing byte in address order, as inline), not
    /// the later store of the higher page. The lower page's replica comes after the higher page's for every shard
    /// count, so its piece reaches the merge second: the merge must choose by piece, not by arrival.
    /// </summary>
    [TestMethod]
    public void Replay_StaleReadOverPagesOfSeveralShards_NamesTheFirstFailingByte()
    {
        ulong lo = Enumerable.Range(0x10, 4096).Select(p => (ulong)p).First(p => ShardCounts.All(s => Owner(p, s) > Owner(p + 1, s)));
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("buf", lo << 12, 0x2000);
        t.Mmio("regs", 0x1000_0000, 0x1000, "dev");
        long low = t.Store("cpu0", t.At("buf", 0x0ff8), 8);
        long high = t.Store("cpu0", t.At("buf", 0x1ff0), 8);
        t.MmioWrite("cpu0", t.At("regs"), 4, 1);
        long read = t.DmaRead("dev", t.At("buf", 0x0ff8), 0x1000);
        var recorded = t.Recorded();
        var inline = Replay(t.Metadata(), recorded, 0, 100, 1);
        var stale = inline.Single(f => f.Kind == FindingKind.StaleDmaRead);
        Assert.AreEqual(read, stale.Trigger);
        Assert.AreEqual(low, stale.Related[0].Index, $"inline names the lower address's store, not #{high}");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1 })
                AssertSame(inline, Replay(t.Metadata(), recorded, shards, maxBatch, shards), $"{shards} shards, batches ≤ {maxBatch}");
    }

    /// <summary>
    /// A cache invalidation over two lines on two pages, each shared by a noncoherent device's write and a later cpu
    /// store: the merged shared-cacheline names the lower line's pair, as inline (the first failing line in address
    /// order), though the lower page's replica reaches the merge second. The pieces of a cache operation are tagged
    /// like an access's.
    /// </summary>
    [TestMethod]
    public void Replay_InvalidationOverPagesOfSeveralShards_NamesTheFirstFailingLine()
    {
        ulong lo = Enumerable.Range(0x10, 4096).Select(p => (ulong)p).First(p => ShardCounts.All(s => Owner(p, s) > Owner(p + 1, s)));
        // A later page of the lower page's replica: a device write there (a data hook of the rule) leaves that replica's
        // last piece above the higher page's.
        ulong later = Enumerable.Range((int)lo + 2, 4096).Select(p => (ulong)p).First(p => ShardCounts.All(s => Owner(p, s) == Owner(lo, s)));
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev", coherent: false);
        t.Ram("buf", lo << 12, (later - lo + 1) << 12);
        long lowWrite = t.DmaWrite("dev", t.At("buf", 0x0fe0), 16);
        long highWrite = t.DmaWrite("dev", t.At("buf", 0x1020), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        long low = t.Store("cpu0", t.At("buf", 0x0fc0), 16);
        long high = t.Store("cpu0", t.At("buf", 0x1000), 16);
        t.DmaWrite("dev", t.At("buf", (later - lo) << 12), 16);
        long inval = t.CacheInval("cpu0", t.At("buf", 0x0fc0), 0x80);
        var recorded = t.Recorded();
        var only = new HashSet<FindingKind> { FindingKind.SharedCacheline };
        var inline = Replay(t.Metadata(), recorded, 0, 100, 1, only);
        var shared = inline.Single();
        Assert.AreEqual(inval, shared.Trigger);
        CollectionAssert.AreEquivalent(new[] { low, lowWrite }, shared.Related.Select(r => r.Index).ToArray(), $"inline names the lower line's pair, not #{high} and #{highWrite}");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1 })
                AssertSame(inline, Replay(t.Metadata(), recorded, shards, maxBatch, shards, only), $"{shards} shards, batches ≤ {maxBatch}");
    }

    /// <summary>
    /// One store over two entries whose present bits were cleared (the second entry's present word among its bytes,
    /// present left clear) is the first store in both flush windows: two missing-flush-after-clear findings of one
    /// trigger, one per clear. Split, the replica running the entry detectors keeps both (only kinds split by address
    /// merge their pieces into one finding per trigger).
    /// </summary>
    [TestMethod]
    public void Replay_TwoFindingsOfOneKindAtOneTrigger_KeptSharded()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("iommu");
        t.Table("pasid", 0x10_0000, 64, 64, 16, 0, "iommu");
        ulong e5 = t.Entry("pasid", 5), e6 = t.Entry("pasid", 6);
        t.Store("cpu0", e5, 8, 1);
        t.Store("cpu0", e6, 8, 1);
        long clear5 = t.Store("cpu0", e5, 8, 0);
        long clear6 = t.Store("cpu0", e6, 8, 0);
        var bytes = new byte[16];
        bytes[0] = 0x42; // entry 5's last qword
        bytes[9] = 0x42; // entry 6's present word, bits 9 and 14 (present, bit 0, stays clear)
        long m = t.StoreBytes("cpu0", e5 + 56, bytes);
        var recorded = t.Recorded();
        var inline = Replay(t.Metadata(), recorded, 0, 100, 1);
        FindingAssert.Exactly(inline, $"missing-flush-after-clear@{m}[clear={clear5}]", $"missing-flush-after-clear@{m}[clear={clear6}]");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1 })
                AssertSame(inline, Replay(t.Metadata(), recorded, shards, maxBatch, shards), $"{shards} shards, batches ≤ {maxBatch}");
    }

    /// <summary>A detector of a shard thread that throws on one access.</summary>
    sealed class ThrowingDetector(long at) : IDetector
    {
        public FindingKind Kind => FindingKind.DmaRace;
        public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite;
        public DetectorNeeds Needs => DetectorNeeds.None;
        public void OnAccess(DetectorView view, in DataAccess access)
        {
            if (access.Index >= at) throw new InvalidOperationException($"shard detector failed at #{access.Index}");
        }
    }

    /// <summary>
    /// A shard thread's failure (a bug, not bad input) reaches the replay thread as that one exception, with its
    /// message, from the next <c>Process</c> or from <c>Complete</c>; no cancellation or aggregate error, and
    /// <c>Dispose</c> afterwards returns (the threads are stopped).
    /// </summary>
    [TestMethod]
    public void Process_ShardThrows_RethrownOnTheReplayThreadAsThatError()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 1, 20_000, 0);
        var md = generator.Metadata;
        var merge = new PieceMerge[256];
        merge[(int)FindingKind.DmaRace] = PieceMerge.LatestRelated;
        var engine = new ReplayEngine(md, ReplayOptions.Default, []);
        var shard = new ReplayEngine(md, ReplayOptions.Default, [new ThrowingDetector(5_000)]);
        engine.UseShards([shard], merge);
        int caller = Environment.CurrentManagedThreadId, thrownOn = -1;
        var x = Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            try
            {
                var batch = new EventBatch(64);
                for (int i = 0; i < events.Count; i += 500)
                {
                    batch.Reset(i);
                    for (int k = i; k < Math.Min(i + 500, events.Count); k++) batch.Append(events[k].Event, events[k].Data);
                    engine.Process(batch);
                }
                engine.Complete();
            }
            catch
            {
                thrownOn = Environment.CurrentManagedThreadId;
                throw;
            }
        });
        StringAssert.StartsWith(x.Message, "shard detector failed at #", "the shard's own error");
        Assert.AreEqual(caller, thrownOn, "thrown on the replay thread");
        Assert.Contains(nameof(ThrowingDetector), x.StackTrace ?? "", "with the shard's stack");
        engine.Dispose();
    }
}
