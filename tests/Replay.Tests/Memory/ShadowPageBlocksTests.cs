using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using static TraceTools.Tests.Memory.ShadowPageModelTests;

namespace TraceTools.Tests.Memory;

/// <summary>
/// A page's cells in blocks (the form between the window and the whole page: the 8-word blocks written, up to 16):
/// held to the byte-per-byte model with accesses confined to a few scattered blocks (some adjacent, so a range
/// crosses from one block into the next) and marks over any range (held blocks and gaps), to the general write path
/// from the single-word one, and to the sizes the form promises.
/// </summary>
[TestClass]
public sealed class ShadowPageBlocksTests
{
    /// <summary>Blocks (of 8 words) the accesses fall in: runs of adjacent blocks and lone ones, the page's first and last.</summary>
    static readonly int[] Few = [0, 1, 17, 18, 30, 41, 62, 63];

    /// <summary>As many again and more: past 16 blocks the page takes all its words.</summary>
    static readonly int[] Many = [.. Few, 5, 8, 10, 12, 24, 26, 33, 35, 47, 50];

    static (int Offset, int Length) InBlocks(Random rng, int[] blocks)
    {
        int word = blocks[rng.Next(blocks.Length)] * 8 + rng.Next(8);
        int bytes = (new[] { 1, 2, 4, 8, 8, 8, 16, 3, 24 })[rng.Next(9)];
        int offset = word * 8 + (bytes >= 8 ? (rng.Next(4) == 0 ? rng.Next(8) : 0) : rng.Next(0, 8 - bytes + 1));
        return (offset, Math.Min(bytes, ShadowPage.Size - offset));
    }

    /// <summary>Any range of the page, most of them long: maintenance over held blocks and the gaps between them.</summary>
    static (int Offset, int Length) Anywhere(Random rng)
    {
        int start = rng.Next(ShadowPage.Size);
        return rng.Next(4) == 0 ? (start & ~63, Math.Min(64, ShadowPage.Size - (start & ~63))) : (start, rng.Next(1, ShadowPage.Size - start + 1));
    }

    [TestMethod]
    [DataRow(61, false)]
    [DataRow(62, false)]
    [DataRow(63, false)]
    [DataRow(64, true)]
    [DataRow(65, true)]
    public void ShadowPage_AccessesInScatteredBlocks_MatchBytePerByteModel(int seed, bool many)
    {
        var rng = new Random(seed);
        var hb = Hb();
        var page = new ShadowPage();
        var model = new Model();
        uint time = 0;
        int inBlocks = 0;
        for (int op = 0; op < 3000; op++)
        {
            hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
            time++;
            if (rng.Next(5) == 0)
            {
                var (from, n) = Anywhere(rng);
                int cpu = rng.Next(2), kind = rng.Next(3);
                page.Mark(hb, cpu, time, kind != 1, kind != 0, from, n);
                model.Mark(hb, cpu, time, kind != 1, kind != 0, from, n);
                continue;
            }
            var (offset, length) = InBlocks(rng, many ? Many : Few);
            var (column, at) = RandomAccess(rng, time);
            page.Record(column, at, offset, length);
            model.Record(column, at, offset, length);
            if (page.BlocksHeld > 0) inBlocks++;
            if (op % 300 == 0) Compare(page, model, rng, $"op {op}");
        }
        Compare(page, model, rng, "end");
        Assert.IsGreaterThan(many ? 10 : 500, inBlocks, "accesses met the page in blocks (most, while the blocks are few)");
        if (many) Assert.AreEqual((0, ShadowPage.Words), (page.BlocksHeld, page.WindowWords), "past 16 blocks, the page");
        else Assert.IsTrue(page.BlocksHeld is >= 8 and <= 12, $"the blocks written and those a range ran into: {page.BlocksHeld}");
        Assert.IsGreaterThan(0, page.SpilledWords, "a word spilled in a block");
    }

    [TestMethod]
    [DataRow(71)]
    [DataRow(72)]
    public void RecordWord_InBlocks_SameShadowAsRecord(int seed)
    {
        var rng = new Random(seed);
        var hb = Hb();
        ShadowPage general = new(), word = new();
        uint time = 0;
        for (int op = 0; op < 3000; op++)
        {
            hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
            time++;
            if (rng.Next(8) == 0)
            {
                var (from, n) = Anywhere(rng);
                int cpu = rng.Next(2), kind = rng.Next(3);
                general.Mark(hb, cpu, time, kind != 1, kind != 0, from, n);
                word.Mark(hb, cpu, time, kind != 1, kind != 0, from, n);
                continue;
            }
            var (offset, length) = InBlocks(rng, Few);
            var (column, at) = RandomAccess(rng, time);
            general.Record(column, at, offset, length);
            if ((offset & 7) + length <= 8) word.RecordWord(column, at, offset, length);
            else word.Record(column, at, offset, length);
            if (op % 500 == 0 || op == 2999)
            {
                CompareShadows(general, word, $"op {op}");
                Assert.AreEqual(general.BlocksHeld, word.BlocksHeld, $"op {op}: blocks");
            }
        }
        Assert.IsGreaterThan(0, word.BlocksHeld);
    }

    [TestMethod]
    public void ShadowPage_TwoWordsFarApart_HoldTwoBlocks()
    {
        var page = new ShadowPage();
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 1), 5, 1);
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 2), 2048 + 5, 1);
        Assert.AreEqual((0, 2, 1, 2 * 64L), (page.WindowWords, page.BlocksHeld, page.Width, page.Footprint), "two blocks of one cell a word");
        Assert.AreEqual((Epoch.Pack(2, 1), Epoch.Pack(2, 2)), (page.At(AccessColumn.DevWrite, 5), page.At(AccessColumn.DevWrite, 2048 + 5)));
        Assert.AreEqual(2048 + 5 - 6, page.Run(AccessColumn.DevWrite, 6, ShadowPage.Size, out ulong at, out _), "nothing between them");
        Assert.AreEqual(0UL, at);
        page.RecordWord(AccessColumn.CpuRead, Epoch.Pack(0, 3), 2048, 8);
        Assert.AreEqual((2, 2, 2 * 128L), (page.BlocksHeld, page.Width, page.Footprint), "a read widens both blocks, nothing else");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ShadowPage_WordsWrittenOneByOne_WindowThenBlocksThenThePage(bool up)
    {
        var page = new ShadowPage();
        var footprints = new List<long>();
        for (int i = 0; i < ShadowPage.Words; i++)
        {
            int w = up ? i : ShadowPage.Words - 1 - i;
            page.RecordWord(AccessColumn.CpuWrite, Epoch.Pack(0, (uint)(i + 1)), w * 8, 8);
            if (footprints.Count == 0 || footprints[^1] != page.Footprint) footprints.Add(page.Footprint);
        }
        // 1, 2, 4, 8 words, then 2 to 16 blocks of 8, then 512 words; 8 bytes a word.
        long[] expected = [8, 16, 32, 64, .. Enumerable.Range(2, 15).Select(b => 64L * b), 4096];
        CollectionAssert.AreEqual(expected, footprints);
        Assert.AreEqual((ShadowPage.Words, 0), (page.WindowWords, page.BlocksHeld));
        for (int i = 0; i < ShadowPage.Words; i++)
        {
            int w = up ? i : ShadowPage.Words - 1 - i;
            Assert.AreEqual(Epoch.Pack(0, (uint)(i + 1)), page.At(AccessColumn.CpuWrite, w * 8 + 7), $"word {w}");
        }
    }

    [TestMethod]
    public void ShadowPage_RangeLongerThanTheBlocksLeft_TakesThePage()
    {
        var page = new ShadowPage();
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 1), 0, 8);
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 2), 1024, 8);
        Assert.AreEqual(2, page.BlocksHeld);
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 3), 2048, 1024 + 8);
        Assert.AreEqual((0, ShadowPage.Words, 4096L), (page.BlocksHeld, page.WindowWords, page.Footprint), "two blocks held and 17 more asked: the page");
        Assert.AreEqual((Epoch.Pack(0, 1), Epoch.Pack(0, 2), Epoch.Pack(2, 3)),
            (page.At(AccessColumn.CpuWrite, 0), page.At(AccessColumn.CpuWrite, 1024), page.At(AccessColumn.DevWrite, 3072)));
        var fresh = new ShadowPage();
        fresh.Record(AccessColumn.DevWrite, Epoch.Pack(2, 1), 100, 900);
        Assert.AreEqual((15, 0), (fresh.BlocksHeld, fresh.WindowWords), "900 bytes from 100 lie in 15 blocks");
    }

    [TestMethod]
    public void ShadowPage_SpilledWordAndMarks_MoveThroughBlocksToThePage()
    {
        var hb = Hb();
        var page = new ShadowPage();
        for (int b = 0; b < 8; b++) page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, (uint)(10 + b)), 200 * 8 + b, 1);
        page.Record(AccessColumn.DevRead, Epoch.Pack(2, 20), 200 * 8, 8);
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(1, 21), 201 * 8, 8);
        page.Mark(hb, 1, 22, clean: true, inval: false, 201 * 8, 64);
        Assert.AreEqual((1, 2), (page.SpilledWords, page.WindowWords));
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 30), 3 * 8, 8);
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 31), 500 * 8, 8);
        Assert.AreEqual((0, 3), (page.WindowWords, page.BlocksHeld), "words 3, 200-201 and 500: three blocks");
        AssertKept(page, "in blocks");
        for (int b = 0; b < 64; b += 4) page.Record(AccessColumn.CpuRead, Epoch.Pack(1, 40), b * 64, 1);
        Assert.AreEqual((ShadowPage.Words, 0), (page.WindowWords, page.BlocksHeld), "past 16 blocks, the page");
        AssertKept(page, "in the page");

        static void AssertKept(ShadowPage page, string when)
        {
            for (int b = 0; b < 8; b++) Assert.AreEqual(Epoch.Pack(0, (uint)(10 + b)), page.At(AccessColumn.CpuWrite, 200 * 8 + b), $"{when}: spilled byte {b}");
            Assert.AreEqual(Epoch.Pack(2, 20), page.At(AccessColumn.DevRead, 200 * 8 + 3), when);
            page.Run(AccessColumn.CpuWrite, 201 * 8, 202 * 8, out ulong at, out ulong mark);
            Assert.AreEqual((Epoch.Pack(1, 21), 22UL), (at, mark), $"{when}: the clean's mark moved with its cell");
            Assert.AreEqual((Epoch.Pack(0, 30), Epoch.Pack(0, 31)), (page.At(AccessColumn.CpuWrite, 3 * 8), page.At(AccessColumn.CpuWrite, 500 * 8)), when);
        }
    }

    [TestMethod]
    public void Mark_OverBlocksAndGaps_MarksOnlyTheWordsHeld()
    {
        var hb = Hb();
        var page = new ShadowPage();
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 1), 0, 128);
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 2), 3008, 64);
        Assert.AreEqual(3, page.BlocksHeld, "two adjacent blocks and one more");
        page.Mark(hb, 0, 5, clean: true, inval: false, 0, ShadowPage.Size);
        Assert.AreEqual(3, page.BlocksHeld, "maintenance holds nothing new");
        foreach (int k in new[] { 0, 64, 127, 3008, 3071 })
        {
            page.Run(AccessColumn.CpuWrite, k, k + 1, out _, out ulong mark);
            Assert.AreEqual(5UL, mark, $"byte {k}");
        }
        Assert.AreEqual(3008 - 128, page.Run(AccessColumn.CpuWrite, 128, ShadowPage.Size, out ulong none, out ulong noMark), "the gap");
        Assert.AreEqual((0UL, 0UL), (none, noMark));
    }

    [TestMethod]
    public void Mark_PartOfAPieceOfBlocks_MarksOnlyItsRange()
    {
        // Blocks 0 and 1 are one piece (adjacent slots), block 47 another; one cell a word, so a clean of whole words
        // takes MarkWholeWords, which must stop at the range's end, not at the piece's.
        var hb = Hb();
        var page = new ShadowPage();
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 1), 0, 128);
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 2), 3008, 64);
        Assert.AreEqual((3, 1), (page.BlocksHeld, page.Width));
        page.Mark(hb, 0, 5, clean: true, inval: false, 16, 32);
        for (int k = 0; k < 128; k += 8)
        {
            page.Run(AccessColumn.CpuWrite, k, k + 1, out _, out ulong mark);
            Assert.AreEqual(k is >= 16 and < 48 ? 5UL : 0UL, mark, $"byte {k}: words 2 to 5 cleaned, the rest of the piece not");
        }
        page.Mark(hb, 0, 6, clean: true, inval: false, 3000, 24);
        foreach (int k in new[] { 3008, 3016 })
        {
            page.Run(AccessColumn.CpuWrite, k, k + 1, out _, out ulong mark);
            Assert.AreEqual(6UL, mark, $"byte {k}: after the gap");
        }
        page.Run(AccessColumn.CpuWrite, 3024, 3025, out _, out ulong after);
        Assert.AreEqual(0UL, after, "byte 3024: past the range");
    }
}
