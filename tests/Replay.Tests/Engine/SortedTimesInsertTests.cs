using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

/// <summary>The insertion search of edge-log compaction against <see cref="List{T}.BinarySearch(T)"/>, which it replaced.</summary>
[TestClass]
public sealed class SortedTimesInsertTests
{
    [TestMethod]
    public void FirstAtOrAbove_RandomSortedTimes_MatchesListBinarySearch()
    {
        var rng = new Random(31);
        for (int round = 0; round < 300; round++)
        {
            var sorted = Enumerable.Range(0, rng.Next(0, 40)).Select(_ => (uint)rng.Next(0, 200)).Distinct().Order().ToList();
            for (int q = 0; q < 50; q++)
            {
                uint t = (uint)rng.Next(0, 220);
                int at = sorted.BinarySearch(t);
                Assert.AreEqual(at < 0 ? ~at : at, SortedTimes.FirstAtOrAbove(sorted.ToArray(), t), $"round {round}, t {t}");
            }
        }
        Assert.AreEqual(0, SortedTimes.FirstAtOrAbove([], 5));
        Assert.AreEqual(1, SortedTimes.FirstAtOrAbove([0, uint.MaxValue], uint.MaxValue));
    }
}
