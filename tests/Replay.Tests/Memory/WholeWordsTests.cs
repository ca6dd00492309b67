using System.Runtime.Intrinsics;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The one-pass write of a run of whole words on a one-cell page (<see cref="WholeWords"/>), vector and
/// scalar, against the per-word put it replaces (<see cref="CellPut.TryPut1"/> word by word up to the first
/// word that declines), and <see cref="ShadowPage.Record"/>, which uses it, against the same accesses recorded
/// one word at a time.
/// </summary>
[TestClass]
public sealed class WholeWordsTests
{
    /// <summary>A width-1 page's cells: long stretches free or of the hot column, some of other columns, a rare spill flag.</summary>
    static ulong[] RandomCells(Random rng, AccessColumn hot)
    {
        var cells = new ulong[ShadowPage.Words];
        int w = 0;
        while (w < cells.Length)
        {
            int stretch = Math.Min(cells.Length - w, rng.Next(1, 80));
            int kind = rng.Next(10);
            for (int i = 0; i < stretch; i++, w++)
            {
                cells[w] = kind switch
                {
                    0 => 0,
                    1 => ShadowCell.Make((AccessColumn)rng.Next(4), Cell(rng), rng.Next(1, 256)),
                    2 when i == 0 => ShadowCell.SpillFlag,
                    _ => rng.Next(40) == 0 ? 0 : ShadowCell.Make(hot, Cell(rng), rng.Next(1, 256)),
                };
            }
        }
        return cells;
    }

    static ulong Cell(Random rng) => ((ulong)rng.Next(0, 1 << 16) << 32) | (uint)rng.Next(1, int.MaxValue);

    [TestMethod]
    [DataRow(1, false)]
    [DataRow(2, true)]
    [DataRow(3, true)]
    public void Put1_RandomRuns_SameCellsAndMarksAsOnePutPerWord(int seed, bool vector)
    {
        if (vector && !Vector256.IsHardwareAccelerated) Assert.Inconclusive("no Vector256 on this machine: the vector form never runs");
        var rng = new Random(seed);
        int whole = 0, stopped = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            var column = (AccessColumn)rng.Next(4);
            var before = RandomCells(rng, column);
            var marksBefore = before.Select(c => c == 0 ? 0UL : (ulong)rng.Next(0, 9)).ToArray();
            bool withMarks = rng.Next(2) == 0;
            // Runs of every length near the vector width, long runs, and runs that end at the page's end.
            int from = rng.Next(3) == 0 ? 0 : rng.Next(ShadowPage.Words);
            int to = rng.Next(3) == 0 ? ShadowPage.Words : Math.Min(ShadowPage.Words, from + (rng.Next(2) == 0 ? rng.Next(0, 10) : rng.Next(0, 400)));
            ulong cell = ShadowCell.Make(column, Cell(rng), ShadowCell.FullMask);

            ulong[] expected = [.. before], expectedMarks = [.. marksBefore];
            int stop = from;
            while (stop < to && CellPut.TryPut1(expected, withMarks ? expectedMarks : null, stop, cell)) stop++;

            ulong[] cells = [.. before], marks = [.. marksBefore];
            int got = WholeWords.Put1(cells, withMarks ? marks : null, from, to, cell, vector);
            Assert.AreEqual(stop, got, $"trial {trial}: run [{from}, {to}) stops at the first word that declines");
            CollectionAssert.AreEqual(expected, cells, $"trial {trial}: cells");
            CollectionAssert.AreEqual(expectedMarks, marks, $"trial {trial}: marks");
            if (stop == to) whole++;
            else stopped++;
        }
        Assert.IsTrue(whole > 500 && stopped > 500, $"both outcomes exercised ({whole} whole runs, {stopped} stopped)");
    }

    [TestMethod]
    [DataRow(4)]
    [DataRow(5)]
    public void Put1Vector_RandomRuns_SameAsScalarTwin(int seed)
    {
        if (!Vector256.IsHardwareAccelerated) Assert.Inconclusive("no Vector256 on this machine: the vector form never runs");
        var rng = new Random(seed);
        for (int trial = 0; trial < 4000; trial++)
        {
            var column = (AccessColumn)rng.Next(4);
            var before = RandomCells(rng, column);
            int from = rng.Next(ShadowPage.Words), to = rng.Next(from, ShadowPage.Words + 1);
            ulong cell = ShadowCell.Make(column, Cell(rng), ShadowCell.FullMask);
            ulong[] scalar = [.. before], vector = [.. before];
            int s = WholeWords.Put1Scalar(scalar.AsSpan(from, to - from), cell);
            int v = WholeWords.Put1Vector(vector.AsSpan(from, to - from), cell);
            Assert.AreEqual(s, v, $"trial {trial}: words taken");
            CollectionAssert.AreEqual(scalar, vector, $"trial {trial}: cells");
        }
    }

    /// <summary>
    /// Record and Mark of ranges over many words against the same accesses and cache maintenance done one word at
    /// a time (where no run of whole words exists): pages kept at one cell per word (one column, whole words:
    /// cpu stores with cleans, device writes with invalidations), and pages a second column or a byte store widens
    /// part-way through a run (the run stops, the rest goes word by word).
    /// </summary>
    [TestMethod]
    [DataRow(21, "one-column")]
    [DataRow(22, "one-column")]
    [DataRow(23, "both-columns")]
    [DataRow(24, "both-columns")]
    public void RecordAndMark_ManyWordRanges_SameShadowAsWordByWord(int seed, string mix)
    {
        var rng = new Random(seed);
        var hb = ShadowPageModelTests.Hb();
        uint time = 0;
        int stayedNarrow = 0, widened = 0;
        for (int round = 0; round < 60; round++)
        {
            ShadowPage page = new(), words = new();
            for (int op = 0; op < 40; op++)
            {
                time++;
                hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
                int offset = rng.Next(ShadowPage.Size - 1), length = rng.Next(1, Math.Min(ShadowPage.Size - 1, ShadowPage.Size - offset) + 1);
                // Whole words only on a page kept narrow: an edge word's partial store over a whole-word cell splits it.
                if (mix == "one-column" || rng.Next(3) == 0) (offset, length) = (offset & ~7, Math.Max(8, length & ~7));
                if (offset + length > ShadowPage.Size || length == ShadowPage.Size) length = ShadowPage.Size - offset - 8;
                if (length <= 0) continue;
                if (rng.Next(6) == 0)
                {
                    // Whole-word cleans keep a one-cell page narrow (no cell is split).
                    int cpu = rng.Next(2), kind = rng.Next(3);
                    page.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                    for (int k = offset; k < offset + length;)
                    {
                        int n = Math.Min(offset + length - k, 8 - (k & 7));
                        words.Mark(hb, cpu, time, kind != 1, kind != 0, k, n);
                        k += n;
                    }
                    continue;
                }
                var column = mix == "one-column" || rng.Next(8) != 0 ? (round % 2 == 0 ? AccessColumn.CpuWrite : AccessColumn.DevWrite) : (AccessColumn)rng.Next(4);
                if (mix == "both-columns" && rng.Next(10) == 0) length = rng.Next(1, 4);
                int agent = column is AccessColumn.CpuWrite or AccessColumn.CpuRead ? rng.Next(2) : 2 + rng.Next(2);
                ulong at = Epoch.Pack(agent, time);
                page.Record(column, at, offset, length);
                for (int k = offset; k < offset + length;)
                {
                    int n = Math.Min(offset + length - k, 8 - (k & 7));
                    words.Record(column, at, k, n);
                    k += n;
                }
            }
            ShadowPageModelTests.CompareShadows(words, page, $"round {round}");
            if (page.Width == 1) stayedNarrow++;
            else widened++;
        }
        if (mix == "one-column") Assert.AreEqual(60, stayedNarrow, "one column and whole-word cleans keep one cell per word");
        else Assert.IsTrue(stayedNarrow < 60 && widened > 30, $"runs met words that widened the page ({widened} of 60 pages widened)");
    }
}
