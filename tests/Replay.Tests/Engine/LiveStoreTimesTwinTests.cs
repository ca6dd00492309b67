using TraceTools.Detectors;
using TraceTools.Detectors.LiveEntryWrite;
using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Detectors.PresentBeforePayload;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The live store times edge-log compaction is given (<c>ReplayEngine.LiveStoreTimes</c>) against the full scans they
/// replaced, at every compaction of random traces: the shadow's pages keep the times of their last scan until a cpu
/// stores to them (twin: every page's cells read), and the entry detectors walk only the entries that hold stores (twin:
/// <c>AddHeldStoresOfEveryEntry</c>, the walk over every entry ever touched). The traces mix entry stores (clears,
/// payload changes, present rewrites), fetches and invalidations by three cpus, ram stores to a few pages, device reads
/// and writes, and enough release/acquire edges for several compactions of cpu0's log (most steps are its).
/// </summary>
[TestClass]
public sealed class LiveStoreTimesTwinTests
{
    static readonly string[] Cpus = ["cpu0", "cpu1", "cpu2"];
    static readonly ulong[] PresentWords = [0, 1, 2, 3, 0x100, 0x101];

    static TraceBuilder Generate(int seed, int events)
    {
        var rng = new Random(seed);
        var t = new TraceBuilder(Arch.Arm64).Cpu(Cpus).Device("dev").Device("iommu");
        t.Ram("pages", 0x10_0000, 16 * 4096).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev");
        t.Table("pasid", 0x40_0000, 64, 16, 8, 0, "iommu");
        while (t.Count < events)
        {
            string cpu = Cpus[rng.Next(4) == 0 ? rng.Next(Cpus.Length) : 0];
            ulong k = (ulong)rng.Next(8), entry = t.Entry("pasid", k);
            // Most pages are stored to early and then left alone: later compactions find them as last scanned.
            ulong page = (ulong)(t.Count < events / 4 || rng.Next(2000) == 0 ? rng.Next(16) : rng.Next(2));
            ulong at = t.At("pages", page * 4096 + (ulong)rng.Next(4096 - 16));
            // Two thirds of the steps are edges: logs compact several times in a trace of 600,000 events.
            switch (rng.Next(3) != 0 ? 0 : rng.Next(100))
            {
                case < 40:
                    // An edge: cpu's release acquired by another cpu (most of the trace, so that logs compact often).
                    t.StoreRelease(cpu, t.At("flag"), 4, (ulong)rng.Next(1, 1 << 20));
                    t.LoadAcquire(Cpus[(Array.IndexOf(Cpus, cpu) + 1 + rng.Next(2)) % 3], t.At("flag"), 4);
                    break;
                case < 52: t.Store(cpu, entry, 8, PresentWords[rng.Next(PresentWords.Length)]); break;
                case < 60: t.Store(cpu, entry + 8, 8, (ulong)rng.Next(4)); break;
                case < 61: t.DevInvalidateAll(cpu, "iommu"); break;
                case < 68: t.DevInvalidate(cpu, "iommu", "pasid", k); break;
                case < 74: t.Fetch("iommu", "pasid", k, (uint)rng.Next(2)); break;
                case < 88: t.Store(cpu, at, 1 + rng.Next(16)); break;
                case < 91: t.DmaRead("dev", at, 8); break;
                case < 93: t.DmaWrite("dev", at, 8); break;
                case < 96: t.Load(cpu, entry, 8); break;
                default: t.Writel(cpu, t.At("reg"), 1); break;
            }
        }
        return t;
    }

    /// <summary>
    /// The times the compaction gets (sorted, distinct) against the shadow's full scan and every detector's walk over all
    /// its entries, at each compaction, and each entry detector's own times against its own walk (a time it misses may
    /// be another source's too). Six traces, arm64 (on x86 an invalidation excuses every pending store at once): together
    /// they must compact often, with stores each entry detector holds.
    /// </summary>
    [TestMethod]
    public void LiveStoreTimes_RandomTraces_SameAsFullScansAtEveryCompaction()
    {
        int compactions = 0;
        var holding = new Dictionary<string, int>();
        for (int seed = 1; seed <= 6; seed++) Check(seed);
        Assert.IsGreaterThanOrEqualTo(24, compactions, "compactions");
        Assert.HasCount(3, holding, $"detectors holding stores at some compaction: {string.Join(", ", holding)}");

        void Check(int seed)
        {
            var t = Generate(seed, 600_000);
            using var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions());
            engine.LiveStoreTimesTaken = (cpu, times) =>
            {
                compactions++;
                string at = $"seed {seed}: compaction {compactions} of cpu{cpu}";
                var expected = engine.ShadowLiveStoreTimesByScan(cpu);
                foreach (var d in engine.Detectors)
                {
                    var byWalk = new List<uint>();
                    switch (d)
                    {
                        case MissingFlushAfterClearDetector m: m.AddHeldStoresOfEveryEntry(cpu, byWalk); break;
                        case PresentBeforePayloadDetector p: p.AddHeldStoresOfEveryEntry(cpu, byWalk); break;
                        case LiveEntryWriteDetector l: l.AddHeldStoresOfEveryEntry(cpu, byWalk); break;
                    }
                    var held = new List<uint>();
                    d.AddHeldStores(cpu, held);
                    CollectionAssert.AreEqual(byWalk.Distinct().Order().ToArray(), held.Distinct().Order().ToArray(), $"{at}: {d.Kind}");
                    if (held.Count > 0) holding[d.Kind.ToString()] = holding.GetValueOrDefault(d.Kind.ToString()) + 1;
                    expected.AddRange(byWalk);
                }
                CollectionAssert.AreEqual(expected.Distinct().Order().ToArray(), times, at);
            };
            foreach (var batch in t.Batches(4096)) engine.Process(batch);
            engine.Complete();
        }
    }
}
