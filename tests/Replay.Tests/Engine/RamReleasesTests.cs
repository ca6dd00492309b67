using TraceTools.Replay.Clocks;
using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class RamReleasesTests
{
    static (RamReleases Ranges, ClockArena Arena, int A, int B) TwoReleases()
    {
        var arena = new ClockArena(8);
        var ranges = new RamReleases(arena);
        int a = arena.Rent(), b = arena.Rent();
        ranges.Add(0x100, 0x110, a);
        ranges.Add(0x200, 0x208, b);
        return (ranges, arena, a, b);
    }

    static int[] Read(RamReleases r, ulong start, ulong end)
    {
        var into = new List<int>();
        r.Overlapping(start, end, into);
        return [.. into];
    }

    [TestMethod]
    public void Overlapping_ReadAcrossBothRanges_EachReleaseOnce()
    {
        var (r, _, a, b) = TwoReleases();
        CollectionAssert.AreEqual(new[] { a, b }, Read(r, 0x0, 0x1000));
        CollectionAssert.AreEqual(new[] { a }, Read(r, 0x10f, 0x110));
        Assert.IsEmpty(Read(r, 0x110, 0x200));
    }

    [TestMethod]
    public void Overwrite_MiddleOfARange_SplitsItAndKeepsBothEnds()
    {
        var (r, arena, a, _) = TwoReleases();
        r.Overwrite(0x104, 0x108);
        Assert.AreEqual(3, r.Count);
        Assert.IsEmpty(Read(r, 0x104, 0x108));
        CollectionAssert.AreEqual(new[] { a }, Read(r, 0x100, 0x104));
        CollectionAssert.AreEqual(new[] { a }, Read(r, 0x108, 0x110));
        Assert.AreEqual(2, arena.RefCount(a), "each half holds a reference");
    }

    [TestMethod]
    public void Overwrite_WholeRangeAndAnEdge_DropsOneTrimsTheOther()
    {
        var (r, arena, a, b) = TwoReleases();
        r.Overwrite(0x0, 0x204);
        Assert.AreEqual(1, r.Count);
        Assert.AreEqual(0, arena.RefCount(a), "the dropped range gave its reference back");
        CollectionAssert.AreEqual(new[] { b }, Read(r, 0x0, 0x1000));
        Assert.IsEmpty(Read(r, 0x200, 0x204));
    }

    [TestMethod]
    public void Add_OverAnEarlierRelease_TheNewOneWins()
    {
        var (r, arena, a, _) = TwoReleases();
        int c = arena.Rent();
        r.Add(0x108, 0x118, c);
        CollectionAssert.AreEqual(new[] { a }, Read(r, 0x100, 0x108));
        CollectionAssert.AreEqual(new[] { c }, Read(r, 0x108, 0x118));
    }

    /// <summary>Many ranges, their handles repeating out of order: each handle once, in first-seen order (the set path beyond a few handles).</summary>
    [TestMethod]
    public void Overlapping_ManyRangesRepeatingHandles_EachOnceInFirstOrder()
    {
        var arena = new ClockArena(8);
        var ranges = new RamReleases(arena);
        var handles = Enumerable.Range(0, 20).Select(_ => arena.Rent()).ToArray();
        var expected = new List<int>();
        for (int i = 0; i < 200; i++)
        {
            int h = handles[(i * 7) % 20];
            arena.AddRef(h, 1);
            ranges.Add(0x1000 + (ulong)i, 0x1001 + (ulong)i, h);
            if (!expected.Contains(h)) expected.Add(h);
        }
        CollectionAssert.AreEqual(expected, Read(ranges, 0x1000, 0x1000 + 200));
        CollectionAssert.AreEqual(expected.Take(3).ToList(), Read(ranges, 0x1000, 0x1003), "the scan path");
    }
}
