using TraceTools.Replay.Census;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>The engine's per-region reading of the device page census (<see cref="RamCensus"/>) and the census kinds.</summary>
[TestClass]
public sealed class RamCensusTests
{
    const ulong Top = 0xffff_ffff_ffff_e000;

    static readonly RegionInfo[] Regions =
    [
        new() { Name = "priv", Kind = RegionKind.Ram, Base = 0x1000_0000, Size = 0x4000 },       // no page in the census
        new() { Name = "ring", Kind = RegionKind.Ram, Base = 0x2000_0000, Size = 0x2000 },       // both pages in it
        new() { Name = "bufs", Kind = RegionKind.Ram, Base = 0x3000_0000, Size = 0x3000 },       // its middle page only
        new() { Name = "flag", Kind = RegionKind.Sync, Base = 0x4000_0000, Size = 0x1000 },      // never skipped
        new() { Name = "high", Kind = RegionKind.Ram, Base = Top, Size = 0x1fff },               // the last page in it
    ];

    static RamCensus Census()
    {
        var pages = new DevicePagesBuilder();
        pages.Add(0x2000_0ff8, 16);          // straddles both pages of ring
        pages.Add(0x3000_1800, 4);
        pages.Add(ulong.MaxValue - 3, 4);    // the top page: no wrap
        return new RamCensus(Regions, pages.Build()!);
    }

    [TestMethod]
    public void CpuOnly_RegionWithoutCensusPages_Skipped()
    {
        Assert.IsTrue(Census().CpuOnly(0, 0x1000_0000, 8));
        Assert.IsTrue(Census().CpuOnly(0, 0x1000_3ff8, 8));
    }

    [TestMethod]
    public void CpuOnly_RegionWhollyInCensus_Judged()
    {
        Assert.IsFalse(Census().CpuOnly(1, 0x2000_0000, 8));
        Assert.IsFalse(Census().CpuOnly(1, 0x2000_1ff8, 8));
    }

    [TestMethod]
    public void CpuOnly_RegionPartlyInCensus_ByPage()
    {
        var census = Census();
        Assert.IsTrue(census.CpuOnly(2, 0x3000_0000, 8), "first page: no device");
        Assert.IsFalse(census.CpuOnly(2, 0x3000_1000, 8), "middle page");
        Assert.IsFalse(census.CpuOnly(2, 0x3000_0ffc, 8), "an access reaching into the middle page");
        Assert.IsTrue(census.CpuOnly(2, 0x3000_2000, 8), "last page");
    }

    [TestMethod]
    public void CpuOnly_SyncRegion_NeverSkipped() => Assert.IsFalse(Census().CpuOnly(3, 0x4000_0000, 8));

    [TestMethod]
    public void CpuOnly_TopOfAddressSpace_NoWrap()
    {
        var census = Census();
        Assert.IsTrue(census.CpuOnly(4, Top, 8));
        Assert.IsFalse(census.CpuOnly(4, ulong.MaxValue - 7, 8));
    }

    [TestMethod]
    public void CpuOnly_NoCensus_EveryAccessJudged()
    {
        var none = new RamCensus(Regions.Length);
        for (int r = 0; r < Regions.Length; r++) Assert.IsFalse(none.CpuOnly(r, Regions[r].Base, 1));
    }

    /// <summary>Each kind decided once: a new kind fails here until someone says whether it touches memory.</summary>
    [TestMethod]
    public void InCensus_EveryKindDecided()
    {
        EventKind[] memory =
        [
            EventKind.CacheClean, EventKind.CacheInval, EventKind.CacheFlush, EventKind.DevInvalidate, EventKind.DmaRead,
            EventKind.DmaWrite, EventKind.Fetch, EventKind.StoreRelease, EventKind.LoadAcquire, EventKind.Xchg,
            EventKind.DmaMap, EventKind.DmaUnmap,
        ];
        Assert.AreEqual(26, Enum.GetValues<EventKind>().Length, "a new kind: decide whether its operand puts pages in the census");
        foreach (var kind in Enum.GetValues<EventKind>())
            Assert.AreEqual(memory.Contains(kind), DevicePages.InCensus(kind), kind.ToString());
    }
}
