using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// A page's per-byte columns (<see cref="PageColumn{T}"/>: release handles, table values): only the bytes written are
/// held, in a window that grows to the whole page, and every read answers what a whole-page array would.
/// </summary>
[TestClass]
public sealed class ShadowPageTests
{
    [TestMethod]
    public void Releases_WriteOnOnePage_OtherPagesStayZero()
    {
        var written = new ShadowPage();
        var untouched = new ShadowPage();
        written.Releases.Cover(17, 1)[0] = 5;
        Assert.AreEqual(5, written.Releases.At(17));
        Assert.AreEqual(0, untouched.Releases.At(17));
        Assert.AreEqual(0, ShadowPage.Untouched.Releases.At(17));
        Assert.AreEqual(0L, untouched.Footprint);
        Assert.AreEqual(4L * 8, written.Footprint, "one word of handles");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public void PageColumn_RandomWrites_ReadsAsAWholePageArray(int seed)
    {
        var rng = new Random(seed);
        var column = new PageColumn<int>();
        var model = new int[ShadowPage.Size];
        var scratch = new int[ShadowPage.Size];
        // Seeds 1 and 2 write a few words far apart (windows of one word to the whole page), 3 and 4 anywhere.
        int[] spots = [.. Enumerable.Range(0, 6).Select(_ => rng.Next(ShadowPage.Size / 8) * 8)];
        for (int op = 0; op < 3000; op++)
        {
            int length = (new[] { 1, 2, 4, 8, 8, 16, 40, 300 })[rng.Next(seed <= 2 ? 5 : 8)];
            int offset = seed <= 2 ? spots[rng.Next(op < 50 ? 2 : spots.Length)] + rng.Next(8) : rng.Next(ShadowPage.Size);
            length = Math.Min(length, ShadowPage.Size - offset);
            model.AsSpan(offset, length).Fill(op + 1);
            ColumnPieces.Write(ref column, offset, model.AsSpan(offset, length));

            int at = rng.Next(ShadowPage.Size), n = rng.Next(1, Math.Min(600, ShadowPage.Size - at) + 1);
            Assert.AreEqual(model[at], column.At(at), $"op {op}: byte {at}");
            CollectionAssert.AreEqual(model.AsSpan(at, n).ToArray(), column.Read(at, n, scratch).ToArray(), $"op {op}: read of {n} at {at}");
            ColumnPieces.AssertHeld(column, model, at, n, $"op {op}: pieces of {n} at {at}");
            int held = column.Held;
            Assert.IsTrue(column.InBlocks ? held % PageColumn<int>.BlockBytes == 0 && held <= PageColumn<int>.MaxBlocks * PageColumn<int>.BlockBytes
                : held <= PageColumn<int>.MaxWindow || held == ShadowPage.Size, $"op {op}: held {held}");
        }
    }

    [TestMethod]
    public void PageColumn_ValuesOfOneEntry_HoldThatEntry()
    {
        var page = new ShadowPage();
        page.Values.Cover(2048, 8).Fill(0xa5);
        Assert.AreEqual(8, page.Values.Held);
        page.Values.Cover(2056, 8).Fill(0x5a);
        Assert.AreEqual(16, page.Values.Held, "the next entry doubles the window");
        page.Values.Cover(0, 8).Fill(1);
        Assert.IsTrue(page.Values.InBlocks, "bytes more than 64 apart take blocks");
        Assert.AreEqual(2 * 64, page.Values.Held, "the window's block and the new entry's");
        Assert.AreEqual((byte)0xa5, page.Values.At(2048 + 7));
        Assert.AreEqual((byte)0x5a, page.Values.At(2056));
        Assert.AreEqual((byte)0, page.Values.At(2064));
        Assert.AreEqual((byte)1, page.Values.At(7));
    }

    /// <summary>
    /// An IOMMU page table with a few PTEs on each page (wherever their IOVAs index it): the values and the release
    /// handles of two 8-byte entries 2 KiB apart hold two blocks each, not the page (4 KiB of values, 16 KiB of handles).
    /// </summary>
    [TestMethod]
    public void PageColumn_TwoEntriesFarApart_HoldTwoBlocksNotThePage()
    {
        var page = new ShadowPage();
        page.Values.Cover(0, 8).Fill(3);
        page.Values.Cover(2048, 8).Fill(4);
        page.Releases.Cover(0, 8).Fill(5);
        page.Releases.Cover(2048, 8).Fill(6);
        Assert.AreEqual(2 * 64 + 2 * 64 * 4 + 2 * 8 * 64, page.Footprint, "two blocks of each column and their two indexes");
        Assert.IsLessThan(4096L, page.Footprint);
        Assert.AreEqual((3, 4, 0), (page.Values.At(7), page.Values.At(2048), page.Values.At(2056)));
        Assert.AreEqual((5, 6, 0), (page.Releases.At(0), page.Releases.At(2055), page.Releases.At(1024)));
    }

    /// <summary>
    /// Past <see cref="PageColumn{T}.MaxBlocks"/> blocks a page is dense: the column takes one array of the page, with
    /// every byte written before where it was.
    /// </summary>
    [TestMethod]
    public void PageColumn_MoreBlocksThanTheMost_TakesThePageKeepingEveryByte()
    {
        var column = new PageColumn<byte>();
        var model = new byte[ShadowPage.Size];
        int stride = ShadowPage.Size / (PageColumn<byte>.MaxBlocks + 1);
        for (int i = 0; i <= PageColumn<byte>.MaxBlocks; i++)
        {
            int at = i * stride + 3;
            model[at] = (byte)(i + 1);
            ColumnPieces.Write(ref column, at, model.AsSpan(at, 1));
            bool whole = i == PageColumn<byte>.MaxBlocks;
            Assert.AreEqual(!whole && i > 0, column.InBlocks, $"entry {i}: blocks from the second far entry on");
            Assert.AreEqual(whole ? ShadowPage.Size : i == 0 ? 8 : (i + 1) * 64, column.Held, $"entry {i}");
        }
        for (int k = 0; k < ShadowPage.Size; k++) Assert.AreEqual(model[k], column.At(k), $"byte {k}");
    }

    /// <summary>
    /// A range longer than the blocks left goes straight to the page (a page table zeroed whole): from nothing, from a
    /// window, and from blocks, every byte written before kept.
    /// </summary>
    [TestMethod]
    public void PageColumn_RangeLongerThanTheBlocksLeft_TakesThePageAtOnce()
    {
        var fresh = new PageColumn<int>();
        Assert.AreEqual(ShadowPage.Size, fresh.Cover(0, ShadowPage.Size).Length, "a whole-page write from nothing: one piece");
        Assert.AreEqual((false, ShadowPage.Size), (fresh.InBlocks, fresh.Held));

        var fromWindow = new PageColumn<int>();
        fromWindow.Cover(8, 4).Fill(7);
        Assert.AreEqual(1025, fromWindow.Cover(2000, 1025).Length, "more than 16 blocks' bytes: the page, one piece");
        Assert.AreEqual((false, ShadowPage.Size, 7, 0), (fromWindow.InBlocks, fromWindow.Held, fromWindow.At(11), fromWindow.At(12)));

        var fromBlocks = new PageColumn<int>();
        fromBlocks.Cover(0, 4).Fill(1);
        fromBlocks.Cover(3000, 4).Fill(2);
        Assert.IsTrue(fromBlocks.InBlocks);
        Assert.AreEqual(64, fromBlocks.Cover(1024, 64).Length, "one block's bytes: a block");
        Assert.IsTrue(fromBlocks.InBlocks);
        Assert.AreEqual(900, fromBlocks.Cover(1100, 900).Length, "more bytes than the 13 blocks left: the page");
        Assert.AreEqual((false, 1, 2), (fromBlocks.InBlocks, fromBlocks.At(3), fromBlocks.At(3003)));
    }

    /// <summary>A range over several blocks is written and read piece by piece: a block per piece, unheld blocks read as zero.</summary>
    [TestMethod]
    public void PageColumn_RangeOverBlocks_WrittenAndReadPieceByPiece()
    {
        var column = new PageColumn<int>();
        var model = new int[ShadowPage.Size];
        model[0] = 1;
        ColumnPieces.Write(ref column, 0, model.AsSpan(0, 1));
        model[1000] = 2;
        ColumnPieces.Write(ref column, 1000, model.AsSpan(1000, 1));
        Assert.IsTrue(column.InBlocks);
        for (int k = 120; k < 300; k++) model[k] = k;
        var first = column.Cover(120, 180);
        Assert.AreEqual(8, first.Length, "up to the end of the block holding the first byte (128)");
        ColumnPieces.Write(ref column, 120, model.AsSpan(120, 180));
        Assert.AreEqual(2 + 4, column.Held / 64, "blocks 0, 15 and the four the range meets (1..4)");
        ColumnPieces.AssertHeld(column, model, 0, ShadowPage.Size, "the whole page");
        var scratch = new int[ShadowPage.Size];
        CollectionAssert.AreEqual(model.AsSpan(100, 1000).ToArray(), column.Read(100, 1000, scratch).ToArray());
        Assert.IsTrue(column.Read(130, 20, scratch).Overlaps(column.Cover(130, 20)), "a read inside one block is the block itself");
    }
}
