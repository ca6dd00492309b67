using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// ShadowPage.ClipToPage: a run ends at the page end or at the access end, and on the last page of the
/// 64-bit space it never wraps to address 0 (issue 12, hardening 2: that wrap restarted the walk at 0 and
/// allocated shadow pages until memory ran out).
/// </summary>
[TestClass]
public sealed class ClipToPageTests
{
    [TestMethod]
    [DataRow(0x1000UL, 0x1008UL, 0x1008UL)]
    [DataRow(0x1ff8UL, 0x2010UL, 0x2000UL)]
    [DataRow(0x1000UL, 0x3000UL, 0x2000UL)]
    [DataRow(0xffff_ffff_ffff_f000UL, 0xffff_ffff_ffff_fff8UL, 0xffff_ffff_ffff_fff8UL)]
    [DataRow(0xffff_ffff_ffff_fff0UL, 0xffff_ffff_ffff_ffffUL, 0xffff_ffff_ffff_ffffUL)]
    [DataRow(0xffff_ffff_ffff_eff8UL, 0xffff_ffff_ffff_f008UL, 0xffff_ffff_ffff_f000UL)]
    public void ClipToPage_RunInsideOrAcrossAPage_EndsAtTheNearerEndWithoutWrapping(ulong cursor, ulong end, ulong expected)
    {
        ulong clipped = ShadowPage.ClipToPage(cursor, end);

        Assert.AreEqual(expected, clipped);
        Assert.IsGreaterThan(cursor, clipped, "a run must move forward");
    }

    [TestMethod]
    public void ClipToPage_WalkOfTheLastPage_VisitsOnlyThatPage()
    {
        ulong cursor = 0xffff_ffff_ffff_f000, end = 0xffff_ffff_ffff_ffff;
        int runs = 0;
        while (cursor < end)
        {
            cursor = ShadowPage.ClipToPage(cursor, end);
            Assert.IsLessThan(10, ++runs, "the walk wrapped around");
        }
        Assert.AreEqual(1, runs);
    }
}
