using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>The word-at-a-time entry comparison against its byte-loop twin, on random entries and stores.</summary>
[TestClass]
public sealed class EntryDiffTests
{
    [TestMethod]
    [DataRow(1, 16u, 16u)]       // the driver mix's rings: one granule per entry
    [DataRow(2, 64u, 16u)]       // pasid: four granules
    [DataRow(3, 24u, 8u)]        // a granule that is a power of two in an entry that is not
    [DataRow(4, 48u, 12u)]       // a granule that is not a power of two: divided
    [DataRow(5, 128 * 16u, 16u)] // more than 64 granules: the exact words
    [DataRow(6, 8u, 1u)]         // byte granules
    public void EntryDiffAdd_RandomStores_MatchesByteLoopTwin(int seed, uint entrySize, uint granule)
    {
        var rng = new Random(seed);
        int shift = EntryDiff.ShiftOf(granule);
        int words = (int)(((entrySize + granule - 1) / granule + 63) / 64);
        for (int trial = 0; trial < 3000; trial++)
        {
            int offset = rng.Next((int)entrySize);
            int n = rng.Next(1, (int)entrySize - offset + 1);
            var held = new byte[n];
            rng.NextBytes(held);
            var stored = (byte[])held.Clone();
            // A few changed bytes (sometimes none, sometimes only the present bit), as real stores change few.
            for (int c = rng.Next(4); c > 0; c--) stored[rng.Next(n)] ^= (byte)(1 << rng.Next(8));
            if (rng.Next(3) == 0) rng.NextBytes(stored);
            int presentOffset = rng.Next((int)entrySize);
            byte presentMask = (byte)(1 << rng.Next(8));

            ulong[] exactWord = new ulong[words], exactByte = new ulong[words];
            ulong granulesWord = 0, granulesByte = 0;
            bool otherWord = false, otherByte = false;
            EntryDiff.Add(held, stored, offset, shift, granule, presentOffset, presentMask, exactWord, ref granulesWord, ref otherWord);
            EntryDiff.AddScalar(held, stored, offset, shift, granule, presentOffset, presentMask, exactByte, ref granulesByte, ref otherByte);
            Assert.AreEqual(granulesByte, granulesWord, $"granules, trial {trial}");
            Assert.AreEqual(otherByte, otherWord, $"other, trial {trial}");
            CollectionAssert.AreEqual(exactByte, exactWord, $"exact granules, trial {trial}");
        }
    }

    [TestMethod]
    public void EntryDiffAdd_OnlyPresentBitChanged_GranuleChangedButNoOtherBit()
    {
        // Bytes 14..23 of the entry: byte 23 (granule 1 of 16 bytes) holds the present bit.
        byte[] held = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], stored = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        ulong granules = 0;
        bool other = false;
        EntryDiff.Add(held, stored, 14, 4, 16, presentOffset: 23, presentMask: 1, [0], ref granules, ref other);
        Assert.AreEqual(0b10UL, granules);
        Assert.IsFalse(other);
        stored[9] = 3;
        EntryDiff.Add(held, stored, 14, 4, 16, presentOffset: 23, presentMask: 1, [0], ref granules, ref other);
        Assert.IsTrue(other);
    }
}
