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

    /// <summary>
    /// Random release stores and plain stores over 96 bytes (ring-like: the same flags again, and ranges at random)
    /// against a byte map of the latest release: every read sees the releases of its bytes in address order, and each held
    /// range keeps one reference (all given back once every byte is written).
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void AddAndOverwrite_RandomRingsAndRanges_SameAsAByteMap(int seed)
    {
        var rng = new Random(seed);
        var arena = new ClockArena(8);
        var ranges = new RamReleases(arena);
        const int Bytes = 96;
        var owner = new int[Bytes];
        var handles = new List<int>();
        for (int step = 0; step < 20_000; step++)
        {
            // A flag of a ring of 4-byte flags most of the time, else any range.
            bool flag = rng.Next(4) != 0;
            int start = flag ? rng.Next(Bytes / 4) * 4 : rng.Next(Bytes);
            int end = flag ? start + 4 : Math.Min(Bytes, start + rng.Next(1, 12));
            if (rng.Next(3) == 0)
            {
                ranges.Overwrite((ulong)start, (ulong)end);
                Array.Fill(owner, 0, start, end - start);
            }
            else
            {
                int h = arena.Rent();
                handles.Add(h);
                ranges.Add((ulong)start, (ulong)end, h);
                Array.Fill(owner, h, start, end - start);
            }
            int lo = rng.Next(Bytes), hi = Math.Min(Bytes, lo + rng.Next(1, 40));
            var expected = owner[lo..hi].Where(h => h != 0).Distinct().ToArray();
            CollectionAssert.AreEqual(expected, Read(ranges, (ulong)lo, (ulong)hi), $"step {step}: read [{lo}, {hi})");
            foreach (int h in owner.Where(h => h != 0).Distinct()) Assert.IsGreaterThan(0, arena.RefCount(h), $"step {step}: {h} is held");
        }
        // Every byte written plainly: every release given back.
        ranges.Overwrite(0, Bytes);
        Assert.AreEqual(0, ranges.Count);
        foreach (int h in handles) Assert.AreEqual(0, arena.RefCount(h), $"handle {h} leaked");
    }

    /// <summary>A ring's flags released again and again keep their slots: the list moves only as the first round fills it.</summary>
    [TestMethod]
    public void Add_RingReleasedRoundAfterRound_TakesItsSlotsBack()
    {
        var arena = new ClockArena(8);
        var ranges = new RamReleases(arena);
        for (int round = 0; round < 50; round++)
            for (ulong flag = 0; flag < 1_000; flag++)
            {
                ranges.Overwrite(flag * 8, flag * 8 + 4); // the release store's own write, as the engine makes it
                ranges.Add(flag * 8, flag * 8 + 4, arena.Rent());
                if (round % 2 == 1) ranges.Overwrite(flag * 8, flag * 8 + 4); // and in odd rounds a plain store clears it
            }
        Assert.AreEqual(1_000, ranges.Slots);
        Assert.AreEqual(1_000, ranges.Moves, "one insert per flag, in the first round");
    }

    /// <summary>Releases at ever new bytes, each cleared at once: the empty slots are squeezed out, not kept.</summary>
    [TestMethod]
    public void Overwrite_ReleasesClearedAtNewBytes_EmptySlotsSqueezedOut()
    {
        var arena = new ClockArena(8);
        var ranges = new RamReleases(arena);
        for (ulong i = 0; i < 10_000; i++)
        {
            ranges.Add(i * 8, i * 8 + 4, arena.Rent());
            ranges.Overwrite(i * 8, i * 8 + 4);
        }
        Assert.AreEqual(0, ranges.Count);
        Assert.IsLessThanOrEqualTo(100, ranges.Slots);
    }
}
