using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>missing-cache-clean and missing-cache-invalidate.</summary>
[TestClass]
public sealed class CacheDetectorTests
{
    static TraceBuilder System(Arch arch, string cpus = "cpu0")
    {
        var t = new TraceBuilder(arch).Cpu(cpus.Split(',')).Device("dev", coherent: false).Device("cdev");
        t.Ram("buf", 0x1000, 0x100).Mmio("reg", 0xf000, 0x10, "dev").Mmio("creg", 0xe000, 0x10, "cdev");
        return t;
    }

    /// <summary>store; clean?; BARRIER; raw doorbell; device reads. The barrier must order the store (stale-dma-read) and complete the clean.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, false, "wmb", "missing-cache-clean")]
    [DataRow(Arch.Arm64, true, "wmb", "")]                     // dsb st completes the clean
    [DataRow(Arch.Arm64, true, "dma_wmb", "missing-cache-clean")] // dmb: no completion
    [DataRow(Arch.Arm64, true, "dsb.sy", "")]
    [DataRow(Arch.Arm64, true, "dsb.ld", "stale-dma-read,missing-cache-clean")] // load-only: no store, no c in pred
    [DataRow(Arch.X86_64, true, "barrier", "missing-cache-clean")]
    [DataRow(Arch.X86_64, true, "dma_wmb", "missing-cache-clean")] // compiler only
    [DataRow(Arch.X86_64, true, "wmb", "")]                    // sfence
    [DataRow(Arch.X86_64, true, "mfence", "")]
    [DataRow(Arch.X86_64, true, "lfence", "missing-cache-clean")]
    [DataRow(Arch.Riscv64, true, "dma_wmb", "")]               // fence ow,ow: w implies c, completed
    [DataRow(Arch.Riscv64, true, "smp_wmb", "stale-dma-read,missing-cache-clean")] // fence w,w: inner only
    [DataRow(Arch.Sc, true, "barrier", "")]
    [DataRow(Arch.Sc, false, "barrier", "missing-cache-clean")]
    public void MissingCacheClean_CleanAndBarrierBeforeDoorbell_PerArch(Arch arch, bool clean, string barrier, string expected)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 32);
        if (clean) t.CacheClean("cpu0", t.At("buf"), 32);
        t.Barrier("cpu0", barrier);
        long publish = t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 32);
        var want = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => k switch
        {
            "stale-dma-read" => $"stale-dma-read@{r}[store={s},publish={publish}]",
            _ => $"missing-cache-clean@{r}[store={s}]",
        }).ToArray();
        FindingAssert.Exactly(t.Replay(), want);
    }

    /// <summary>
    /// clean; xchg flag (cpu0) read by cpu1, which rings the noncoherent device. The full barrier xchg implies just
    /// before itself (docs/model.md §10) commits at the time below its own, which is exactly the clean's: where the
    /// arch's full barrier completes cache maintenance (x86_64, riscv64) the clean reached the read; on arm64 it does
    /// not complete it, and the read is flagged.
    /// </summary>
    [TestMethod]
    [DataRow(Arch.X86_64, false)]
    [DataRow(Arch.Riscv64, false)]
    [DataRow(Arch.Arm64, true)]
    [DataRow(Arch.Sc, false)]
    public void MissingCacheClean_CleanRightBeforeXchg_CompletedWhereItsBarrierCompletes(Arch arch, bool flagged)
    {
        var t = new TraceBuilder(arch).Cpu("cpu0", "cpu1").Device("dev", coherent: false)
            .Ram("buf", 0x1000, 0x100).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev");
        long s = t.Store("cpu0", t.At("buf"), 16);
        t.CacheClean("cpu0", t.At("buf"), 16);
        t.Xchg("cpu0", t.At("flag"), 8, 1);
        t.Load("cpu1", t.At("flag"), 8);
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        if (flagged) FindingAssert.Exactly(t.Replay(), $"missing-cache-clean@{r}[store={s}]");
        else FindingAssert.None(t.Replay());
    }

    /// <summary>
    /// unlock orders every earlier store, but cache maintenance still needs a completion barrier (model.md §3):
    /// a clean handed to another cpu through unlock/lock and published by that cpu's writel is flagged unless
    /// a completing barrier sits between the clean and the unlock. The expectations are
    /// the slow reference's (ReferenceRuleTests.MissingCacheClean_CleanThenUnlockHandoff_NeedsCompletion).
    /// </summary>
    [TestMethod]
    [DataRow("barrier", true)]   // compiler only
    [DataRow("dma_wmb", true)]   // dmb: no completion
    [DataRow("wmb", false)]      // dsb st
    public void MissingCacheClean_CleanThenUnlockHandoff_NeedsCompletion(string barrier, bool flagged)
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long s = t.Store("cpu0", t.At("buf"), 16);
        t.CacheClean("cpu0", t.At("buf"), 16);
        t.Barrier("cpu0", barrier);
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (flagged) FindingAssert.Exactly(findings, $"missing-cache-clean@{r}[store={s}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void MissingCacheClean_CoherentDevice_NeverFlagged()
    {
        var t = System(Arch.Arm64);
        t.Store("cpu0", t.At("buf"), 32);
        t.Writel("cpu0", t.At("creg"), 1);
        t.DmaRead("cdev", t.At("buf"), 32);
        FindingAssert.None(t.Replay());
    }

    /// <summary>A flush of 8 bytes cleans their whole 64-byte line (model.md §9) and nothing past it.</summary>
    [TestMethod]
    public void MissingCacheClean_FlushOfPartOfALine_CleansThatWholeLineOnly()
    {
        var t = System(Arch.Arm64);
        t.Store("cpu0", t.At("buf"), 16);
        long dirty = t.Store("cpu0", t.At("buf", 64), 8);      // line 1
        t.CacheFlush("cpu0", t.At("buf"), 8);                  // flush counts as a clean; line 0 whole
        t.Barrier("cpu0", "wmb");
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        t.DmaRead("dev", t.At("buf", 8), 8);                   // outside the range, inside the line: clean
        long r = t.DmaRead("dev", t.At("buf", 60), 8);         // 64..67 are in line 1: dirty
        FindingAssert.Exactly(t.Replay(), $"missing-cache-clean@{r}[store={dirty}]");
    }

    [TestMethod]
    public void MissingCacheClean_StoreAfterClean_DirtyAgain()
    {
        var t = System(Arch.Arm64);
        t.Store("cpu0", t.At("buf"), 8);
        t.CacheClean("cpu0", t.At("buf"), 8);
        long again = t.Store("cpu0", t.At("buf", 2), 2);
        t.Barrier("cpu0", "wmb");
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"missing-cache-clean@{r}[store={again}]");
    }

    [TestMethod]
    public void MissingCacheClean_CleanByOtherCpuThroughLock_OwnCpuMustClean()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        t.CacheClean("cpu1", t.At("buf"), 8);
        t.Barrier("cpu1", "wmb");
        t.MmioWrite("cpu1", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"missing-cache-clean@{r}[store={s}]");
    }

    [TestMethod]
    public void MissingCacheClean_NotHb_OnlyDmaRace()
    {
        var t = System(Arch.Arm64);
        long s = t.Store("cpu0", t.At("buf"), 8);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={s}]");
    }

    // ---- missing-cache-invalidate ----

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.Sc)]
    public void MissingCacheInvalidate_NoInvalidation_FlaggedOnEveryArch(Arch arch)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        long l = t.Load("cpu0", t.At("buf"), 16);
        FindingAssert.Exactly(t.Replay(), $"missing-cache-invalidate@{l}[dma-write={w}]");
    }

    [TestMethod]
    [DataRow("inval", false)]
    [DataRow("flush", false)]
    [DataRow("clean", true)]
    [DataRow("early", true)]   // invalidated before the write was hb-before the cpu
    public void MissingCacheInvalidate_Maintenance_Decides(string op, bool flagged)
    {
        var t = System(Arch.Arm64);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        if (op == "early") t.CacheInval("cpu0", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        if (op == "inval") t.CacheInval("cpu0", t.At("buf"), 16);
        if (op == "flush") t.CacheFlush("cpu0", t.At("buf"), 16);
        if (op == "clean") t.CacheClean("cpu0", t.At("buf"), 16);
        long l = t.Load("cpu0", t.At("buf", 4), 4);
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.MissingCacheInvalidate });
        if (flagged) FindingAssert.Exactly(findings, $"missing-cache-invalidate@{l}[dma-write={w}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void MissingCacheInvalidate_OtherCpuInvalidated_StillFlagged()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.CacheInval("cpu0", t.At("buf"), 16);
        t.Load("cpu0", t.At("buf"), 16);
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        long l = t.Load("cpu1", t.At("buf"), 16);
        FindingAssert.Exactly(t.Replay(), $"missing-cache-invalidate@{l}[dma-write={w}]");
    }

    /// <summary>An invalidation of 8 bytes invalidates their whole line (model.md §9) and nothing past it.</summary>
    [TestMethod]
    public void MissingCacheInvalidate_InvalidationOfPartOfALine_CoversThatWholeLineOnly()
    {
        var t = System(Arch.Arm64);
        long w = t.DmaWrite("dev", t.At("buf", 60), 9);        // bytes 60..68: lines 0 and 1
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.CacheInval("cpu0", t.At("buf"), 8);                  // line 0 whole: 60..63
        t.Load("cpu0", t.At("buf", 56), 8);
        long l = t.Load("cpu0", t.At("buf", 62), 4);           // 64, 65 are in line 1: not invalidated
        FindingAssert.Exactly(t.Replay(), $"missing-cache-invalidate@{l}[dma-write={w}]");
    }

    [TestMethod]
    public void MissingCacheInvalidate_Loop_ExactCount()
    {
        const int n = 3000;
        var t = System(Arch.Arm64);
        for (int i = 0; i < n; i++)
        {
            t.Writel("cpu0", t.At("reg"), (ulong)i);
            t.DmaWrite("dev", t.At("buf"), 16);
            t.RaiseIrq("dev");
            t.TakeIrq("cpu0", "dev");
            if (i % 3 == 0) t.CacheInval("cpu0", t.At("buf"), 16);
            t.Load("cpu0", t.At("buf"), 16);
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.V256, 100);
        Assert.AreEqual(n - n / 3, FindingAssert.Count(findings, FindingKind.MissingCacheInvalidate));
        Assert.AreEqual(n - n / 3, findings.Count);
    }
}
