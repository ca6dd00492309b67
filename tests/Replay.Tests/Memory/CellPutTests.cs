using System.Runtime.Intrinsics;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The write fast path of a word (<see cref="CellPut"/>), scalar and vector, against the general path it
/// skips (drop the bytes from the column's cells, take the first free cell, store): on random words of 1, 2
/// and 4 cells with random marks it yields exactly the general path's cells and marks, declines (changing
/// nothing) only where the general path must split a cell or widen the page, and takes every other case.
/// </summary>
[TestClass]
public sealed class CellPutTests
{
    /// <summary>A word's cells as a page holds them: per column disjoint masks, free cells all zero; more of the new cell's column and shape than chance would give.</summary>
    static ulong[] RandomWord(Random rng, int width, AccessColumn hot, int hotMask)
    {
        var cells = new ulong[width];
        var taken = new int[4];
        for (int i = 0; i < width; i++)
        {
            if (rng.Next(4) == 0) continue;
            var column = rng.Next(3) == 0 ? hot : (AccessColumn)rng.Next(4);
            int mask = (rng.Next(3) == 0 ? hotMask : rng.Next(2) == 0 ? (0x0F << (4 * rng.Next(2))) : rng.Next(1, 256)) & ~taken[(int)column];
            if (mask == 0) continue;
            taken[(int)column] |= mask;
            cells[i] = ShadowCell.Make(column, ((ulong)rng.Next(0, 1 << 16) << 32) | (uint)rng.Next(1, int.MaxValue), mask);
        }
        return cells;
    }

    /// <summary>The general path on one word: false when it must split a cell (a column cell partly covered) or widen.</summary>
    static bool General(ulong[] cells, ulong[] marks, AccessColumn column, ulong cell, int mask)
    {
        ulong key = ShadowCell.ColumnKey(column);
        foreach (ulong c in cells)
            if (c != 0 && (c & ShadowCell.ColumnBits) == key && (ShadowCell.Mask(c) & mask) != 0 && (ShadowCell.Mask(c) & ~mask) != 0) return false;
        WordCellsScalar.Drop(cells, marks, column, mask);
        int slot = WordCellsScalar.Free(cells);
        if (slot < 0) return false;
        cells[slot] = ShadowCell.WithMask(cell, mask);
        return true;
    }

    [TestMethod]
    [DataRow(1, 1, false)]
    [DataRow(2, 2, false)]
    [DataRow(3, 4, false)]
    [DataRow(4, 2, true)]
    [DataRow(5, 4, true)]
    [DataRow(6, 1, true)]
    public void CellPut_RandomWords_SameCellsAsGeneralPath(int seed, int width, bool vector)
    {
        // "vector" at width 1 is the one-cell form TryPut1 (no loop, inlined), the scalar one TryPutScalar.
        if (vector && width > 1 && !Vector256.IsHardwareAccelerated) Assert.Inconclusive("no Vector256 on this machine: the vector forms never run");
        var rng = new Random(seed);
        int taken = 0, declined = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            var column = (AccessColumn)rng.Next(4);
            int mask = (new[] { 0xFF, 0x0F, 0xF0, 0x03, 0x3C, 0x01 })[rng.Next(6)];
            if (rng.Next(4) == 0) mask = rng.Next(1, 256);
            // Two words side by side, the word under test second: the fast path must keep to its own cells.
            var before = new ulong[2 * width];
            RandomWord(rng, width, column, mask).CopyTo(before, width);
            RandomWord(rng, width, column, mask).CopyTo(before, 0);
            var marksBefore = before.Select(c => c == 0 ? 0UL : (ulong)rng.Next(1, 9)).ToArray();
            ulong cell = ShadowCell.Make(column, ((ulong)rng.Next(0, 1 << 16) << 32) | (uint)rng.Next(1, int.MaxValue), mask);
            bool withMarks = rng.Next(2) == 0;

            ulong[] expected = [.. before], expectedMarks = [.. marksBefore];
            ulong[] word = expected[width..], wordMarks = expectedMarks[width..];
            bool general = General(word, wordMarks, column, cell, mask);
            if (general)
            {
                word.CopyTo(expected, width);
                wordMarks.CopyTo(expectedMarks, width);
            }
            ulong[] cells = [.. before], marks = [.. marksBefore];
            bool done = vector
                ? (width == 4 ? CellPut.TryPut4(cells, withMarks ? marks : null, width, cell)
                    : width == 2 ? CellPut.TryPut2(cells, withMarks ? marks : null, width, cell)
                    : CellPut.TryPut1(cells, withMarks ? marks : null, width, cell))
                : CellPut.TryPutScalar(cells, withMarks ? marks : null, width, width, cell);
            Assert.AreEqual(general, done, $"trial {trial}: fast path taken exactly where the general path neither splits nor widens");
            CollectionAssert.AreEqual(done ? expected : before, cells, $"trial {trial}: cells {string.Join(",", before.Select(c => c.ToString("x")))} put {cell:x} got {string.Join(",", cells.Select(c => c.ToString("x")))} want {string.Join(",", expected.Select(c => c.ToString("x")))}");
            if (withMarks) CollectionAssert.AreEqual(done ? expectedMarks : marksBefore, marks, $"trial {trial}: marks");
            if (done) taken++;
            else declined++;
        }
        Assert.IsTrue(taken > 1000 && declined > 100, $"both outcomes exercised ({taken} taken, {declined} declined)");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void CellPut_SpilledWord_Declines(bool vector)
    {
        ulong[] cells = [ShadowCell.SpillFlag, 0, 0, 0];
        ulong cell = ShadowCell.Make(AccessColumn.CpuWrite, 5, 0xFF);
        bool done = vector && Vector256.IsHardwareAccelerated ? CellPut.TryPut4(cells, null, 0, cell) : CellPut.TryPutScalar(cells, null, 0, 4, cell);
        Assert.IsFalse(done);
        CollectionAssert.AreEqual(new ulong[] { ShadowCell.SpillFlag, 0, 0, 0 }, cells);
        ulong[] one = [ShadowCell.SpillFlag];
        Assert.IsFalse(CellPut.TryPut1(one, null, 0, cell), "the one-cell form declines a spilled word");
        Assert.AreEqual(ShadowCell.SpillFlag, one[0]);
    }
}
