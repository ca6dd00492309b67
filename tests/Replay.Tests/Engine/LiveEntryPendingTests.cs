using TraceTools.Detectors.LiveEntryWrite;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Engine;

/// <summary>
/// live-entry-write's pending stores (<see cref="PendingStores"/>: a lane per cpu popped by a time bound, releases asked
/// one by one) against the list they replaced, which asked about every store at every invalidation and removed the
/// excused ones one at a time: random adds, invalidations with random answers, failures and held-store queries.
/// </summary>
[TestClass]
public sealed class LiveEntryPendingTests
{
    /// <summary>
    /// Answers as the replay does: a store is ordered when its time is at or before its cpu's bound, or when it is a
    /// release whose own edge reached the invalidation (a random subset). The bounds need not grow: nothing may rely on it.
    /// </summary>
    readonly struct PlantedOrder(uint[] through, HashSet<long> releases, HashSet<long> ownEdge) : IStoreOrder
    {
        public uint OrderedThrough(int cpu) => through[cpu];

        public bool OrderedBefore(in Epoch store) =>
            store.Time <= through[store.Agent] || (releases.Contains(store.Index) && ownEdge.Contains(store.Index));
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
            int cpus = rng.Next(1, 5), steps = rng.Next(1, 120);
            var pending = new PendingStores();
            var twin = new ListTwin();
            var times = new uint[cpus];
            var releases = new HashSet<long>();
            long index = 0;
            int releasePercent = rng.Next(0, 3) * 25;
            for (int step = 0; step < steps; step++)
            {
                int op = rng.Next(100);
                if (op < 55)
                {
                    int cpu = rng.Next(cpus);
                    times[cpu] += (uint)rng.Next(1, 4);
                    index += rng.Next(1, 3);
                    bool release = rng.Next(100) < releasePercent;
                    if (release) releases.Add(index);
                    var store = new Epoch(index, times[cpu], (ushort)cpu);
                    long fetch = rng.Next(1000);
                    pending.Add(store, fetch, release);
                    twin.Stores.Add(new PendingStore(store, fetch));
                }
                else if (op < 90)
                {
                    var through = new uint[cpus];
                    for (int c = 0; c < cpus; c++)
                        through[c] = rng.Next(4) switch { 0 => 0, 1 => uint.MaxValue, _ => (uint)rng.Next(0, (int)times[c] + 2) };
                    var ownEdge = new HashSet<long>();
                    foreach (long r in releases) if (rng.Next(3) == 0) ownEdge.Add(r);
                    var order = new PlantedOrder(through, releases, ownEdge);
                    pending.Excuse(ref order);
                    twin.Excuse(order);
                }
                else if (op < 95)
                {
                    var failed = new List<PendingStore>();
                    pending.MoveTo(failed);
                    CollectionAssert.AreEqual(twin.Stores, failed, $"round {round} step {step}: failed stores or their order");
                    twin.Stores.Clear();
                }
                else
                {
                    for (int c = 0; c < cpus; c++)
                    {
                        var held = new List<uint>();
                        pending.AddTimes(c, held);
                        held.Sort();
                        var expected = twin.Stores.Where(s => s.Store.Agent == c).Select(s => s.Store.Time).Order().ToList();
                        CollectionAssert.AreEqual(expected, held, $"round {round} step {step}: held times of cpu {c}");
                    }
                }
                Assert.AreEqual(twin.Stores.Count, pending.Count, $"round {round} step {step}: count");
            }
            var rest = new List<PendingStore>();
            pending.MoveTo(rest);
            CollectionAssert.AreEqual(twin.Stores, rest, $"round {round}: stores left");
            Assert.AreEqual(0, pending.Count);
        }
    }

    [TestMethod]
    public void ManyInvalidationsThatExcuseNothing_CostTheLanesNotTheStores()
    {
        // 20,000 stores of cpu1 no invalidation excuses, then 20,000 invalidations: one bound read each.
        var pending = new PendingStores();
        for (int i = 1; i <= 20_000; i++) pending.Add(new Epoch(i, (uint)i, 1), 0, release: false);
        var asked = new CountingOrder();
        for (int i = 0; i < 20_000; i++) pending.Excuse(ref asked);
        Assert.AreEqual(20_000, asked.Bounds);
        Assert.AreEqual(0, asked.Stores);
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
