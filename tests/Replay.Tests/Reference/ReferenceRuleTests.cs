using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>Hand-built cases for each rule of model.md, with the findings worked out by hand from the text.</summary>
[TestClass]
public sealed class ReferenceRuleTests
{
    const ulong Buf = 0x1000, Flag = 0x2000, Reg = 0xf000, Tbl = 0x10_0000;

    static string Run(TraceBuilder b) => string.Join(" ", ReferenceModel.Run(b.Build()));

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Dev, RegionInfo Table);

    static Sys System(Arch arch, bool coherent = true)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("dev", coherent);
        b.Ram("buf", Buf, 0x40);
        b.Sync("flag", Flag, 0x10);
        b.Mmio("reg", Reg, 0x10, dev);
        var t = b.Table("tbl", Tbl, 4, 16, 8, 0, dev);
        return new(b, cpu0, cpu1, dev, t);
    }

    // ---- stale-dma-read: writer side per arch and barrier ----

    [TestMethod]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]   // inner: never orders for a device on arm64
    [DataRow(Arch.Arm64, "dmb.ishst", true)]
    [DataRow(Arch.Arm64, "smp_mb", true)]
    [DataRow(Arch.Arm64, "dma_rmb", true)]   // pred r,i: not a store
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.Arm64, "wmb", false)]
    [DataRow(Arch.Arm64, "dmb.st", false)]
    [DataRow(Arch.Arm64, "dsb.oshst", false)]
    [DataRow(Arch.Arm64, "dsb.ld", true)]
    [DataRow(Arch.X86_64, "barrier", false)] // TSO keeps w→o
    [DataRow(Arch.Riscv64, "smp_wmb", true)] // fence w,w: inner, no o in succ
    [DataRow(Arch.Riscv64, "smp_mb", true)]
    [DataRow(Arch.Riscv64, "fence.w.o", false)]
    [DataRow(Arch.Riscv64, "dma_wmb", false)]
    [DataRow(Arch.Riscv64, "fence.rw.rw", true)]
    [DataRow(Arch.Sc, "barrier", false)]
    public void StaleDmaRead_StoreBarrierDoorbell_FlaggedWhenBarrierDoesNotOrderWToO(Arch arch, string barrier, bool stale)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.Barrier(s.Cpu0, barrier);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(stale ? "stale-dma-read@3[store=0,publish=2]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Arm64, "smp_wmb", false)] // first hop is to a cpu: inner suffices
    [DataRow(Arch.X86_64, "barrier", false)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    public void StaleDmaRead_FlagHandoffThroughSecondCpu_WriterRuleUsesTheFirstReceiver(Arch arch, string barrier, bool stale)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.Barrier(s.Cpu0, barrier);
        s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.Load(s.Cpu1, Flag, 4);
        s.B.Writel(s.Cpu1, Reg, 1); // #4 dma_wmb, #5 mmio_write
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(stale ? "stale-dma-read@6[store=0,publish=2]" : "", Run(s.B));
    }

    [TestMethod]
    public void StaleDmaRead_UnlockThenLockThenDoorbell_UnlockOrdersEarlierStores()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.UnlockOp(s.Cpu0, "L");
        s.B.LockOp(s.Cpu1, "L");
        s.B.MmioWrite(s.Cpu1, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void StaleDmaRead_DevInvalidateIsClassO_StoreBeforeItNeedsStoreBarrierOnArm64()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.DevInvalidateAll(s.Cpu0, s.Dev);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual("stale-dma-read@2[store=0,publish=1]", Run(s.B));
    }

    // ---- stale-cpu-read: reader side ----

    [TestMethod]
    [DataRow(Arch.Arm64, null, true)]
    [DataRow(Arch.Arm64, "smp_rmb", true)]   // inner: does not reach the device releaser
    [DataRow(Arch.Arm64, "dma_rmb", false)]
    [DataRow(Arch.Arm64, "rmb", false)]
    [DataRow(Arch.Arm64, "dma_wmb", true)]
    [DataRow(Arch.X86_64, null, false)]      // x86 keeps r→r
    [DataRow(Arch.Riscv64, "smp_rmb", true)]
    [DataRow(Arch.Riscv64, "dma_rmb", false)]
    [DataRow(Arch.Riscv64, "fence.r.r", true)]
    [DataRow(Arch.Riscv64, "fence.ir.r", false)]
    public void StaleCpuRead_DeviceCompletionFlag_NeedsReadBarrierReachingTheDevice(Arch arch, string? barrier, bool stale)
    {
        var s = System(arch);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.DmaWrite(s.Dev, Flag, 4, 1);
        s.B.Load(s.Cpu0, Flag, 4);
        if (barrier is not null) s.B.Barrier(s.Cpu0, barrier);
        int l = s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(stale ? $"stale-cpu-read@{l}[dma-write=0,acquire=2]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(true, "")]
    [DataRow(false, "stale-cpu-read@3[dma-write=0,acquire=1]")]
    public void StaleCpuRead_StatusRegisterRead_ReadlOrdersRawReadDoesNot(bool readl, string expected)
    {
        var s = System(Arch.Arm64);
        s.B.DmaWrite(s.Dev, Buf, 16);
        if (readl) s.B.Readl(s.Cpu0, Reg);
        else { s.B.MmioRead(s.Cpu0, Reg, 4); s.B.Barrier(s.Cpu0, "smp_rmb"); }
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    public void StaleCpuRead_InterruptThenLoad_TakeIrqAcquiresAtOnce()
    {
        var s = System(Arch.Arm64);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void StaleCpuRead_AcquireForwardedByRelease_SecondCpuLoadsInOrder()
    {
        // cpu0 acquires plainly and forwards at once through a flag store; cpu1 acquires plainly too:
        // cpu1's own load needs the read barrier, cpu0's does not matter.
        var s = System(Arch.Arm64);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.DmaWrite(s.Dev, Flag, 4, 1);
        s.B.Load(s.Cpu0, Flag, 4);
        s.B.Store(s.Cpu0, Flag + 8, 4, 1);
        s.B.Load(s.Cpu1, Flag + 8, 4);
        s.B.Barrier(s.Cpu1, "smp_rmb"); // releaser is cpu0: inner is enough
        s.B.Load(s.Cpu1, Buf, 16);
        Assert.AreEqual("", Run(s.B));
    }

    // ---- dma-race ----

    [TestMethod]
    public void DmaRace_BufferReusedWhileDeviceReads_FlaggedWithMostRecentRacingAccess()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);       // #2 ordered after #0 by the doorbell
        s.B.Store(s.Cpu0, Buf + 8, 8);     // #3 races with #2
        Assert.AreEqual("dma-race@3[other=2]", Run(s.B));
    }

    [TestMethod]
    public void DmaRace_SyncBytesAndFetches_NeverRace()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.DmaWrite(s.Dev, Flag, 4, 2);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 5);
        s.B.Fetch(s.Dev, s.Table, 0, 1);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void DmaRace_TwoReads_NotAConflict()
    {
        var s = System(Arch.Arm64);
        s.B.Load(s.Cpu0, Buf, 8);
        s.B.DmaRead(s.Dev, Buf, 8);
        Assert.AreEqual("", Run(s.B));
    }

    // ---- cache maintenance ----

    [TestMethod]
    [DataRow(Arch.Arm64, null, null, "missing-cache-clean@3[store=0]")]
    [DataRow(Arch.Arm64, "cache_clean", "dma_wmb", "missing-cache-clean@5[store=0]")] // dmb: no completion
    [DataRow(Arch.Arm64, "cache_clean", "wmb", "")]
    [DataRow(Arch.Arm64, "cache_flush", "dsb.st", "")]
    [DataRow(Arch.Arm64, "cache_inval", "wmb", "missing-cache-clean@5[store=0]")]
    [DataRow(Arch.X86_64, "cache_flush", "barrier", "missing-cache-clean@5[store=0]")]
    [DataRow(Arch.X86_64, "cache_flush", "sfence", "")]
    [DataRow(Arch.Riscv64, "cache_clean", "fence.w.w", "")] // writel's dma_wmb (fence ow,ow) completes the clean
    [DataRow(Arch.Riscv64, "cache_clean", "fence.r.r", "")]
    [DataRow(Arch.Riscv64, "cache_clean", "fence.w.o", "")]
    [DataRow(Arch.Sc, "cache_clean", "barrier", "")]
    public void MissingCacheClean_NoncoherentDevice_CleanMustCompleteBeforeTheDoorbell(Arch arch, string? op, string? barrier, string expected)
    {
        var s = System(arch, coherent: false);
        s.B.Store(s.Cpu0, Buf, 16);
        if (op is not null)
        {
            _ = op switch
            {
                "cache_clean" => s.B.CacheClean(s.Cpu0, Buf, 64),
                "cache_flush" => s.B.CacheFlush(s.Cpu0, Buf, 64),
                _ => s.B.CacheInval(s.Cpu0, Buf, 64),
            };
        }
        s.B.Barrier(s.Cpu0, barrier ?? "dma_wmb");
        if (op is null) s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        else s.B.Writel(s.Cpu0, Reg, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    /// <summary>§3: unlock orders every earlier event of its cpu, except that cache maintenance still needs a completion barrier.</summary>
    [TestMethod]
    [DataRow("barrier", "missing-cache-clean@7[store=0]")] // compiler only
    [DataRow("dma_wmb", "missing-cache-clean@7[store=0]")] // dmb: no completion
    [DataRow("wmb", "")]                                    // dsb st completes the clean
    public void MissingCacheClean_CleanThenUnlockHandoff_NeedsCompletion(string barrier, string expected)
    {
        var s = System(Arch.Arm64, coherent: false);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.CacheClean(s.Cpu0, Buf, 16);
        s.B.Barrier(s.Cpu0, barrier);
        s.B.UnlockOp(s.Cpu0, "L");
        s.B.LockOp(s.Cpu1, "L");
        s.B.Writel(s.Cpu1, Reg, 1);
        Assert.AreEqual(7, s.B.DmaRead(s.Dev, Buf, 16));
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow("fence.w.w", "stale-dma-read@4[store=0,publish=3] missing-cache-clean@4[store=0]")] // inner: reaches no device
    [DataRow("fence.w.o", "")]
    [DataRow("fence.r.o", "stale-dma-read@4[store=0,publish=3] missing-cache-clean@4[store=0]")] // pred without w: no c
    public void MissingCacheClean_RiscvRawDoorbell_FenceMustHoldWAndReachTheDevice(string fence, string expected)
    {
        var s = System(Arch.Riscv64, coherent: false);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.CacheClean(s.Cpu0, Buf, 16);
        s.B.Barrier(s.Cpu0, fence);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow(null, "missing-cache-invalidate@3[dma-write=0]")]
    [DataRow("cache_inval", "")]
    [DataRow("cache_flush", "")]
    [DataRow("cache_clean", "missing-cache-invalidate@4[dma-write=0]")]
    public void MissingCacheInvalidate_LoadAfterNoncoherentDma_NeedsInvalidateAfterTheCompletion(string? op, string expected)
    {
        var s = System(Arch.Arm64, coherent: false);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        if (op == "cache_inval") s.B.CacheInval(s.Cpu0, Buf, 16);
        if (op == "cache_flush") s.B.CacheFlush(s.Cpu0, Buf, 16);
        if (op == "cache_clean") s.B.CacheClean(s.Cpu0, Buf, 16);
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    public void MissingCacheInvalidate_InvalidateBeforeTheCompletion_DoesNotCount()
    {
        var s = System(Arch.Arm64, coherent: false);
        s.B.CacheInval(s.Cpu0, Buf, 16);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual("missing-cache-invalidate@4[dma-write=1]", Run(s.B));
    }

    // ---- entry rules ----

    [TestMethod]
    public void TornEntryUpdate_TwoStoresToLiveEntry_WarningOnSecondOnePerBurst()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);        // sets present: not part of a burst
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0xa);  // burst starts
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0xa);  // value-neutral: nothing
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0xb);  // second: warning
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0xc);  // third: same burst, no second warning
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0xd);  // new burst
        s.B.DmaWrite(s.Dev, Tbl + 8, 8, 0xe); // device writes neither join nor end it
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0xf);  // second of the new burst
        // the unsynchronized device write also races with the stores around it
        Assert.AreEqual("torn-entry-update@3[earlier-store=1] dma-race@7[other=6] dma-race@8[other=7] torn-entry-update@8[earlier-store=6]", Run(s.B));
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidationNotOrderedAfterClearOnArm64_Flagged()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);                // #1 clear
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);   // w→o without a barrier: not ordered
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);         // #3
        Assert.AreEqual("missing-flush-after-clear@3[clear=1]", Run(s.B));
    }

    [TestMethod]
    public void MissingFlushAfterClear_BarrierBeforeInvalidation_NoFinding()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);
        s.B.Barrier(s.Cpu0, "dma_wmb");
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);
        s.B.Barrier(s.Cpu0, "dma_wmb");
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidationOfOtherEntry_DoesNotCount()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl + 16, 16);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);
        Assert.AreEqual("missing-flush-after-clear@3[clear=1]", Run(s.B));
    }

    [TestMethod]
    public void PresentBeforePayload_PayloadByOtherCpuWithoutHb_Flagged()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x77);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("present-before-payload@1[payload=0]", Run(s.B));
    }

    [TestMethod]
    public void PresentBeforePayload_PayloadHandedOverByLock_NoFinding()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x77);
        s.B.UnlockOp(s.Cpu1, "L");
        s.B.LockOp(s.Cpu0, "L");
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void TornEntryFetch_FetchThatSawNotPresent_NotFlagged()
    {
        var s = System(Arch.X86_64);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x5);
        s.B.Fetch(s.Dev, s.Table, 0, 1);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    public void TornEntryFetch_GranuleNotAboveStartsNewFetch_NotTorn()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Fetch(s.Dev, s.Table, 0, 1);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x5);  // burst of one
        s.B.Fetch(s.Dev, s.Table, 0, 0);     // a new fetch (granule not above)
        s.B.Fetch(s.Dev, s.Table, 0, 1);     // same new fetch; store #2 came before its first read
        Assert.AreEqual("", Run(s.B));
    }
}
