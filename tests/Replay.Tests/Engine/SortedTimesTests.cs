using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

/// <summary>The hinted predecessor search of edge-log compaction against a plain binary search.</summary>
[TestClass]
public sealed class SortedTimesTests
{
    static int Expected(uint[] sorted, uint t)
    {
        int i = Array.BinarySearch(sorted, t);
        return i >= 0 ? i : ~i - 1;
    }

    [TestMethod]
    public void AtOrBelow_AnyHint_MatchesBinarySearch()
    {
        var rng = new Random(77);
        for (int round = 0; round < 300; round++)
        {
            var sorted = Enumerable.Range(0, rng.Next(0, 40)).Select(_ => (uint)rng.Next(1, 200)).Distinct().Order().ToArray();
            int hint = -1;
            for (int q = 0; q < 50; q++)
            {
                // Mostly rising queries (as compaction asks), some falling, some at the extremes.
                uint t = rng.Next(4) == 0 ? (uint)rng.Next(0, 220) : (uint)Math.Min(219, q * 4 + rng.Next(3));
                if (rng.Next(10) == 0) hint = rng.Next(-2, sorted.Length + 2); // stale or out-of-range hints too
                int got = SortedTimes.AtOrBelow(sorted, t, hint);
                Assert.AreEqual(Expected(sorted, t), got, $"round {round}, t {t}, hint {hint}, [{string.Join(",", sorted)}]");
                hint = got;
            }
        }
    }

    [TestMethod]
    [DataRow(0u, -1)]
    [DataRow(5u, 0)]
    [DataRow(6u, 0)]
    [DataRow(9u, 1)]
    [DataRow(100u, 2)]
    public void AtOrBelow_FixedTimes_Position(uint t, int expected) =>
        Assert.AreEqual(expected, SortedTimes.AtOrBelow([5, 9, 12], t, 0));
}
