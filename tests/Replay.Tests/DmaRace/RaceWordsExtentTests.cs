using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Memory;
using static TraceTools.Tests.DmaRace.RaceWordsTests;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// dma-race's extent form (a column's few byte ranges with one access each, before it takes the word cells)
/// against the per-byte model: buffer-like accesses (prefixes of the page, as a packet slot sees), then
/// scattered ones that overflow the extents into cells, then a whole page that brings them back.
/// </summary>
[TestClass]
public sealed class RaceWordsExtentTests
{
    const int Page = 4096, Agents = 4;

    [TestMethod]
    [DataRow(11)]
    [DataRow(12)]
    [DataRow(13)]
    public void RaceWords_PacketPrefixesThenScatteredWords_SameAsLatestAccessPerByte(int seed)
    {
        var rng = new Random(seed);
        var words = new RaceWords();
        var model = new ulong[Page];
        var known = new uint[Agents, Agents];
        uint time = 0;
        for (int step = 0; step < 3000; step++)
        {
            int phase = step / 500 % 3;
            int off, end;
            if (phase == 0 || rng.Next(8) == 0)
            {
                // A packet: a prefix of the slot, sometimes starting a little in (a header skipped).
                off = rng.Next(4) == 0 ? rng.Next(1, 64) : 0;
                end = Math.Min(Page, off + rng.Next(1, 1600));
            }
            else if (phase == 1)
            {
                off = rng.Next(Page);
                end = Math.Min(Page, off + rng.Next(1, 9));
            }
            else if (rng.Next(30) == 0) (off, end) = (0, Page);
            else
            {
                off = rng.Next(Page - 8);
                end = off + rng.Next(1, 200);
                end = Math.Min(Page, end);
            }
            int agent = rng.Next(Agents);
            for (int a = 0; a < Agents; a++)
                for (int b = 0; b < Agents; b++) known[a, b] = (uint)rng.Next((int)time + 1);
            long other = rng.Next(4) == 0 ? rng.Next((int)time + 1) - 1 : -1;
            Assert.AreEqual(ModelRacing(model, off, end, known, agent, other), words.LatestRacing(off, end, new Known(known), agent, other), $"step {step}: racing [{off}, {end})");
            Assert.AreEqual(ModelRacing(model, off, end, known, agent, -1) < 0, words.DominatedBy(off, end, new Known(known), agent), $"step {step}: dominated [{off}, {end})");
            if (off >> 3 == (end - 1) >> 3)
                Assert.AreEqual(ModelRacing(model, off, end, known, agent, other), words.WordRacing(off, end, new Known(known), agent, other), $"step {step}: word racing [{off}, {end})");
            time += (uint)rng.Next(1, 4);
            if (off >> 3 == (end - 1) >> 3 && rng.Next(2) == 0) words.RecordInWord(off, end, agent, time);
            else words.Record(off, end, agent, time);
            Array.Fill(model, Epoch.Pack(agent, time), off, end - off);
            if (step % 25 == 0)
                for (int k = 0; k < Page; k++) Assert.AreEqual(model[k], words.At(k), $"step {step}: byte {k}");
        }
    }

    [TestMethod]
    [DataRow(21, 14)]
    [DataRow(22, 16)]
    [DataRow(23, 18)]
    public void RaceWords_FieldsWrittenAgain_SameAsLatestAccessPerByte(int seed, int fields)
    {
        // A few fixed fields (some overlapping, some nested) written over and over: the extents' exact-match
        // store, their trims and splits at and near a full column, and the overflow into cells.
        var rng = new Random(seed);
        var ranges = new (int Off, int End)[fields];
        for (int f = 0; f < fields; f++)
        {
            int off = rng.Next(0, Page - 64);
            ranges[f] = (off, off + rng.Next(1, 64));
        }
        var words = new RaceWords();
        var model = new ulong[Page];
        var known = new uint[Agents, Agents];
        uint time = 0;
        int mostExtents = 0, exactRewrites = 0;
        bool overflowed = false;
        for (int step = 0; step < 2000; step++)
        {
            var (off, end) = rng.Next(50) == 0 ? (0, Page) : ranges[rng.Next(fields)];
            if (words.Footprint == 0 && model[off] != 0 && (off == 0 || model[off - 1] != model[off]) && (end == Page || model[end] != model[end - 1])
                && model.AsSpan(off, end - off).IndexOfAnyExcept(model[off]) < 0) exactRewrites++;
            int agent = rng.Next(Agents);
            for (int a = 0; a < Agents; a++)
                for (int b = 0; b < Agents; b++) known[a, b] = (uint)rng.Next((int)time + 1);
            Assert.AreEqual(ModelRacing(model, off, end, known, agent, -1), words.LatestRacing(off, end, new Known(known), agent, -1), $"step {step}: racing [{off}, {end})");
            time += (uint)rng.Next(1, 4);
            words.Record(off, end, agent, time);
            Array.Fill(model, Epoch.Pack(agent, time), off, end - off);
            if (words.Footprint == 0) mostExtents = Math.Max(mostExtents, words.ExtentCount);
            else overflowed = true;
            if (step % 10 == 0)
                for (int k = 0; k < Page; k++) Assert.AreEqual(model[k], words.At(k), $"step {step}: byte {k}");
        }
        // The paths the test is for must have run: a column past MaxExtents - 2 (where the count comes first), an
        // extent written again exactly (the one-store path), and the overflow into cells.
        Assert.IsGreaterThan(RaceWords.MaxExtents - 2, mostExtents, "a column near full");
        Assert.IsGreaterThan(0, exactRewrites, "an extent written again exactly");
        Assert.IsTrue(overflowed, "the overflow into cells");
    }

    [TestMethod]
    public void RaceWords_PacketSlot_KeepsNoCells()
    {
        var words = new RaceWords();
        uint time = 1;
        foreach (int len in new[] { 64, 1500, 128, 64, 600, 4096, 64, 256 })
            words.Record(0, len, 1, time++);
        Assert.AreEqual(0L, words.Footprint, "packets over one slot stay extents");
        for (int k = 0; k < RaceWords.MaxExtents + 1; k++) words.Record(k * 16 + 1, k * 16 + 3, 2, time++);
        Assert.IsGreaterThanOrEqualTo(8L * RaceWords.Words, words.Footprint, "scattered words overflow into cells");
        Assert.AreEqual(Epoch.Pack(2, time - 1), words.At(RaceWords.MaxExtents * 16 + 1));
        Assert.AreEqual(Epoch.Pack(1, time - RaceWords.MaxExtents - 2), words.At(0), "the last packet's bytes");
    }
}
