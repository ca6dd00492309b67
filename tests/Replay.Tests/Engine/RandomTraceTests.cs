using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Fuzz-style: random well-formed traces (fixed seeds) over every event kind and arch. Every clock
/// kernel and batch split must agree (<see cref="TraceBuilder.Replay"/>), findings must be sorted, name
/// earlier related events, and running one detector alone must give exactly its share of the full run.
/// </summary>
[TestClass]
public sealed class RandomTraceTests
{
    public static IEnumerable<object[]> Seeds =>
        from arch in ArchNames.All from seed in new[] { 1, 2, 3 } select new object[] { arch, seed };

    static readonly string[] Barriers = ["barrier", "mb", "rmb", "wmb", "dma_mb", "dma_rmb", "dma_wmb", "smp_mb", "smp_rmb", "smp_wmb"];

    internal static TraceBuilder RandomTrace(Arch arch, int seed, int steps)
    {
        var rng = new Random(seed * 7919 + (int)arch);
        var t = new TraceBuilder(arch).Cpu("cpu0", "cpu1").Device("dev").Device("nc", coherent: false).Device("iommu");
        t.Ram("buf", 0x1000, 0x80).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev").Mmio("ncreg", 0xe000, 0x10, "nc");
        t.Table("ctx", 0x10_0000, 4, 32, 16, 0, "iommu");
        string[] cpus = ["cpu0", "cpu1"];
        for (int i = 0; i < steps; i++)
        {
            string cpu = cpus[rng.Next(2)];
            ulong off = (ulong)rng.Next(0x70);
            int size = 1 + rng.Next(16);
            ulong entry = (ulong)rng.Next(4);
            switch (rng.Next(22))
            {
                case 0: case 1: t.Store(cpu, t.At("buf", off), size); break;
                case 2: case 3: t.Load(cpu, t.At("buf", off), size); break;
                case 4: t.Barrier(cpu, Barriers[rng.Next(Barriers.Length)]); break;
                case 5: t.Writel(cpu, t.At(rng.Next(2) == 0 ? "reg" : "ncreg"), (ulong)i); break;
                case 6: t.Readl(cpu, t.At("reg")); break;
                case 7: t.Store(cpu, t.At("flag", (ulong)rng.Next(4) * 4), 4, (ulong)i); break;
                case 8: t.Load(cpu, t.At("flag", (ulong)rng.Next(4) * 4), 4); break;
                case 9: t.DmaRead(rng.Next(2) == 0 ? "dev" : "nc", t.At("buf", off), size); break;
                case 10: t.DmaWrite(rng.Next(2) == 0 ? "dev" : "nc", t.At("buf", off), size); break;
                case 11: t.DmaWrite("dev", t.At("flag", (ulong)rng.Next(4) * 4), 4, (ulong)i); break;
                case 12: t.RaiseIrq(rng.Next(2) == 0 ? "dev" : "nc"); break;
                case 13: t.TakeIrq(cpu, rng.Next(2) == 0 ? "dev" : "nc"); break;
                case 14: t.Lock(cpu, "L"); t.Unlock(cpu, "L"); break;
                case 15: t.CacheClean(cpu, t.At("buf", off), size); break;
                case 16: t.CacheInval(cpu, t.At("buf", off), size); break;
                case 17: t.CacheFlush(cpu, t.At("buf", off), size); break;
                case 18: t.Store(cpu, t.Entry("ctx", entry) + (ulong)rng.Next(4) * 8, 8, (ulong)rng.Next(3)); break;
                case 19: t.Fetch("iommu", "ctx", entry, (uint)rng.Next(2)); break;
                case 20: if (rng.Next(2) == 0) t.DevInvalidate(cpu, "iommu", "ctx", entry); else t.DevInvalidateAll(cpu, "iommu"); break;
                default: t.MmioWrite(cpu, t.At("reg"), 4, (ulong)i); break;
            }
        }
        return t;
    }

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void RandomTrace_EveryKernelAndSplit_AgreeAndFindingsWellFormed(Arch arch, int seed)
    {
        var t = RandomTrace(arch, seed, 400);
        var findings = t.Replay();
        Assert.IsTrue(findings.Count > 0, "a random trace without any finding tests little");
        for (int i = 1; i < findings.Count; i++)
        {
            var (a, b) = (findings[i - 1], findings[i]);
            Assert.IsTrue(a.Trigger < b.Trigger || (a.Trigger == b.Trigger && a.Kind < b.Kind), $"{a} before {b}");
        }
        foreach (var f in findings)
        {
            Assert.IsTrue(f.Trigger >= 0 && f.Trigger < t.Count, f.ToString());
            Assert.IsTrue(f.Related.Length > 0, f.ToString());
            foreach (var r in f.Related) Assert.IsTrue(r.Index >= 0 && r.Index <= f.Trigger, f.ToString());
        }
    }

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void RandomTrace_EachDetectorAlone_GivesItsShareOfTheFullRun(Arch arch, int seed)
    {
        var t = RandomTrace(arch, seed, 300);
        var all = t.ReplayWith(Replay.Clocks.ClockSimd.Scalar, 64);
        foreach (var kind in FindingKinds.All)
        {
            var alone = t.ReplayWith(Replay.Clocks.ClockSimd.Scalar, 64, new HashSet<FindingKind> { kind });
            Assert.AreEqual(TraceBuilder.Describe(all.Where(f => f.Kind == kind)), TraceBuilder.Describe(alone), kind.Name());
        }
    }
}
