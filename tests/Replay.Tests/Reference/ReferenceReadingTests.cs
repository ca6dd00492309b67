using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The readings the reference chose where model.md leaves room (docs/model.md §7, and the ambiguity list of
/// the reference's report), each pinned by the smallest trace that shows it.
/// </summary>
[TestClass]
public sealed class ReferenceReadingTests
{
    const ulong Buf = 0x1000, Flag = 0x2000, Reg = 0xf000, Tbl = 0x10_0000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Dev, RegionInfo Table);

    static Sys System(Arch arch)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("dev");
        b.Ram("buf", Buf, 0x40);
        b.Sync("flag", Flag, 0x10);
        b.Mmio("reg", Reg, 0x10, dev);
        var t = b.Table("tbl", Tbl, 4, 16, 16, 0, dev);
        return new(b, cpu0, cpu1, dev, t);
    }

    static string Run(Sys s) => string.Join(" ", ReferenceModel.Run(s.B.Build()));

    [TestMethod]
    public void Publish_SyncStoreNobodyReads_IsNotThePublishTheDoorbellIs()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Buf, 8);
        s.B.Store(s.Cpu0, Flag, 4, 1);   // a release nobody acquires: no edge leaves the cpu
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 8);
        Assert.AreEqual("stale-dma-read@3[store=0,publish=2]", Run(s));
    }

    [TestMethod]
    public void SelfAcquire_CpuLoadOfWholeEntry_ItsOwnDataIsOrdered()
    {
        var s = System(Arch.Arm64);
        s.B.DmaWriteBytes(s.Dev, Tbl, [1, 0, 0, 0, 0, 0, 0, 0, 0x55, 0, 0, 0, 0, 0, 0, 0]);
        s.B.Load(s.Cpu0, Tbl, 16);       // acquires through its own present word
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    public void SelfAcquire_DeviceReadOfWholeEntry_HbThroughItsOwnPresentWord()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.DmaRead(s.Dev, Tbl, 16);     // reads present (rf from #1) and the payload of #0
        Assert.AreEqual("present-before-payload@1[payload=0] stale-dma-read@2[store=0,publish=1]", Run(s));
    }

    [TestMethod]
    public void PresentBeforePayload_OtherCpuHbButNotOb_Flagged()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);
        s.B.Store(s.Cpu1, Flag, 4, 1);   // no smp_wmb: the payload is hb-before #3 but not ob-before it
        s.B.Load(s.Cpu0, Flag, 4);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("present-before-payload@3[payload=0]", Run(s));
    }

    [TestMethod]
    public void PresentBeforePayload_OtherCpuWithSmpWmb_Ordered()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);
        s.B.Barrier(s.Cpu1, "smp_wmb");  // first hop reaches a cpu: inner is enough
        s.B.Store(s.Cpu1, Flag, 4, 1);
        s.B.Load(s.Cpu0, Flag, 4);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    public void MissingFlush_ClearReachesOtherCpuOnlyAfterItsInvalidation_Flagged()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);            // #1 clear: a release the fetcher reads
        s.B.Fetch(s.Dev, s.Table, 0, 0);         // #2 rf from #1
        s.B.DevInvalidateAll(s.Cpu1, s.Dev);     // #3 D's past reaches cpu1's LATER events, not #3 itself
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);     // #4: the clear is hb-before #4 but not ob-before #3
        Assert.AreEqual("missing-flush-after-clear@4[clear=1]", Run(s));
    }

    [TestMethod]
    public void DevInvalidate_DevicePastReachesTheCpusNextEvent_LoadOrderedAtOnce()
    {
        var s = System(Arch.Arm64);
        s.B.DmaWrite(s.Dev, Buf, 8);
        s.B.DevInvalidateAll(s.Cpu0, s.Dev);
        s.B.Load(s.Cpu0, Buf, 8);                // hb through the wait, no read barrier needed
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    public void DmaRace_OverwrittenUnorderedStore_StillRacesWithTheDeviceRead()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu1, Buf, 8);               // #0 never ordered before the device
        s.B.Store(s.Cpu0, Buf, 8);               // #1 overwrites it, ordered by the doorbell
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 8);
        Assert.AreEqual("dma-race@3[other=0]", Run(s));
    }

    [TestMethod]
    public void DmaRace_Other_IsTheMostRecentRacingAccessNotTheFirstBytes()
    {
        var s = System(Arch.X86_64);
        s.B.DmaRead(s.Dev, Buf, 8);              // #0 covers the first byte of #2
        s.B.DmaRead(s.Dev, Buf + 4, 8);          // #1 more recent, covers later bytes
        s.B.Store(s.Cpu0, Buf, 16);
        Assert.AreEqual("dma-race@2[other=1]", Run(s));
    }

    [TestMethod]
    public void TornEntryFetch_Store_IsTheLatestTearingStore()
    {
        var b = new TraceBuilder(Arch.X86_64);
        var cpu0 = b.Cpu("cpu0");
        var dev = b.Device("dev");
        var t = b.Table("tbl", Tbl, 1, 32, 16, 0, dev);
        b.Store(cpu0, Tbl, 8, 1);
        b.Fetch(dev, t, 0, 0);                   // #1 sees present
        b.Store(cpu0, Tbl + 16, 8, 0xa);         // #2 tears granule 1 (and starts a burst)
        b.Store(cpu0, Tbl + 24, 8, 0xb);         // #3 tears granule 1 again (burst: warning)
        b.Fetch(dev, t, 0, 1);                   // #4
        // Neither in-place store is ever invalidated: both are live-entry-write too (model.md §8).
        Assert.AreEqual("live-entry-write@2[fetch=1] torn-entry-update@3[earlier-store=2] live-entry-write@3[fetch=1] torn-entry-fetch@4[first-granule=1,store=3]",
            string.Join(" ", ReferenceModel.Run(b.Build())));
    }

    /// <summary>Contract v1.1 "Who clears": device writes neither open nor close a window (before v1.1 #2 closed it).</summary>
    [TestMethod]
    public void MissingFlush_DeviceWriteSettingPresent_DoesNotCloseWindow()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);            // #1 clear
        s.B.DmaWrite(s.Dev, Tbl, 8, 1);          // #2 device sets present again: the window stays open
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);     // #5 judged for clear #1: no invalidation
        Assert.AreEqual("missing-flush-after-clear@5[clear=1]", Run(s));
    }

    // ---- the other readings, one switch at a time ----

    static string Run(Sys s, ReferenceReadings r) => string.Join(" ", ReferenceModel.Run(s.B.Build(), r));

    [TestMethod]
    public void SelfAcquireOff_DeviceReadOfWholeEntry_RacesInsteadOfStale()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x55);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.DmaRead(s.Dev, Tbl, 16);
        Assert.AreEqual("present-before-payload@1[payload=0] dma-race@2[other=0]", Run(s, new ReferenceReadings(SelfAcquire: false)));
    }

    [TestMethod]
    public void RacePairsWithLastAccessOnly_OverwrittenUnorderedStore_NoRace()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu1, Buf, 8);
        s.B.Store(s.Cpu0, Buf, 8);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 8);
        Assert.AreEqual("", Run(s, new ReferenceReadings(RacePairsWithLastAccessOnly: true)));
    }

    [TestMethod]
    public void RaceOtherOfFirstByte_TwoRacingReads_NamesTheFirstBytesAccess()
    {
        var s = System(Arch.X86_64);
        s.B.DmaRead(s.Dev, Buf, 8);
        s.B.DmaRead(s.Dev, Buf + 4, 8);
        s.B.Store(s.Cpu0, Buf, 16);
        Assert.AreEqual("dma-race@2[other=0]", Run(s, new ReferenceReadings(RaceOtherOfFirstByte: true)));
    }

    [TestMethod]
    public void EntryCrossCpuByHb_PayloadHandedOverWithoutBarrier_NoFinding()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);
        s.B.Store(s.Cpu1, Flag, 4, 1);
        s.B.Load(s.Cpu0, Flag, 4);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("", Run(s, new ReferenceReadings(EntryCrossCpuByHb: true)));
    }

    [TestMethod]
    public void InvalidationAcquiresItself_ClearSeenByTheFetcherBeforeOtherCpusInvalidation_NoFinding()
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Store(s.Cpu0, Tbl, 8, 0);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        s.B.DevInvalidateAll(s.Cpu1, s.Dev);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);
        Assert.AreEqual("", Run(s, new ReferenceReadings(InvalidationAcquiresItself: true)));
    }

    [TestMethod]
    public void HbBetweenEvents_DeviceWithoutEventsCarriesNothing_PayloadNotOrdered()
    {
        var s = System(Arch.Sc);
        s.B.Store(s.Cpu1, Tbl + 8, 8, 0x55);
        s.B.MmioWrite(s.Cpu1, Reg, 4, 1);        // rings dev, which records nothing afterwards
        s.B.DevInvalidateAll(s.Cpu0, s.Dev);     // waits for dev's (empty) past
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        Assert.AreEqual("present-before-payload@3[payload=0]", Run(s));
    }
}
