using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class StaleDmaReadTests
{
    static TraceBuilder System(Arch arch, string cpus = "cpu0") => TraceBuilder.OneDevice(arch, cpus);

    /// <summary>store; BARRIER; doorbell (raw mmio_write); dma_read. Whether the barrier orders w→o for a device.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]       // dmb ishst: inner only
    [DataRow(Arch.Arm64, "dmb.ishst", true)]
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.Arm64, "wmb", false)]
    [DataRow(Arch.Arm64, "dmb.st", false)]
    [DataRow(Arch.Arm64, "dsb.oshst", false)]
    [DataRow(Arch.Arm64, "dma_rmb", true)]       // loads only
    [DataRow(Arch.X86_64, "barrier", false)]     // TSO keeps w→o
    [DataRow(Arch.Riscv64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", true)]     // fence w,w does not order a store before an MMIO write
    [DataRow(Arch.Riscv64, "fence.rw.rw", true)]
    [DataRow(Arch.Riscv64, "fence.w.o", false)]
    [DataRow(Arch.Riscv64, "dma_wmb", false)]    // fence ow,ow
    [DataRow(Arch.Sc, "barrier", false)]
    public void StaleDmaRead_BarrierBeforeDoorbell_FlaggedPerArch(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        t.Barrier("cpu0", barrier);
        long publish = t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={publish}]");
        else FindingAssert.None(findings);
    }

    /// <summary>
    /// A DMA read over two shadow pages: the first page's store is ordered by dma_wmb, the second page's store
    /// comes after it and before a raw doorbell. The page bounds that let the walk be skipped must be asked of
    /// every page the read covers (a bound asked of the first page alone says every store was reached).
    /// </summary>
    [TestMethod]
    public void StaleDmaRead_UnorderedStoreOnTheSecondPage_Flagged()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev")
            .Ram("buf", 0x1000, 0x2000).Sync("flag", 0x8000, 0x10).Mmio("reg", 0xf000, 0x10, "dev");
        t.Store("cpu0", 0x1ff8, 8);
        t.Barrier("cpu0", "dma_wmb");
        long second = t.Store("cpu0", 0x2000, 8);
        long publish = t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", 0x1ff8, 16);
        FindingAssert.Exactly(t.Replay(), $"stale-dma-read@{r}[store={second},publish={publish}]");
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.Sc)]
    public void StaleDmaRead_Writel_NonePerArch(Arch arch)
    {
        var t = System(arch);
        t.Store("cpu0", t.At("buf"), 16);
        t.Writel("cpu0", t.At("reg"), 1);
        t.DmaRead("dev", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    /// <summary>Multi-hop: cpu0 publishes through a sync flag to cpu1 (observer inner), cpu1 rings the device.</summary>
    [TestMethod]
    [DataRow("smp_wmb", false)]
    [DataRow("barrier", true)]
    public void StaleDmaRead_FlagHandoffThenDoorbell_FirstHopDecides(string barrier, bool stale)
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.Barrier("cpu0", barrier);
        long flag = t.Store("cpu0", t.At("flag"), 4, 1);
        t.Load("cpu1", t.At("flag"), 4);
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void StaleDmaRead_LockHandoffThenDoorbell_UnlockOrdersEverything()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        t.Lock("cpu0", "L");
        t.Store("cpu0", t.At("buf"), 8);
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        t.Writel("cpu1", t.At("reg"), 1);
        t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.None(t.Replay());
    }

    /// <summary>publish names the release on the path to R: the doorbell, not an earlier unrelated unlock.</summary>
    [TestMethod]
    public void StaleDmaRead_UnlockBeforeRawDoorbell_PublishIsDoorbell()
    {
        var t = System(Arch.Arm64);
        t.Unlock("cpu0", "L");
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.Unlock("cpu0", "M");                                   // orders S for whoever locks M: nobody here
        long doorbell = t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"stale-dma-read@{r}[store={s},publish={doorbell}]");
    }

    /// <summary>model.md §7.12: a flag store that nobody reads is no publish; the doorbell after it is.</summary>
    [TestMethod]
    public void StaleDmaRead_UnreadFlagBeforeDoorbell_PublishIsDoorbell()
    {
        var t = System(Arch.Arm64);
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.Store("cpu0", t.At("flag"), 4, 1);                     // a release nobody acquires
        long doorbell = t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"stale-dma-read@{r}[store={s},publish={doorbell}]");
    }

    /// <summary>publish is the first release with a path to R, even through another cpu, before a later direct doorbell.</summary>
    [TestMethod]
    public void StaleDmaRead_FlagReadByCpuThatRings_PublishIsTheFlag()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long s = t.Store("cpu0", t.At("buf"), 8);
        long flag = t.Store("cpu0", t.At("flag"), 4, 1);
        t.Load("cpu1", t.At("flag"), 4);
        t.MmioWrite("cpu1", t.At("reg"), 4, 1);
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"stale-dma-read@{r}[store={s},publish={flag}]");
    }

    [TestMethod]
    public void StaleDmaRead_NoHandoff_DmaRaceOnly()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={s}]");
    }

    /// <summary>Byte precision: only bytes whose last writer is the unordered store count.</summary>
    [TestMethod]
    [DataRow(0, 4, false)]   // reads only bytes rewritten after the barrier? no: bytes 0..3 come from the ordered store
    [DataRow(4, 4, true)]    // bytes 4..7: the unordered store
    [DataRow(2, 4, true)]    // partly overlapping: bytes 4,5 are stale
    [DataRow(8, 8, false)]   // untouched bytes
    public void StaleDmaRead_PartialOverlap_BytePrecise(int offset, int size, bool stale)
    {
        var t = System(Arch.Arm64);
        t.Store("cpu0", t.At("buf"), 4);
        t.Barrier("cpu0", "dma_wmb");
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long late = t.Store("cpu0", t.At("buf", 4), 4);     // after the first doorbell: needs its own
        long publish = t.MmioWrite("cpu0", t.At("reg"), 4, 2);
        long r = t.DmaRead("dev", t.At("buf", (ulong)offset), size);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={late},publish={publish}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void StaleDmaRead_UnalignedStoreHiddenByLaterOrderedStore_None()
    {
        var t = System(Arch.Arm64);
        t.Store("cpu0", t.At("buf", 3), 5);                  // bytes 3..7, never ordered
        t.Store("cpu0", t.At("buf", 3), 5);                  // same bytes again, ordered below
        t.Barrier("cpu0", "dma_wmb");
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        t.DmaRead("dev", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    [DataRow(5000, true)]
    [DataRow(3000, false)]
    public void StaleDmaRead_LoopOfMailboxes_ExactCount(int n, bool buggy)
    {
        var t = System(Arch.Arm64);
        for (int i = 0; i < n; i++)
        {
            t.Store("cpu0", t.At("buf", (ulong)(i % 8) * 16), 16);
            if (!buggy) t.Barrier("cpu0", "dma_wmb");
            t.MmioWrite("cpu0", t.At("reg"), 4, (ulong)i);
            if (buggy) t.Barrier("cpu0", "dma_wmb");
            t.DmaRead("dev", t.At("buf", (ulong)(i % 8) * 16), 16);
            t.RaiseIrq("dev");                                // completion: the buffer may be reused
            t.TakeIrq("cpu0", "dev");
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.V256, 1000);
        Assert.AreEqual(buggy ? n : 0, FindingAssert.Count(findings, FindingKind.StaleDmaRead));
        Assert.AreEqual(findings.Count, FindingAssert.Count(findings, FindingKind.StaleDmaRead));
    }
}
