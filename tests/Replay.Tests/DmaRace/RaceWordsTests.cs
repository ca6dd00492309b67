using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// dma-race's word cells (one cell per word, spills for words of mixed bytes, one cell for a whole page)
/// against the per-byte model they compress: the latest access of each byte. Fixed-seed fuzz over partial
/// words, word-crossing runs and whole pages, so every path (materialize, spill, reuse of freed slots) is hit.
/// </summary>
[TestClass]
public sealed class RaceWordsTests
{
    const int Page = 4096, Agents = 4;

    /// <summary>A fixed hb matrix: what each agent knows of each other's times.</summary>
    internal readonly struct Known(uint[,] times) : IHbTimes
    {
        public uint TimeOf(int agent, int other) => times[agent, other];
    }

    /// <summary>The per-byte model's answer: the most recent access in [off, end) not hb-before <paramref name="agent"/>, or <paramref name="other"/>.</summary>
    internal static long ModelRacing(ulong[] bytes, int off, int end, uint[,] known, int agent, long other)
    {
        for (int k = off; k < end; k++)
        {
            var e = Epoch.From(bytes[k]);
            if (e.Exists && e.Agent != agent && known[agent, e.Agent] < e.Time) other = Math.Max(other, e.Index);
        }
        return other;
    }

    static (int Off, int End) RandomRun(Random rng)
    {
        if (rng.Next(40) == 0) return (0, Page);
        int len = rng.Next(6) switch { 0 => 1, 1 => 2, 2 => 4, 3 => 8, 4 => rng.Next(1, 80), _ => rng.Next(1, 600) };
        // Mostly a few hot words, so runs overlap and words mix.
        int off = rng.Next(3) == 0 ? rng.Next(Page) : rng.Next(64);
        return (off, Math.Min(Page, off + len));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void RaceWords_RandomRuns_SameAsLatestAccessPerByte(int seed)
    {
        var rng = new Random(seed);
        var words = new RaceWords();
        var model = new ulong[Page];
        var known = new uint[Agents, Agents];
        uint time = 0;
        for (int step = 0; step < 4000; step++)
        {
            var (off, end) = RandomRun(rng);
            int agent = rng.Next(Agents);
            for (int a = 0; a < Agents; a++)
                for (int b = 0; b < Agents; b++) known[a, b] = (uint)rng.Next((int)time + 1);
            long other = rng.Next(4) == 0 ? rng.Next((int)time + 1) - 1 : -1;
            Assert.AreEqual(ModelRacing(model, off, end, known, agent, other), words.LatestRacing(off, end, new Known(known), agent, other), $"step {step}: racing [{off}, {end})");
            Assert.AreEqual(ModelRacing(model, off, end, known, agent, -1) < 0, words.DominatedBy(off, end, new Known(known), agent), $"step {step}: dominated [{off}, {end})");

            time += (uint)rng.Next(1, 4);
            words.Record(off, end, agent, time);
            Array.Fill(model, Epoch.Pack(agent, time), off, end - off);
            if (step % 50 == 0 || end - off == Page)
                for (int k = 0; k < Page; k++) Assert.AreEqual(model[k], words.At(k), $"step {step}: byte {k}");
        }
        Assert.IsLessThanOrEqualTo(8L * (RaceWords.Words + 64 * 8 * 8), words.Footprint, "freed spill slots are reused");
    }

    [TestMethod]
    public void RaceWords_FourByteHalvesThenWholeWord_SpillsThenOneCellAgain()
    {
        var words = new RaceWords();
        words.Record(8, 12, 1, 10);
        words.Record(12, 16, 2, 11);
        Assert.AreEqual(Epoch.Pack(1, 10), words.At(8));
        Assert.AreEqual(Epoch.Pack(2, 11), words.At(15));
        var none = new uint[Agents, Agents];
        Assert.AreEqual(9L, words.LatestRacing(8, 12, new Known(none), 0, -1), "only the low half's access");
        Assert.AreEqual(10L, words.LatestRacing(11, 13, new Known(none), 0, -1), "both halves: the later");
        Assert.AreEqual(-1L, words.LatestRacing(16, 24, new Known(none), 0, -1), "the next word has no access");
        words.Record(8, 16, 3, 12);
        Assert.AreEqual(Epoch.Pack(3, 12), words.At(8));
        Assert.AreEqual(Epoch.Pack(3, 12), words.At(15));
        Assert.AreEqual(-1L, words.LatestRacing(0, Page, new Known(none), 3, -1), "its own access never races");
    }

    [TestMethod]
    public void RaceWords_WholePage_OneCellUntilAPartialAccess()
    {
        var words = new RaceWords();
        words.Record(0, Page, 1, 5);
        Assert.AreEqual(0L, words.Footprint, "a whole-page access keeps no word cells");
        var known = new uint[Agents, Agents];
        Assert.AreEqual(4L, words.LatestRacing(100, 101, new Known(known), 0, -1));
        known[0, 1] = 5;
        Assert.IsTrue(words.DominatedBy(0, Page, new Known(known), 0));
        words.Record(100, 104, 2, 6);
        Assert.AreEqual(Epoch.Pack(1, 5), words.At(99));
        Assert.AreEqual(Epoch.Pack(2, 6), words.At(100));
        Assert.AreEqual(Epoch.Pack(1, 5), words.At(104));
        Assert.AreEqual(5L, words.LatestRacing(96, 112, new Known(new uint[Agents, Agents]), 0, -1));
    }

    /// <summary>
    /// The single-word forms (<see cref="RaceWords.WordRacing"/>, <see cref="RaceWords.RecordInWord"/>) against
    /// the run forms they skip, on two words fed the same accesses: mostly accesses inside one word (partial
    /// bytes, spills), between runs across words and whole pages (uniform pages, materialize).
    /// </summary>
    [TestMethod]
    [DataRow(4)]
    [DataRow(5)]
    [DataRow(6)]
    public void RaceWords_OneWordForms_SameAsRunForms(int seed)
    {
        var rng = new Random(seed);
        RaceWords runs = new(), words = new();
        var known = new uint[Agents, Agents];
        uint time = 0;
        int oneWord = 0;
        for (int step = 0; step < 6000; step++)
        {
            var (off, end) = RandomRun(rng);
            if (rng.Next(4) != 0)
            {
                // Inside one word: a hot word or anywhere, 1 to the word's remaining bytes.
                off = rng.Next(2) == 0 ? rng.Next(32) : rng.Next(Page);
                end = off + rng.Next(1, 8 - (off & 7) + 1);
            }
            int agent = rng.Next(Agents);
            for (int a = 0; a < Agents; a++)
                for (int b = 0; b < Agents; b++) known[a, b] = (uint)rng.Next((int)time + 1);
            long other = rng.Next(4) == 0 ? rng.Next((int)time + 1) - 1 : -1;
            time += (uint)rng.Next(1, 4);
            if (off >> 3 == (end - 1) >> 3)
            {
                oneWord++;
                Assert.AreEqual(runs.LatestRacing(off, end, new Known(known), agent, other), words.WordRacing(off, end, new Known(known), agent, other), $"step {step}: racing [{off}, {end})");
                Assert.AreEqual(runs.DominatedBy(off, end, new Known(known), agent), words.WordRacing(off, end, new Known(known), agent, -1) < 0, $"step {step}: dominated [{off}, {end})");
                runs.Record(off, end, agent, time);
                words.RecordInWord(off, end, agent, time);
            }
            else
            {
                runs.Record(off, end, agent, time);
                words.Record(off, end, agent, time);
            }
            if (step % 100 == 0)
                for (int k = 0; k < Page; k++) Assert.AreEqual(runs.At(k), words.At(k), $"step {step}: byte {k}");
        }
        Assert.IsGreaterThan(4000, oneWord, "most accesses took the single-word forms");
    }
}
