using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>The hb edges of model.md §2 and the receiver's domain of a release.</summary>
[TestClass]
public sealed class EdgeTests
{
    static TraceBuilder System(Arch arch, string cpus = "cpu0") =>
        TraceBuilder.OneDevice(arch, cpus).Table("ring", 0x10_0000, 8, 32, 16, 8 * 24, "dev"); // present word = bytes 24..31

    /// <summary>The device polls a flag the cpu stored: the release's own order is judged for the outer domain.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", true)]
    [DataRow(Arch.Riscv64, "fence.w.w", true)]
    [DataRow(Arch.Riscv64, "fence.rw.rw", true)]
    [DataRow(Arch.Riscv64, "fence.w.ow", false)]   // names o: reaches devices
    [DataRow(Arch.X86_64, "barrier", false)]
    [DataRow(Arch.Sc, "barrier", false)]
    public void SyncFlagReadByDevice_ReleaseJudgedForOuterDomain(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        t.Barrier("cpu0", barrier);
        long flag = t.Store("cpu0", t.At("flag"), 4, 1);
        t.DmaRead("dev", t.At("flag"), 4);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void Interrupt_SecondTakeWithoutRaise_AcquiresNothing()
    {
        var t = System(Arch.X86_64);
        t.DmaWrite("dev", t.At("buf"), 8);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.Load("cpu0", t.At("buf"), 8);
        long w2 = t.DmaWrite("dev", t.At("buf"), 8);
        t.TakeIrq("cpu0", "dev");                                 // the line was consumed
        long l = t.Load("cpu0", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{w2}[other=3]", $"dma-race@{l}[other={w2}]");
    }

    [TestMethod]
    public void DevInvalidate_DeviceEarlierEventsReachCpuAtOnce()
    {
        var t = System(Arch.Arm64);
        t.DmaWrite("dev", t.At("buf"), 8);
        t.DevInvalidate("cpu0", "dev", "ring", 0);
        t.Load("cpu0", t.At("buf"), 8);
        t.Store("cpu0", t.At("buf"), 8);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void DevInvalidate_CpuEarlierStoresNeedStoreBarrierOnArm64()
    {
        var t = System(Arch.Arm64);
        long s = t.Store("cpu0", t.At("buf"), 8);
        long inv = t.DevInvalidate("cpu0", "dev", "ring", 0);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"stale-dma-read@{r}[store={s},publish={inv}]");
    }

    /// <summary>
    /// A table entry's present word is sync (acquire), the rest is data (checked). Contract v1.1: the load's
    /// own payload bytes are ordered after the release it acquired (before v1.1 this test expected a
    /// stale-cpu-read at the wide load itself); the cpu's later loads still need a read barrier.
    /// </summary>
    [TestMethod]
    public void TableEntry_LoadAcrossPresentWord_OwnPayloadOrderedLaterLoadNeedsBarrier()
    {
        var t = System(Arch.Arm64);
        ulong e = t.Entry("ring", 2);
        long w = t.DmaWrite("dev", e, 32, 0x1234);                // payload and the OWN/present word
        long l = t.Load("cpu0", e, 32);                            // acquires the present word, reads payload: its own
        long later = t.Load("cpu0", e + 8, 8);                     // a later load, no barrier
        t.Barrier("cpu0", "dma_rmb");
        t.Load("cpu0", e, 24);                                     // ordered now
        FindingAssert.Exactly(t.Replay(), $"stale-cpu-read@{later}[dma-write={w},acquire={l}]");
    }

    [TestMethod]
    public void TableEntry_DmaWriteOfPresentWordOnly_NeverRaces()
    {
        var t = System(Arch.Arm64);
        ulong e = t.Entry("ring", 3);
        t.Store("cpu0", e + 24, 8, 1);
        t.DmaWrite("dev", e + 24, 8, 0);
        t.Load("cpu0", e + 24, 8);
        FindingAssert.None(t.Replay(new HashSet<FindingKind> { FindingKind.DmaRace, FindingKind.StaleCpuRead }));
    }

    [TestMethod]
    [DataRow(Arch.Sc)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void LockHandoff_ThreeCpus_TransitiveHb(Arch arch)
    {
        var t = System(arch, "cpu0,cpu1,cpu2");
        t.Lock("cpu0", "A");
        t.Store("cpu0", t.At("buf"), 8);
        t.Unlock("cpu0", "A");
        t.Lock("cpu1", "A");
        t.Unlock("cpu1", "B");
        t.Lock("cpu2", "B");
        t.Writel("cpu2", t.At("reg"), 1);
        t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void NoSync_ThreeCpus_RaceNamesMostRecentRacingAccess()
    {
        var t = System(Arch.X86_64, "cpu0,cpu1");
        t.Store("cpu0", t.At("buf"), 8);
        long mine = t.Store("cpu1", t.At("buf"), 8);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={mine}]");
    }

    /// <summary>
    /// model.md §3 writer side read literally (§7.13): one store writing payload and the present word is its
    /// own first hop (nothing needs a barrier before itself), so the device that observed its present word
    /// reads its payload ordered, on arm64 as on x86. (Until the reconcile, the engine reported arm64 stale.)
    /// </summary>
    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    public void TableEntry_OneStoreOfPayloadAndPresent_OrdersItsOwnPayload(Arch arch)
    {
        var t = System(arch);
        ulong e = t.Entry("ring", 4);
        t.Store("cpu0", e, 32, 0x1);
        t.DmaRead("dev", e + 24, 8);                               // polls the OWN word
        t.DmaRead("dev", e, 24);
        FindingAssert.None(t.Replay());
    }

    /// <summary>
    /// The other side of that reading: a payload store BEFORE the present store is not ordered by it on arm64
    /// (no barrier), so once the device has seen present its payload read is stale, published by the present store.
    /// </summary>
    [TestMethod]
    public void TableEntry_PayloadStoreBeforeOwnStore_StaleOnArm64()
    {
        var t = System(Arch.Arm64);
        ulong e = t.Entry("ring", 4);
        long payload = t.Store("cpu0", e, 8, 0x5);
        long own = t.Store("cpu0", e + 24, 8, 0x1);
        t.DmaRead("dev", e + 24, 8);
        long r = t.DmaRead("dev", e, 8);
        FindingAssert.Exactly(t.Replay(),
            $"present-before-payload@{own}[payload={payload}]", $"stale-dma-read@{r}[store={payload},publish={own}]");
    }

    /// <summary>
    /// A clear that is itself the release is its own first hop (model.md §3: nothing needs ordering before
    /// itself): the fetcher read the cleared present word and handed over to cpu1 by an interrupt, so the
    /// clear is ob-before cpu1's invalidation even on arm64 without a barrier. Handed over instead through a
    /// flag stored after the clear (no barrier between them), the clear is not ordered before it.
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ClearHandedToOtherCpu_OrderedOnlyWhenTheClearItselfIsRead(bool clearRead)
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        ulong e = t.Entry("ring", 1);
        t.Store("cpu0", e + 24, 8, 0x1);
        long clear = t.Store("cpu0", e + 24, 8, 0x0);
        if (clearRead) t.Fetch("dev", "ring", 1, 1);
        else
        {
            t.Store("cpu0", t.At("flag"), 4, 1);
            t.DmaRead("dev", t.At("flag"), 4);
        }
        t.RaiseIrq("dev");
        t.TakeIrq("cpu1", "dev");
        t.DevInvalidate("cpu1", "dev", "ring", 1);
        long m = t.Store("cpu1", e, 8, 0x5);
        if (clearRead) FindingAssert.None(t.Replay());
        else FindingAssert.Exactly(t.Replay(), $"missing-flush-after-clear@{m}[clear={clear}]");
    }

    /// <summary>model.md §7.15: dev_invalidate hands the device's past to the cpu's later events, at once (no read barrier).</summary>
    [TestMethod]
    public void DevInvalidate_DevicePastReachesLaterLoad_NoRace()
    {
        var t = System(Arch.X86_64);
        t.DmaWrite("dev", t.At("buf"), 8);
        t.DevInvalidateAll("cpu0", "dev");
        t.Load("cpu0", t.At("buf"), 8);
        FindingAssert.None(t.Replay());
    }

    /// <summary>
    /// model.md §2.6 "unlock L → the next lock L": cpu1's own relock is that next lock, so cpu0's later lock
    /// (without an unlock in between) acquires nothing and cpu1's store races with the device read.
    /// (The engine used to hand the last unlock to every later lock.)
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Lock_OnlyTheNextLockAcquiresAnUnlock(bool relockedFirst)
    {
        var t = System(Arch.X86_64, "cpu0,cpu1");
        long s = t.Store("cpu1", t.At("buf"), 8);
        t.Unlock("cpu1", "L");
        if (relockedFirst) t.Lock("cpu1", "L");
        t.Lock("cpu0", "L");
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        if (relockedFirst) FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={s}]");
        else FindingAssert.None(t.Replay());
    }
}
