using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// <see cref="StoreTimes"/>: its byte-wise sort against the library sort (keys of every width, shared bytes,
/// repeats), and the reused buffers giving each compaction only its own times, ascending and distinct.
/// </summary>
[TestClass]
public sealed class StoreTimesTests
{
    [TestMethod]
    [DataRow(1, 0)]
    [DataRow(2, 1)]
    [DataRow(3, 2)]
    [DataRow(4, 1000)]
    [DataRow(5, 5000)]
    public void Sort_RandomKeys_SameAsLibrarySort(int seed, int count)
    {
        var rng = new Random(seed);
        foreach (uint range in new uint[] { 1, 7, 300, 70_000, 1u << 24, uint.MaxValue })
        {
            var keys = new uint[count];
            for (int i = 0; i < count; i++) keys[i] = (uint)rng.NextInt64(range == uint.MaxValue ? 1L << 32 : range);
            var expected = keys.Order().ToArray();
            StoreTimes.Sort(keys, new uint[count]);
            CollectionAssert.AreEqual(expected, keys, $"{count} keys below {range}");
        }
    }

    [TestMethod]
    public void SortedDistinct_ReusedAcrossCompactions_OnlyThisCompactionsTimesAscendingOnce()
    {
        var rng = new Random(7);
        var times = new StoreTimes();
        for (int round = 0; round < 20; round++)
        {
            var list = times.Start();
            Assert.AreEqual(0, list.Count, $"round {round}: starts empty");
            int n = rng.Next(round * 500 + 1);
            for (int i = 0; i < n; i++) list.Add((uint)rng.Next(1, 1 + round * 300 + 1));
            var expected = list.Distinct().Order().ToArray();
            CollectionAssert.AreEqual(expected, times.SortedDistinct(), $"round {round}");
        }
    }
}
