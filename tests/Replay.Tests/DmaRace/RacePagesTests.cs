using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// <see cref="RacePages"/> gives each page its own state whatever its cache line: more pages than the cache's 1,024
/// lines share lines, and a page found through a line another page holds would race with that page's accesses.
/// </summary>
[TestClass]
public sealed class RacePagesTests
{
    const int Pages = 1100;

    [TestMethod]
    public void Get_MorePagesThanCacheLines_EachItsOwnState()
    {
        var pages = new RacePages();
        var first = Enumerable.Range(0, Pages).Select(p => pages.Get((ulong)p)).ToList();

        Assert.HasCount(Pages, first.Distinct());
        for (int p = Pages - 1; p >= 0; p--) Assert.AreSame(first[p], pages.Get((ulong)p), $"page {p}");
    }

    [TestMethod]
    public void Replay_DeviceWritesSomePagesCpuLoadsOthers_NoRace()
    {
        // The device writes the first word of pages 0..1,099 and the cpu loads the first word of pages 1,100..2,199:
        // no byte is both written and loaded, whichever pages share a cache line.
        var t = TraceBuilder.OneDevice(Arch.Arm64).Ram("pool", 0x1_0000_0000, 2 * Pages * 4096UL);
        for (ulong p = 0; p < Pages; p++) t.DmaWrite("dev", t.At("pool", p * 4096), 8);
        for (ulong p = Pages; p < 2 * Pages; p++) t.Load("cpu0", t.At("pool", p * 4096), 8);

        Assert.AreEqual("", TraceBuilder.Describe(t.Replay(new HashSet<FindingKind> { FindingKind.DmaRace })));
    }
}
