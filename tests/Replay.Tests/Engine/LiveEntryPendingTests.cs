using TraceTools.Detectors.LiveEntryWrite;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Engine;

/// <summary>
/// live-entry-write's pending stores (<see cref="PendingStores"/>: a lane per cpu popped by a time bound, releases asked
/// one by one once <see cref="ReleaseWatch"/> saw an edge of theirs) against the list they replaced, which asked about
/// every store at every invalidation and removed the excused ones one at a time: random adds (two entries, a store
/// sometimes pending in both), edges logged, invalidations with random answers, failures and held-store queries.
/// </summary>
[TestClass]
public sealed class LiveEntryPendingTests
{
    /// <summary>
    /// Answers as the replay does: a store is ordered when its time is at or before its cpu's bound, or when it is a
    /// release whose own edge reached the invalidation (a random subset of the releases with an edge logged). The bounds
    /// need not grow: nothing may rely on it.
    /// </summary>
    readonly struct PlantedOrder(uint[] through, HashSet<long> releases, HashSet<long> ownEdge) : IStoreOrder
    {
        public uint OrderedThrough(int cpu) => through[cpu];

        public bool OrderedBefore(in Epoch store) =>
            store.Time <= through[store.Agent] || (releases.Contains(store.Index) && ownEdge.Contains(store.Index));
    }

    /// <summary>A planted edge log per cpu: (logged at, release time), in log order.</summary>
    readonly struct PlantedEdges(List<(long LoggedAt, uint Time)>[] logs) : IEdgeSource
    {
        public int FirstLoggedAt(int cpu, long since)
        {
            int i = 0;
            while (i < logs[cpu].Count && logs[cpu][i].LoggedAt < since) i++;
            return i;
        }

        public int Logged(int cpu) => logs[cpu].Count;

        public uint ReleaseTimeAt(int cpu, int position) => logs[cpu][position].Time;
    }

    /// <summary>The old algorithm, kept as the twin: one list in store order, every store asked, excused ones removed.</summary>
    sealed class ListTwin
    {
        public readonly List<PendingStore> Stores = [];

        public void Excuse(PlantedOrder order)
        {
            for (int i = Stores.Count - 1; i >= 0; i--)
                if (order.OrderedBefore(Stores[i].Store)) Stores.RemoveAt(i);
        }
    }

    [TestMethod]
    public void RandomSequences_SameStoresExcusedAndFailedInOrder()
    {
        var rng = new Random(20261204);
        for (int round = 0; round < 600; round++)
        {
            int cpus = rng.Next(1, 5), steps = rng.Next(1, 160);
            var watch = new ReleaseWatch(cpus);
            var pending = new[] { new PendingStores(watch), new PendingStores(watch) };
            var twin = new[] { new ListTwin(), new ListTwin() };
            var times = new uint[cpus];
            var logs = new List<(long, uint)>[cpus];
            for (int c = 0; c < cpus; c++) logs[c] = [];
            var releases = new HashSet<long>();
            var edged = new HashSet<long>(); // releases with an edge logged: only these may be excused out of turn
            var releaseAt = new Dictionary<(int, uint), long>();
            long index = 0;
            int releasePercent = rng.Next(0, 3) * 25;
            for (int step = 0; step < steps; step++)
            {
                int op = rng.Next(100), e = rng.Next(2);
                if (rng.Next(3) != 0) index++; // else an edge may be logged at the index of the last read, after it
                if (op < 50)
                {
                    int cpu = rng.Next(cpus);
                    times[cpu] += (uint)rng.Next(1, 4);
                    index += rng.Next(1, 3); // stores have distinct indices
                    bool release = rng.Next(100) < releasePercent;
                    if (release) { releases.Add(index); releaseAt[(cpu, times[cpu])] = index; }
                    var store = new Epoch(index, times[cpu], (ushort)cpu);
                    long fetch = rng.Next(1000);
                    // A store over both entries waits in both (the same release watched twice).
                    bool both = release && rng.Next(5) == 0;
                    for (int k = 0; k < 2; k++)
                    {
                        if (k != e && !both) continue;
                        pending[k].Add(store, fetch, release);
                        twin[k].Stores.Add(new PendingStore(store, fetch));
                    }
                }
                else if (op < 62)
                {
                    // An edge of some release of a cpu (a waiting one, an old one, or a time no release has).
                    int cpu = rng.Next(cpus);
                    var mine = releaseAt.Keys.Where(k => k.Item1 == cpu).ToList();
                    uint t = mine.Count > 0 && rng.Next(2) == 0 ? mine[rng.Next(mine.Count)].Item2 : (uint)rng.Next(0, (int)times[cpu] + 2);
                    logs[cpu].Add((index, t));
                    if (releaseAt.TryGetValue((cpu, t), out long r)) edged.Add(r);
                }
                else if (op < 90)
                {
                    var through = new uint[cpus];
                    for (int c = 0; c < cpus; c++)
                        through[c] = rng.Next(4) switch { 0 => 0, 1 => uint.MaxValue, _ => (uint)rng.Next(0, (int)times[c] + 2) };
                    var ownEdge = new HashSet<long>();
                    foreach (long r in edged) if (rng.Next(3) == 0) ownEdge.Add(r);
                    var order = new PlantedOrder(through, releases, ownEdge);
                    var edges = new PlantedEdges(logs);
                    watch.ReadEdges(ref edges, index);
                    pending[e].Excuse(ref order, ref edges, index);
                    twin[e].Excuse(order);
                }
                else if (op < 95)
                {
                    var failed = new List<PendingStore>();
                    pending[e].MoveTo(failed);
                    CollectionAssert.AreEqual(twin[e].Stores, failed, $"round {round} step {step}: failed stores or their order");
                    twin[e].Stores.Clear();
                }
                else
                {
                    for (int c = 0; c < cpus; c++)
                    {
                        var held = new List<uint>();
                        pending[e].AddTimes(c, held);
                        held.Sort();
                        var expected = twin[e].Stores.Where(s => s.Store.Agent == c).Select(s => s.Store.Time).Order().ToList();
                        CollectionAssert.AreEqual(expected, held, $"round {round} step {step}: held times of cpu {c}");
                    }
                }
                for (int k = 0; k < 2; k++) Assert.AreEqual(twin[k].Stores.Count, pending[k].Count, $"round {round} step {step}: count");
            }
            for (int k = 0; k < 2; k++)
            {
                var rest = new List<PendingStore>();
                pending[k].MoveTo(rest);
                CollectionAssert.AreEqual(twin[k].Stores, rest, $"round {round}: stores left");
                Assert.AreEqual(0, pending[k].Count);
            }
            Assert.AreEqual(0, watch.Count, $"round {round}: releases still watched after every entry failed");
        }
    }

    [TestMethod]
    public void ManyInvalidationsThatExcuseNothing_CostTheLanesNotTheStores()
    {
        // 20,000 stores of cpu1 no invalidation excuses, then 20,000 invalidations: one bound read each.
        var pending = new PendingStores(new ReleaseWatch(2));
        for (int i = 1; i <= 20_000; i++) pending.Add(new Epoch(i, (uint)i, 1), 0, release: false);
        var asked = new CountingOrder();
        var none = new PlantedEdges([[], []]);
        for (int i = 0; i < 20_000; i++) pending.Excuse(ref asked, ref none, 20_001 + i);
        Assert.AreEqual(20_000, asked.Bounds);
        Assert.AreEqual(0, asked.Stores);
        Assert.AreEqual(20_000, pending.Count);
    }

    [TestMethod]
    public void ManyReleasesNoEdgeReached_AskedOnlyOnceTheirEdgeIsLogged()
    {
        // 20,000 present-word rewrites of cpu1 that no invalidation excuses, then 20,000 invalidations, each after an
        // edge of cpu1 (the invalidation's own, release time past every store): one bound read each, no store asked.
        // Then an edge of one release: that one, and only it, is asked at each later invalidation.
        var watch = new ReleaseWatch(2);
        var pending = new PendingStores(watch);
        for (int i = 1; i <= 20_000; i++) pending.Add(new Epoch(i, (uint)i, 1), 0, release: true);
        var logs = new List<(long, uint)>[] { [], [] };
        var asked = new CountingOrder();
        for (int i = 0; i < 20_000; i++)
        {
            long at = 20_001 + i;
            logs[1].Add((at, (uint)at + 1));
            var edges = new PlantedEdges(logs);
            watch.ReadEdges(ref edges, at);
            pending.Excuse(ref asked, ref edges, at);
        }
        Assert.AreEqual(20_000, asked.Bounds);
        Assert.AreEqual(0, asked.Stores);
        logs[1].Add((40_001, 7));
        var more = new PlantedEdges(logs);
        watch.ReadEdges(ref more, 40_001);
        for (int i = 0; i < 3; i++) pending.Excuse(ref asked, ref more, 40_001 + i);
        Assert.AreEqual(3, asked.Stores);
        Assert.AreEqual(20_000, pending.Count);
    }

    /// <summary>Orders nothing and counts the questions.</summary>
    struct CountingOrder : IStoreOrder
    {
        public int Bounds, Stores;

        public uint OrderedThrough(int cpu)
        {
            Bounds++;
            return 0;
        }

        public bool OrderedBefore(in Epoch store)
        {
            Stores++;
            return false;
        }
    }
}
