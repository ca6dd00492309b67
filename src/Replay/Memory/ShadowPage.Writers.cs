using System.Numerics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    /// <summary>
    /// Per cpu, its latest store to the page (noted by <see cref="Record"/> with each cpu-store cell): a bound on
    /// every cpu-store cell, so a rule that only fails on a store not yet in a clock can skip the page's cells
    /// (<see cref="Shadow.StoresWithin"/>), and a cpu that never stored here has no cell to look for (<see cref="AddStoreTimes"/>).
    /// </summary>
    public LatestStores Stores;

    /// <summary>
    /// Both write columns at once: the last cpu store and device write of byte <paramref name="k"/> (packed
    /// epochs, 0 = none) with their cache marks, and the length of the run from k to <paramref name="stop"/>
    /// over which both keep them (<see cref="PairRun"/> of <see cref="AccessColumn.CpuWrite"/> and
    /// <see cref="AccessColumn.DevWrite"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WriterRun(int k, int stop, out ulong cpuAt, out ulong cpuMark, out ulong devAt, out ulong devMark) =>
        PairRun(AccessColumn.CpuWrite, AccessColumn.DevWrite, k, stop, out cpuAt, out cpuMark, out devAt, out devMark);

    /// <summary>
    /// Two columns at once: the latest access of <paramref name="first"/> and of <paramref name="second"/> to
    /// byte <paramref name="k"/> with their marks, and the length of the run from k to <paramref name="stop"/>
    /// over which both keep them. The same answer as <see cref="Run(AccessColumn, int, int, out ulong, out ulong)"/>
    /// of each column (the shorter run), with each word's cells read once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int PairRun(AccessColumn first, AccessColumn second, int k, int stop, out ulong firstAt, out ulong firstMark, out ulong secondAt, out ulong secondMark)
    {
        if (_width == 0)
        {
            // Nothing ever touched the page.
            firstAt = firstMark = secondAt = secondMark = 0;
            return stop - k;
        }
        int b = k & 7;
        var cells = CellsOf(k >> 3, out var marks);
        int held = Held(cells, marks, first, b, out firstAt, out firstMark) & Held(cells, marks, second, b, out secondAt, out secondMark);
        int n = BitOperations.TrailingZeroCount(~(held >> b));
        int j = k + n;
        // Fast path: the access ends inside the word's run (a load of one word, most accesses).
        if (j >= stop) return stop - k;
        if (b + n < 8) return n;
        if (_uniform && BothFrom(cells, marks, first, firstAt, firstMark, second, secondAt, secondMark) == ShadowCell.FullMask) return stop - k;
        // Over the next words; a word whose cells and marks equal those of a word the run covered whole holds
        // the same accesses at every byte, so it is skipped with one compare (a buffer written by one access).
        var whole = b == 0 ? cells : default;
        var wholeMarks = b == 0 ? marks : default;
        while (j < stop)
        {
            cells = CellsOf(j >> 3, out marks);
            if (!whole.IsEmpty && SameWord(cells, marks, whole, wholeMarks))
            {
                j += 8;
                continue;
            }
            int same = BitOperations.TrailingZeroCount(~BothFrom(cells, marks, first, firstAt, firstMark, second, secondAt, secondMark));
            j += same;
            if (same < 8) break;
            whole = cells;
            wholeMarks = marks;
        }
        return Math.Min(j, stop) - k;
    }

    /// <summary>The cell of <paramref name="column"/> holding byte <paramref name="b"/> (its access and mark) and the bytes it holds; none: the bytes no cell of the column holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Held(ReadOnlySpan<ulong> cells, ReadOnlySpan<ulong> marks, AccessColumn column, int b, out ulong at, out ulong mark)
    {
        int i = cells.IsEmpty ? -1 : WordCells.Holding(cells, column, b);
        if (i >= 0)
        {
            at = ShadowCell.At(cells[i]);
            mark = marks.IsEmpty ? 0 : marks[i];
            return ShadowCell.Mask(cells[i]);
        }
        at = mark = 0;
        return cells.IsEmpty ? ShadowCell.FullMask : ~WordCells.Union(cells, column) & ShadowCell.FullMask;
    }

    /// <summary>The bytes of a word where both columns hold the given accesses with the given marks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int BothFrom(ReadOnlySpan<ulong> cells, ReadOnlySpan<ulong> marks, AccessColumn first, ulong firstAt, ulong firstMark, AccessColumn second, ulong secondAt, ulong secondMark) =>
        SameFrom(cells, marks, first, firstAt, firstMark) & SameFrom(cells, marks, second, secondAt, secondMark);

    /// <summary>
    /// True when two words' cells and marks are equal: every question about one has the other's answer. The
    /// spans are what <see cref="CellsOf"/> returns (a spilled word's block, never its flagged inline cell).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool SameWord(ReadOnlySpan<ulong> cells, ReadOnlySpan<ulong> marks, ReadOnlySpan<ulong> other, ReadOnlySpan<ulong> otherMarks)
    {
        if (cells.Length != other.Length || marks.Length != otherMarks.Length) return false;
        // A loop, not SequenceEqual: words hold 1 to 4 cells, and the call cost more than the compares.
        for (int i = 0; i < cells.Length; i++)
            if (cells[i] != other[i]) return false;
        for (int i = 0; i < marks.Length; i++)
            if (marks[i] != otherMarks[i]) return false;
        return true;
    }
}
