using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The per-page store bounds (<see cref="LatestStores"/>) against the latest store of each cpu they stand for,
/// and the shortcut stale-dma-read takes with them (<see cref="DetectorView.StoresReached"/>) against the walk
/// it skips, on random traces with more cpus than a page keeps bounds for.
/// </summary>
[TestClass]
public sealed class StoreBoundsTests
{
    [TestMethod]
    [DataRow(3, 1)]
    [DataRow(4, 2)]
    [DataRow(6, 3)]
    [DataRow(70, 4)]
    public void AllAtOrBefore_RandomStoresAndRows_NeverClaimsAStoreBeyondTheRow(int agents, int seed)
    {
        var rng = new Random(seed);
        int exact = 0, claimed = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var bounds = new LatestStores();
            var latest = new Dictionary<int, uint>();
            uint time = 0;
            for (int n = rng.Next(12); n > 0; n--)
            {
                int cpu = rng.Next(agents);
                time += 1 + (uint)rng.Next(5);
                bounds.Note(cpu, time);
                latest[cpu] = time;
            }
            var row = new uint[agents];
            for (int a = 0; a < agents; a++) row[a] = (uint)rng.Next((int)time + 3);
            // A row one above every latest store now and then, so true answers are tested too.
            if (rng.Next(3) == 0)
                foreach (var (cpu, t) in latest) row[cpu] = Math.Max(row[cpu], t + (uint)rng.Next(2));
            bool truth = latest.All(kv => row[kv.Key] >= kv.Value);
            bool answer = bounds.AllAtOrBefore(row, agents);
            Assert.IsTrue(!answer || truth, $"trial {trial}: the bounds said every store is in the row, one is not");
            // Up to four cpus keep their own bound: the answer is exact.
            if (latest.Count <= 4)
            {
                Assert.AreEqual(truth, answer, $"trial {trial}: {latest.Count} cpus");
                exact++;
            }
            if (answer) claimed++;
        }
        Assert.IsGreaterThan(100, exact, "pages with at most four cpus");
        Assert.IsGreaterThan(100, claimed, "true answers");
    }

    [TestMethod]
    public void AllAtOrBefore_FifthCpu_FoldsIntoTheOthersBound()
    {
        var bounds = new LatestStores();
        for (int cpu = 0; cpu < 4; cpu++) bounds.Note(cpu, (uint)(cpu + 1));
        bounds.Note(5, 10);
        bounds.Note(6, 20);
        uint[] row = [1, 2, 3, 4, 0, 20, 20];
        Assert.IsTrue(bounds.AllAtOrBefore(row, 7));
        row[5] = 19; // cpu 5's own store (10) is in the row, but it shares the others' bound (20)
        Assert.IsFalse(bounds.AllAtOrBefore(row, 7));
        row[5] = 20;
        row[2] = 2;
        Assert.IsFalse(bounds.AllAtOrBefore(row, 7), "a kept cpu's bound still counts");
    }

    /// <summary>
    /// The live store times the shadow hands edge-log compaction, asked between writes at random (as compactions of any
    /// cpu come), against every page's cells read (the twin: <see cref="Shadow.AddLiveStoreTimesByScan"/>) and against
    /// each byte's last cpu store: the pages a cpu never stored to are skipped, and a page no cpu stored to since a cpu's
    /// last ask adds the times kept from then. Some asks fall during an event whose store comes after them.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void LiveStoreTimes_AskedBetweenWrites_SameAsScanAndEveryByteLastStore(int seed)
    {
        // Six cpus, mostly each on its own two pages, a device on others: the scan skips the pages a cpu never stored to.
        var rng = new Random(seed);
        const DetectorNeeds needs = DetectorNeeds.WriteHistory;
        var shadow = new Shadow(needs, values: false);
        const ulong baseAddress = 0x40000;
        var times = new StoreTimes();
        int asks = 0;
        for (uint time = 1; time <= 3000; time++)
        {
            // An ask during event `time - 1` (this one) before its store: the store must count as a change.
            if (rng.Next(40) == 0) Ask(time - 1);
            int agent = rng.Next(7);
            // A few pages stay hot: most asks find most pages as last scanned.
            ulong page = time > 1000 && rng.Next(4) != 0 ? (ulong)rng.Next(2) : (ulong)(rng.Next(8) == 0 ? rng.Next(16) : 2 * (agent % 6) + rng.Next(2));
            int size = rng.Next(3) == 0 ? 1 + rng.Next(600) : 1 + rng.Next(16);
            ulong address = baseAddress + page * 4096 + (ulong)rng.Next(4096);
            shadow.RecordWrite(agent, time, cpu: agent < 6, address, size, default, RegionKind.Ram);
            if (rng.Next(40) == 0) Ask(time);
        }
        Ask(3000);
        Assert.IsGreaterThan(100, asks, "asks");

        void Ask(uint now)
        {
            int cpu = rng.Next(6);
            asks++;
            var expected = new SortedSet<uint>();
            for (ulong a = baseAddress; a < baseAddress + 17 * 4096; a++)
            {
                var w = shadow.WritesAt(a);
                if (w.CpuWrite.Exists && w.CpuWrite.Agent == cpu) expected.Add(w.CpuWrite.Time);
            }
            var scanned = new List<uint>();
            shadow.AddLiveStoreTimesByScan(cpu, scanned);
            CollectionAssert.AreEqual(expected.ToArray(), scanned.Distinct().Order().ToArray(), $"cpu {cpu} at {now}: the scan");
            shadow.AddLiveStoreTimes(cpu, now, times.Start());
            CollectionAssert.AreEqual(expected.ToArray(), times.SortedDistinct(), $"cpu {cpu} at {now}: kept times");
        }
    }

    /// <summary>
    /// Six cpus over six pages: mostly a driver's post (stores to a buffer on the cpu's page, a barrier or not,
    /// a doorbell, the device's DMA read of the buffer), with stray stores and reads of any cpu on any page between.
    /// </summary>
    static TraceBuilder RandomTrace(int seed, int steps)
    {
        var rng = new Random(seed);
        string[] cpus = ["c0", "c1", "c2", "c3", "c4", "c5"];
        string[] barriers = ["dma_wmb", "wmb", "mb", "smp_wmb", "dma_rmb"];
        var t = new TraceBuilder(Arch.Arm64).Cpu(cpus).Device("dev").Device("nc", coherent: false);
        t.Ram("buf", 0x10000, 0x6000).Sync("flag", 0x20000, 0x10).Mmio("reg", 0xf000, 0x10, "dev").Mmio("ncreg", 0xe000, 0x10, "nc");
        for (int i = 0; i < steps; i++)
        {
            int c = rng.Next(6);
            string cpu = cpus[c], device = rng.Next(2) == 0 ? "dev" : "nc";
            // A cpu's own page, or (one time in twenty, and a page boundary crossed now and then) any.
            ulong page = (ulong)(rng.Next(20) == 0 ? rng.Next(6) : c) << 12;
            int size = rng.Next(3) == 0 ? 1 + rng.Next(300) : 1 + rng.Next(16);
            ulong at = t.At("buf", Math.Min(page + (ulong)rng.Next(0x1000), 0x6000 - (ulong)size));
            switch (rng.Next(8))
            {
                case 0: case 1: case 2:
                    t.Store(cpu, at, size);
                    if (rng.Next(4) != 0) t.Barrier(cpu, rng.Next(2) == 0 ? "dma_wmb" : barriers[rng.Next(barriers.Length)]);
                    if (rng.Next(4) != 0) t.MmioWrite(cpu, t.At(device == "dev" ? "reg" : "ncreg"), 4, (ulong)i);
                    t.DmaRead(device, at, size);
                    break;
                case 3: t.Store(cpu, at, size); break;
                case 4: t.Store(cpu, t.At("flag", (ulong)rng.Next(4) * 4), 4, (ulong)i); break;
                case 5: t.DmaRead(device, t.At("flag", (ulong)rng.Next(4) * 4), 4); break;
                case 6: t.DmaWrite(device, at, size); break;
                default: t.DmaRead(device, at, size); break;
            }
        }
        return t;
    }

    /// <summary>A last cpu store that did not reach the agent (stale-dma-read's rule without its hb half).</summary>
    readonly struct NotReached(int agent) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Cpu;
        public CacheMark Mark => CacheMark.None;
        public bool Fails(DetectorView view, in LastWrite write) => !view.StoreReached(write.Writer, agent);
    }

    sealed class Probe : IDetector
    {
        public int Skipped, Walked, FoundUnreached;
        public readonly List<string> Wrong = [];
        public FindingKind Kind => FindingKind.StaleDmaRead;
        public DetectorHooks Hooks => DetectorHooks.DmaRead;
        public DetectorNeeds Needs => DetectorNeeds.WriteHistory | DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;

        public void OnAccess(DetectorView view, in DataAccess access)
        {
            bool skip = view.StoresReached(access);
            bool unreached = view.WalkLastWriter(access, new NotReached(access.Agent), out var write);
            if (skip && unreached) Wrong.Add($"#{access.Index}: skipped, but store #{write.Writer.Index} did not reach it");
            if (skip) Skipped++;
            else Walked++;
            if (unreached) FoundUnreached++;
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void StoresReached_RandomTraces_SkipsOnlyWhereTheWalkFindsNoUnreachedStore(int seed)
    {
        var t = RandomTrace(seed, 3000);
        var probe = new Probe();
        var engine = new ReplayEngine(t.Metadata(), new ReplayOptions(), [probe]);
        foreach (var b in t.Batches(128)) engine.Process(b);
        engine.Complete();
        Assert.IsEmpty(probe.Wrong, string.Join("\n", probe.Wrong.Take(5)));
        Assert.IsGreaterThan(50, probe.Skipped, "DMA reads the page bounds let skip the walk");
        Assert.IsGreaterThan(50, probe.FoundUnreached, "DMA reads with an unreached last store (the walk is needed)");
        Assert.IsGreaterThan(probe.FoundUnreached + 20, probe.Walked, "reads walked although every last store had reached the device (the bounds are per page)");
    }
}
