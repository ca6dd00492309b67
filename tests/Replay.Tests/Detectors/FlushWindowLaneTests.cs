using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// missing-flush-after-clear's pending lanes (a <c>dev_invalidate all</c> visits only the windows its cpu can still
/// change) against the walk of every armed window they replaced (<see cref="MissingFlushAfterClearByWalk"/>), on random
/// traces with several clearing and invalidating cpus, hb through flags, irqs and fetches of the cleared entries (a
/// clear's own edge), targeted invalidations and reopened windows: after every event the windows under way must keep
/// the same invalidations, and the findings must be the same.
/// </summary>
[TestClass]
public sealed class FlushWindowLaneTests
{
    const int Cases = 400;

    static readonly string[] Cpus = ["cpu0", "cpu1", "cpu2"];
    static readonly string[] Tables = ["pasid", "ctx"];
    static readonly string[] Barriers = ["mb", "wmb", "dma_wmb", "smp_mb", "rmb", "dma_mb"];
    static readonly ulong[] PresentWords = [0, 1, 2, 3, 0x100, 0x101];

    static TraceBuilder Generate(int seed)
    {
        var rng = new Random(seed);
        var t = TraceBuilder.OneDevice(rng.Next(2) == 0 ? Arch.Arm64 : Arch.X86_64, string.Join(',', Cpus)).Device("iommu");
        t.Table("pasid", 0x10_0000, 6, 16, 8, 0, "iommu");
        t.Table("ctx", 0x20_0000, 3, 16, 8, 0, "iommu");
        int events = rng.Next(40, 260);
        // Each cpu's first whole invalidation comes at a random point: late joiners find windows reopened out of arming order.
        int[] joinsAt = [.. Cpus.Select(_ => rng.Next(events))];
        while (t.Count < events)
        {
            int c = rng.Next(Cpus.Length);
            string cpu = Cpus[c];
            string table = Tables[rng.Next(4) == 0 ? 1 : 0];
            ulong k = (ulong)rng.Next(table == "ctx" ? 3 : 6);
            ulong entry = t.Entry(table, k);
            switch (rng.Next(100))
            {
                case < 26: t.Store(cpu, entry, 8, PresentWords[rng.Next(PresentWords.Length)]); break;
                case < 34: t.Store(cpu, entry + 8, 8, (ulong)rng.Next(4)); break;
                case < 54 when t.Count >= joinsAt[c]: t.DevInvalidateAll(cpu, "iommu"); break;
                case < 54: t.Store(cpu, entry, 8, PresentWords[rng.Next(PresentWords.Length)]); break;
                case < 60: t.DevInvalidate(cpu, "iommu", table, k); break;
                case < 68: t.Barrier(cpu, Barriers[rng.Next(Barriers.Length)]); break;
                case < 73: t.StoreRelease(cpu, t.At("flag"), 4, (ulong)rng.Next(1, 1000)); break;
                case < 76: t.Store(cpu, t.At("flag"), 4, (ulong)rng.Next(1, 1000)); break;
                case < 82: t.LoadAcquire(cpu, t.At("flag"), 4); break;
                case < 84: t.Load(cpu, t.At("flag"), 4); break;
                case < 88: t.Load(cpu, entry, 8); break;                  // acquires the clear's own edge
                case < 92: t.Fetch("iommu", table, k, (uint)rng.Next(2)); break;
                case < 95:
                    t.RaiseIrq("iommu");
                    t.TakeIrq(cpu, "iommu");
                    break;
                case < 97: t.DmaWrite("iommu", entry, 8, PresentWords[rng.Next(PresentWords.Length)]); break;
                default: t.Writel(cpu, t.At("reg"), 1); break;
            }
        }
        return t;
    }

    [TestMethod]
    public void PendingLanes_RandomTraces_SameKeptInvalidationsAndFindingsAsWalk()
    {
        int allInvalidations = 0, keptByAll = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var t = Generate(seed);
            var lanes = new MissingFlushAfterClearDetector();
            var walk = new MissingFlushAfterClearByWalk();
            using var byLanes = new ReplayEngine(t.Metadata(), new ReplayOptions(), [lanes]);
            using var byWalk = new ReplayEngine(t.Metadata(), new ReplayOptions(), [walk]);
            using var walkBatches = t.Batches(1).GetEnumerator();
            foreach (var batch in t.Batches(1))
            {
                byLanes.Process(batch);
                Assert.IsTrue(walkBatches.MoveNext());
                byWalk.Process(walkBatches.Current);
                string expected = walk.WindowsUnderWay(), actual = lanes.WindowsUnderWay();
                if (expected != actual)
                    Assert.Fail($"seed {seed}, after event #{batch.FirstIndex}: windows differ\nwalk:\n{expected}lanes:\n{actual}");
                if (batch[0].Kind == EventKind.DevInvalidate && batch[0].Size == 0)
                {
                    allInvalidations++;
                    keptByAll += actual.Split('\n').Count(line => line.Contains($" {batch.FirstIndex}"));
                }
            }
            Assert.AreEqual(TraceBuilder.Describe(byWalk.Complete()), TraceBuilder.Describe(byLanes.Complete()), $"seed {seed}: findings");
        }
        // The traces exercise what the lanes skip: whole invalidations that change windows, and many that change none.
        Assert.IsTrue(allInvalidations > 5_000 && keptByAll > 1_000, $"{allInvalidations} whole invalidations kept {keptByAll} times");
    }

    /// <summary>
    /// A cpu that invalidated the table once and an entry cleared and set again many times: the lane drops the closed
    /// windows when it fills, so it holds about the windows under way, not one per clear.
    /// </summary>
    [TestMethod]
    public void PendingLanes_WindowsReopenedManyTimes_LaneStaysSmall()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1").Device("iommu");
        t.Table("pasid", 0x10_0000, 4, 16, 8, 0, "iommu");
        ulong e = t.Entry("pasid", 1);
        t.DevInvalidateAll("cpu1", "iommu");
        for (int i = 0; i < 5_000; i++)
        {
            t.Store("cpu0", e, 8, 1);
            t.Store("cpu0", e, 8, 0);
        }
        var lanes = new MissingFlushAfterClearDetector();
        using var engine = new ReplayEngine(t.Metadata(), new ReplayOptions(), [lanes]);
        foreach (var batch in t.Batches(1000)) engine.Process(batch);
        Assert.IsTrue(lanes.PendingWindows <= 8, $"{lanes.PendingWindows} windows pending for one under way");
    }
}
