using TraceTools.Detectors.DiscardedStore;
using TraceTools.Detectors.Writes;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// The stale and cache detectors' own bookkeeping against plain models: discarded-store's per-line last cleans
/// (grouped arrays) against a dictionary per line, the written-regions device masks, and the per-page store
/// bounds' home slots.
/// </summary>
[TestClass]
public sealed class StaleCacheStateTests
{
    [TestMethod]
    [DataRow(64, 1)]
    [DataRow(128, 2)]
    [DataRow(32, 3)]
    public void LastCleans_RandomCleansAndQueries_SameAsADictionaryPerLine(int lineSize, int seed)
    {
        var rng = new Random(seed);
        var cleans = new LastCleans(lineSize);
        var model = new Dictionary<ulong, long>();
        // Lines in a few clustered areas (a group holds 64 lines) and some far apart, including the top of the space.
        ulong[] bases = [0x1000_0000, 0x1001_0000, 0xFFFF_FFFF_FFFF_0000, 0];
        for (long index = 0; index < 20_000; index++)
        {
            ulong line = bases[rng.Next(bases.Length)] + (ulong)rng.Next(0, 512) * (ulong)lineSize;
            if (rng.Next(3) == 0)
            {
                cleans.Set(line, index);
                model[line] = index;
            }
            else Assert.AreEqual(model.GetValueOrDefault(line, -1), cleans.Get(line), $"line {line:x} at {index}");
        }
    }

    [TestMethod]
    public void DmaWrittenRegions_KeepsEachRegionsWriters()
    {
        var written = new DmaWrittenRegions();
        Assert.IsFalse(written.Contains(3));
        Assert.AreEqual(0UL, written.WritersOf(100));
        written.Add(3, 4);
        written.Add(3, 7);
        written.Add(9, 70); // past 64 agents: folds onto bit 6
        Assert.IsTrue(written.Contains(3));
        Assert.AreEqual((1UL << 4) | (1UL << 7), written.WritersOf(3));
        Assert.AreEqual(1UL << 6, written.WritersOf(9));
        Assert.IsFalse(written.Contains(4));
    }

    [TestMethod]
    public void LatestStores_CpuWhoseHomeIsTaken_KeepsAFreeSlotUntilFourThenFolds()
    {
        var bounds = new LatestStores();
        bounds.Note(1, 5);
        bounds.Note(5, 6); // home slot 1 is cpu 1's: cpu 5 takes a free one
        Assert.IsTrue(bounds.MayHold(1));
        Assert.IsTrue(bounds.MayHold(5));
        Assert.IsFalse(bounds.MayHold(0), "cpu 0 never stored");
        Assert.IsFalse(bounds.MayHold(9), "cpu 9 shares slot 1's residue but never stored");
        uint[] row = new uint[10];
        row[1] = 5;
        row[5] = 6;
        Assert.IsTrue(bounds.AllAtOrBefore(row, 10));
        row[5] = 5;
        Assert.IsFalse(bounds.AllAtOrBefore(row, 10), "cpu 5 keeps its own bound");
        bounds.Note(5, 7);
        bounds.Note(2, 8);
        bounds.Note(3, 9); // slot 3 free: all four used now
        bounds.Note(9, 10); // folded
        row[5] = 7;
        row[2] = 8;
        row[3] = 9;
        row[9] = 10;
        Assert.IsTrue(bounds.AllAtOrBefore(row, 10));
        Assert.IsTrue(bounds.MayHold(9));
        row[2] = 7;
        Assert.IsFalse(bounds.AllAtOrBefore(row, 10), "cpu 2's own bound");
        row[2] = 8;
        row[9] = 9;
        Assert.IsFalse(bounds.AllAtOrBefore(row, 10), "cpu 9 folded into the others");
    }
}
