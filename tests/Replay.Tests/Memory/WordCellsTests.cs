using System.Runtime.Intrinsics;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>The vector forms of the word-cell questions against their scalar twins, on random words of four cells.</summary>
[TestClass]
public sealed class WordCellsTests
{
    /// <summary>A word's cells as a page holds them: per column disjoint masks, free cells all zero.</summary>
    static ulong[] RandomWord(Random rng, int width)
    {
        var cells = new ulong[width];
        var taken = new int[4];
        for (int i = 0; i < width; i++)
        {
            if (rng.Next(4) == 0) continue;
            var column = (AccessColumn)rng.Next(4);
            int mask = rng.Next(1, 256) & ~taken[(int)column];
            if (mask == 0) continue;
            taken[(int)column] |= mask;
            cells[i] = ShadowCell.Make(column, ((ulong)rng.Next(0, 70_000) << 32) | (uint)rng.Next(1, int.MaxValue), mask);
        }
        return cells;
    }

    [TestMethod]
    [DataRow(1, 4)]
    [DataRow(2, 4)]
    [DataRow(3, 2)]
    [DataRow(4, 2)]
    public void WordCellsVector_RandomWords_MatchScalarTwin(int seed, int width)
    {
        if (!Vector256.IsHardwareAccelerated) Assert.Inconclusive("no Vector256 on this machine: the vector forms never run");
        var rng = new Random(seed);
        for (int trial = 0; trial < 5000; trial++)
        {
            var cells = RandomWord(rng, width);
            var column = (AccessColumn)rng.Next(4);
            int b = rng.Next(8), mask = rng.Next(1, 256);
            bool four = width == 4;
            Assert.AreEqual(WordCellsScalar.Holding(cells, column, b), four ? WordCellsVector.Holding4(cells, column, b) : WordCellsVector.Holding2(cells, column, b), $"holding, trial {trial}");
            Assert.AreEqual(WordCellsScalar.Union(cells, column), four ? WordCellsVector.Union4(cells, column) : WordCellsVector.Union2(cells, column), $"union, trial {trial}");
            Assert.AreEqual(WordCellsScalar.Free(cells), four ? WordCellsVector.Free4(cells) : WordCellsVector.Free2(cells), $"free, trial {trial}");

            ulong[] scalar = [.. cells], vector = [.. cells];
            ulong[] scalarMarks = [.. cells.Select(c => c == 0 ? 0UL : (ulong)rng.Next(1, 9))];
            ulong[] vectorMarks = [.. scalarMarks];
            WordCellsScalar.Drop(scalar, scalarMarks, column, mask);
            if (four) WordCellsVector.Drop4(vector, vectorMarks, column, mask);
            else WordCellsVector.Drop2(vector, vectorMarks, column, mask);
            CollectionAssert.AreEqual(scalar, vector, $"drop, trial {trial}");
            CollectionAssert.AreEqual(scalarMarks, vectorMarks, $"drop marks, trial {trial}");
        }
    }

    [TestMethod]
    public void WordCellsScalar_DropWholeCell_FreesItAndItsMark()
    {
        ulong[] cells = [ShadowCell.Make(AccessColumn.CpuWrite, 5, 0x0F), ShadowCell.Make(AccessColumn.CpuWrite, 6, 0xF0)];
        ulong[] marks = [7, 8];
        WordCellsScalar.Drop(cells, marks, AccessColumn.CpuWrite, 0x3F);
        Assert.AreEqual(0UL, cells[0]);
        Assert.AreEqual(0UL, marks[0]);
        Assert.AreEqual(ShadowCell.Make(AccessColumn.CpuWrite, 6, 0xC0), cells[1]);
        Assert.AreEqual(8UL, marks[1], "a cell keeps its mark on the bytes it still holds");
        Assert.AreEqual(0, WordCellsScalar.Free(cells));
    }
}
