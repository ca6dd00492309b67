using System.Collections.Concurrent;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Sharding;
using TraceTools.Tests.Reference;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The batch routes of a split replay (<see cref="BatchRouter"/>): an access reaches every replica that owns one of
/// its bytes, everything the hb stage reads reaches every replica, and batches shared in place
/// (<see cref="SharedBatch"/>, routed on the filling thread) give the same findings as inline.
/// </summary>
[TestClass]
public sealed class ShardRoutingTests
{
    static readonly int[] ShardCounts = [1, 2, 3];

    static AddressPartition Partition(TraceMetadata md, int replica, int replicas) =>
        new(md.Regions, replica, replicas, AddressPartition.ReplayThreadShare(replicas));

    static bool HasSyncByte(RegionInfo r, ulong address, int size)
    {
        ulong cursor = address;
        return ByteRuns.Next(r, ByteClass.Sync, ref cursor, address + (ulong)size, out _);
    }

    /// <summary>
    /// On the differential's random traces and a driver mix: a data access or fetch is routed to every replica owning
    /// one of its bytes (<see cref="AddressPartition.NextPiece"/>, the pieces each replica judges); an access that
    /// touches a sync byte or lies outside memory, and every other kind, to every replica.
    /// </summary>
    [TestMethod]
    public void Route_RandomTraces_EveryOwnerAndEveryHbEventReached()
    {
        var traces = Enumerable.Range(0, 60).Select(seed =>
        {
            var t = TraceGenerator.Generate(seed);
            return (t.Metadata, Events: t.Events.Select(e => new RecordedEvent(e.E, e.Data)).ToList());
        }).ToList();
        var (generator, mix, _) = Synthesize.Record(Arch.Arm64, 2, 20_000, 0.05);
        traces.Add((generator.Metadata, mix));
        int partial = 0;
        foreach (var (md, events) in traces)
        {
            foreach (int shards in ShardCounts)
            {
                int replicas = shards + 1;
                byte all = (byte)((1 << replicas) - 1);
                var parts = Enumerable.Range(0, replicas).Select(k => Partition(md, k, replicas)).ToList();
                var router = new BatchRouter(md.Regions, parts[0], replicas, dmaReplicas: 0);
                var batch = new EventBatch(64);
                batch.Reset(0);
                foreach (var e in events) batch.Append(e.Event, e.Data);
                var routes = new byte[batch.Count];
                router.Route(batch, routes);
                bool released = false;
                for (int i = 0; i < batch.Count; i++)
                {
                    var e = batch[i];
                    int rid = md.Regions.ToList().FindIndex(r => r.Kind != RegionKind.Mmio && e.Size > 0 && r.Contains(e.Address, (ulong)e.Size));
                    bool access = e.Kind is EventKind.Store or EventKind.DmaWrite or EventKind.Load or EventKind.DmaRead or EventKind.Fetch;
                    released |= e.Kind is EventKind.StoreRelease or EventKind.Xchg;
                    if (!access || rid < 0 || HasSyncByte(md.Regions[rid], e.Address, e.Size)
                        || (released && e.Kind is EventKind.Store or EventKind.DmaWrite && md.Regions[rid].Kind == RegionKind.Ram))
                    {
                        Assert.AreEqual(all, routes[i], $"event #{i} ({e.Kind}) reaches every replica");
                        continue;
                    }
                    for (int k = 0; k < replicas; k++)
                    {
                        ulong cursor = e.Address;
                        if (parts[k].NextPiece(rid, ref cursor, e.Address + (ulong)e.Size, out _))
                            Assert.AreNotEqual(0, routes[i] & (1 << k), $"event #{i} ({e.Kind}) reaches replica {k}, an owner of its bytes");
                    }
                    if (routes[i] != all) partial++;
                }
            }
        }
        Assert.IsGreaterThan(10_000, partial, "most data accesses skip some replica");
    }

    /// <summary>
    /// The page cache (<see cref="PageRoutes"/>) routes every event exactly as the region lookup it skips, on the
    /// differential's random traces (regions sharing pages, tables, accesses across pages, outside memory) and a driver
    /// mix, in batches of random sizes (the cache outlives a batch), with and without DMA replicas.
    /// </summary>
    [TestMethod]
    public void Route_PageCache_SameRoutesAsTheLookup()
    {
        var traces = Enumerable.Range(100, 60).Select(seed =>
        {
            var t = TraceGenerator.Generate(seed);
            return (t.Metadata, Events: t.Events.Select(e => new RecordedEvent(e.E, e.Data)).ToList());
        }).ToList();
        var (generator, mix, _) = Synthesize.Record(Arch.Arm64, 5, 20_000, 0.05);
        traces.Add((generator.Metadata, mix));
        long compared = 0;
        foreach (var (md, events) in traces)
            foreach (int shards in ShardCounts)
                foreach (byte dma in new byte[] { 0, 2 })
                {
                    int replicas = shards + 1;
                    var part = Partition(md, 0, replicas);
                    var fast = new BatchRouter(md.Regions, part, replicas, dma);
                    var slow = new BatchRouter(md.Regions, part, replicas, dma, cachePages: false);
                    var rng = new Random(shards * 7 + dma);
                    var batch = new EventBatch(64);
                    for (int i = 0; i < events.Count;)
                    {
                        int n = Math.Min(rng.Next(1, 500), events.Count - i);
                        batch.Reset(i);
                        for (int k = i; k < i + n; k++) batch.Append(events[k].Event, events[k].Data);
                        byte[] a = new byte[n], b = new byte[n];
                        fast.Route(batch, a);
                        slow.Route(batch, b);
                        for (int k = 0; k < n; k++) Assert.AreEqual(b[k], a[k], $"event #{i + k} ({batch[k].Kind} at 0x{batch[k].Address:x} size {batch[k].Size}), {shards} shards, dma {dma}; regions {string.Join(", ", md.Regions.Select(r => $"{r.Kind} 0x{r.Base:x}+0x{r.Size:x}"))}");
                        compared += n;
                        i += n;
                    }
                }
        Assert.IsGreaterThan(100_000, compared);
    }

    /// <summary>
    /// Accesses around page edges, where the page cache (<see cref="PageRoutes"/>) must not answer: a ram region
    /// smaller than a page sharing it with a sync region and a table, ram over eight pages, and data accesses of 1 byte
    /// to three pages that end just before, at and just past a page's end or cross a region's. The cache gives the
    /// lookup's route for every event, and every replica owning a byte of an access is reached.
    /// </summary>
    [TestMethod]
    public void Route_AccessesAroundPageEdges_CacheMatchesTheLookupAndEveryOwnerReached()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("small", 0x10000, 0x800).Sync("flag", 0x10800, 0x100);
        t.Table("ring", 0x10900, 16, 64, 8, 0, "dev");
        t.Ram("big", 0x11000, 0x8000);
        var rng = new Random(11);
        int[] sizes = [1, 2, 8, 64, 0x800, 0xfff, 0x1000, 0x1001, 0x2000, 0x2001, 0x2fff];
        for (int i = 0; i < 20_000; i++)
        {
            int size = rng.Next(3) == 0 ? rng.Next(1, 0x3000) : sizes[rng.Next(sizes.Length)];
            ulong edge = (ulong)rng.Next(0x11, 0x1a) << 12;
            ulong address = rng.Next(2) == 0 ? edge - (ulong)size + (ulong)rng.Next(3) - 1 : (ulong)rng.Next(0x10000, 0x19000);
            switch (rng.Next(4))
            {
                case 0: t.Store("cpu0", address, size); break;
                case 1: t.Load("cpu0", address, size); break;
                case 2: t.DmaWrite("dev", address, size); break;
                default: t.DmaRead("dev", address, size); break;
            }
        }
        var md = t.Metadata();
        var regions = md.Regions.ToList();
        var events = t.Batches(t.Count).First();
        int RegionOf(TraceEvent e) => regions.FindIndex(r => r.Contains(e.Address, (ulong)e.Size));
        var inside = Enumerable.Range(0, events.Count).Select(i => events[i]).Where(e => RegionOf(e) >= 0).ToList();
        Assert.IsGreaterThan(1_000, inside.Count(e => e.Address >> 12 != (e.Address + (ulong)e.Size - 1) >> 12), "accesses over page edges");
        Assert.IsGreaterThan(100, inside.Count(e => ((e.Address + (ulong)e.Size) & 0xfff) == 1), "accesses one byte past a page");
        Assert.IsGreaterThan(100, inside.Count(e => regions[RegionOf(e)].Name == "small"), "accesses to the region smaller than a page");
        foreach (int shards in ShardCounts)
        {
            int replicas = shards + 1;
            var parts = Enumerable.Range(0, replicas).Select(k => Partition(md, k, replicas)).ToList();
            foreach (byte dma in new byte[] { 0, 2 })
            {
                var fast = new BatchRouter(md.Regions, parts[0], replicas, dma);
                var slow = new BatchRouter(md.Regions, parts[0], replicas, dma, cachePages: false);
                var rng2 = new Random(shards * 7 + dma);
                for (int i = 0; i < events.Count;)
                {
                    int n = Math.Min(rng2.Next(1, 500), events.Count - i);
                    var batch = new EventBatch(64);
                    batch.Reset(i);
                    for (int k = i; k < i + n; k++) batch.Append(events[k], events.GetData(k));
                    byte[] a = new byte[n], b = new byte[n];
                    fast.Route(batch, a);
                    slow.Route(batch, b);
                    for (int k = 0; k < n; k++)
                    {
                        var e = batch[k];
                        Assert.AreEqual(b[k], a[k], $"event #{i + k} ({e.Kind} at 0x{e.Address:x} size 0x{e.Size:x}), {shards} shards, dma {dma}");
                        int rid = RegionOf(e);
                        if (rid < 0) continue;
                        for (int r = 0; r < replicas; r++)
                        {
                            ulong cursor = e.Address;
                            if (parts[r].NextPiece(rid, ref cursor, e.Address + (ulong)e.Size, out _))
                                Assert.AreNotEqual(0, a[k] & (1 << r), $"event #{i + k} ({e.Kind} at 0x{e.Address:x} size 0x{e.Size:x}) reaches replica {r}, an owner of its bytes");
                        }
                    }
                    i += n;
                }
            }
        }
    }

    /// <summary>A batch out of trace order, and every batch after it, reach every replica (the engine refuses the batch).</summary>
    [TestMethod]
    public void Route_BatchOutOfOrder_EveryEventToEveryReplica()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 3, 2_000, 0);
        var md = generator.Metadata;
        var router = new BatchRouter(md.Regions, Partition(md, 0, 2), 2, dmaReplicas: 0);
        var batch = new EventBatch(64);
        var routes = new byte[2_000];
        batch.Reset(0);
        for (int i = 0; i < 1_000; i++) batch.Append(events[i].Event, events[i].Data);
        router.Route(batch, routes);
        Assert.IsTrue(routes.Take(1_000).Any(r => r != 3), "in order: some accesses go to one replica");
        batch.Reset(1_500);
        for (int i = 1_500; i < 2_000; i++) batch.Append(events[i].Event, events[i].Data);
        router.Route(batch, routes);
        Assert.IsTrue(routes.Take(500).All(r => r == 3), "out of order: all to all");
        int ramStore = events.FindIndex(e => e.Event.Kind == EventKind.Store && md.Regions.Single(r => r.Contains(e.Event.Address, (ulong)e.Event.Size)).Kind == RegionKind.Ram);
        batch.Reset(2_000);
        batch.Append(events[ramStore].Event, events[ramStore].Data);
        router.Route(batch, routes);
        Assert.AreEqual(3, routes[0], "and the ram writes after it (a release may have been missed)");
    }

    /// <summary>Pages <c>a</c> and <c>b</c> owned by different replicas for every shard count.</summary>
    static (ulong A, ulong B) PagesOfDifferentOwners()
    {
        static int Owner(ulong page, int shards) =>
            new AddressPartition([], 0, shards + 1, AddressPartition.ReplayThreadShare(shards + 1)).OwnerOf(page);
        for (ulong a = 0x100; ; a++)
            for (ulong b = a + 1; b < a + 64; b++)
                if (ShardCounts.All(s => Owner(a, s) != Owner(b, s))) return (a, b);
    }

    /// <summary>
    /// A plain store that overwrites a ram release (contract: a later load_acquire then acquires nothing) on a page of
    /// another replica than the buffer's: every replica must see it, or the buffer's replica would still acquire the
    /// release and miss the DMA read racing the store to the buffer.
    /// </summary>
    [TestMethod]
    public void Replay_PlainStoreOverRamRelease_ReachesEveryReplica()
    {
        var (bufPage, flagPage) = PagesOfDifferentOwners();
        List<Finding> Findings(bool overwrite, int shards, int maxBatch)
        {
            var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1", "cpu2").Device("dev");
            t.Ram("buf", bufPage << 12, 0x1000).Ram("ready", flagPage << 12, 0x1000).Mmio("reg", 0xf000_0000, 0x10, "dev");
            t.Store("cpu0", t.At("buf"), 64);
            t.StoreRelease("cpu0", t.At("ready"), 4, 1);
            if (overwrite) t.Store("cpu2", t.At("ready"), 4, 0);
            t.LoadAcquire("cpu1", t.At("ready"), 4);
            t.MmioWrite("cpu1", t.At("reg"), 4, 1);
            t.DmaRead("dev", t.At("buf"), 64);
            using var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { DataShards = shards });
            foreach (var b in t.Batches(maxBatch)) engine.Process(b);
            return [.. engine.Complete()];
        }
        Assert.IsEmpty(Findings(overwrite: false, 0, 100), "the release/acquire pair orders the buffer");
        var inline = Findings(overwrite: true, 0, 100);
        Assert.IsTrue(inline.Any(f => f.Kind == FindingKind.DmaRace), $"overwritten, it orders nothing: the DMA read races the store ({string.Join(" ", inline)})");
        foreach (int shards in ShardCounts)
            foreach (int maxBatch in new[] { 100, 1, 2 })
            {
                var got = Findings(true, shards, maxBatch);
                Assert.AreEqual(inline.Count, got.Count, $"{shards} shards, batches ≤ {maxBatch}");
                for (int i = 0; i < inline.Count; i++) Assert.IsTrue(inline[i].SameAs(got[i]), $"{shards} shards, batches ≤ {maxBatch}: finding {i}");
            }
    }

    /// <summary>
    /// The decode thread's flow: a pool of shared batches filled and routed on a producer thread, replayed in place by
    /// every replica and handed back by the last one; the same findings as inline, for 0 to 3 shards (0: a split
    /// engine is not needed), and every batch comes back. Split by detector (one shard), also fed: the producer
    /// replays each batch on the shard itself (<see cref="ReplayEngine.FeedShards"/>), the shard has no thread.
    /// </summary>
    [TestMethod]
    public void ProcessShared_RoutedOnTheFillingThread_SameFindingsAsInline()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 4, 30_000, 0.05);
        var md = generator.Metadata;
        List<Finding> Replay(int shards, bool routeAhead, bool fed = false)
        {
            using var engine = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = shards });
            Assert.AreEqual(fed, fed && engine.FeedShardsFromFiller(), "a replay split by detector can be fed");
            using var empty = new BlockingCollection<SharedBatch>();
            using var full = new BlockingCollection<SharedBatch>(2);
            const int Pool = 4;
            for (int i = 0; i < Pool; i++) empty.Add(new SharedBatch(64, b => empty.Add(b)));
            var producer = Task.Run(() =>
            {
                var rng = new Random(shards);
                for (int i = 0; i < events.Count;)
                {
                    int n = Math.Min(rng.Next(1, 3000), events.Count - i);
                    var b = empty.Take();
                    b.Events.Reset(i);
                    for (int k = i; k < i + n; k++) b.Events.Append(events[k].Event, events[k].Data);
                    if (routeAhead) engine.Route(b);
                    if (fed) engine.FeedShards(b);
                    full.Add(b);
                    i += n;
                }
                full.CompleteAdding();
            });
            foreach (var b in full.GetConsumingEnumerable()) engine.ProcessShared(b);
            producer.Wait();
            var findings = engine.Complete().ToList();
            for (int i = 0; i < Pool; i++) Assert.IsTrue(empty.TryTake(out _, 10_000), "every batch is handed back");
            return findings;
        }
        var inline = Replay(0, routeAhead: true);
        Assert.IsTrue(inline.Count > 0);
        foreach (int shards in ShardCounts)
            foreach (bool ahead in new[] { true, false })
            {
                var got = Replay(shards, ahead);
                Assert.AreEqual(inline.Count, got.Count, $"{shards} shards, routed ahead {ahead}");
                for (int i = 0; i < inline.Count; i++) Assert.IsTrue(inline[i].SameAs(got[i]), $"{shards} shards, routed ahead {ahead}: finding {i}");
            }
        var fedFindings = Replay(1, routeAhead: true, fed: true);
        Assert.AreEqual(inline.Count, fedFindings.Count, "fed");
        for (int i = 0; i < inline.Count; i++) Assert.IsTrue(inline[i].SameAs(fedFindings[i]), $"fed: finding {i}");
    }

    /// <summary>Only a replay split by detector (its shards replay every event, no routes) can be fed, and only before the first batch.</summary>
    [TestMethod]
    public void FeedShardsFromFiller_OnlySplitByDetectorAndBeforeTheFirstBatch()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 4, 100, 0);
        var md = generator.Metadata;
        using var byAddress = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 2 });
        Assert.IsFalse(byAddress.FeedShardsFromFiller(), "split by address: the shards keep their threads");
        using var inline = DetectorRegistry.CreateEngine(md);
        Assert.IsFalse(inline.FeedShardsFromFiller(), "not split");
        using var late = DetectorRegistry.CreateEngine(md, new ReplayOptions { DataShards = 1 });
        var batch = new EventBatch(64);
        batch.Reset(0);
        foreach (var e in events.Take(10)) batch.Append(e.Event, e.Data);
        late.Process(batch);
        Assert.IsFalse(late.FeedShardsFromFiller(), "after the first batch");
    }
}
