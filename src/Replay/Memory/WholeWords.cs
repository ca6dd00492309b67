using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The write path of a run of whole words on a page of one cell per word (a page only cpu-stored to, or
/// only DMA-written, the commonest): one pass over the run's cells, where <see cref="ShadowPage.Record"/>
/// paid a mask, an index and a put per word. On the driver mix the accesses of 264 B – 4 KiB that do not
/// cover whole pages bring 41 % of the words written, and every one of them met a page at width 1.
/// </summary>
/// <remarks>
/// Per word this is exactly <see cref="CellPut.TryPut1"/> of a cell over all eight bytes: the word takes the
/// cell when its cell is free or of the same column (a full mask covers any bytes it held) and not a spill
/// flag; otherwise the run stops there, and the caller puts that word the general way. Words are independent,
/// so stopping part-way leaves every word before the stop exactly as the per-word path would. (A width-1 page never
/// holds a spill flag: a word spills only at width 4, and a page never narrows. The test stays as the guard of
/// <see cref="CellPut.TryPut1"/>'s contract; dropping it is an equivalent mutation, which no test can catch.)
/// </remarks>
static class WholeWords
{
    /// <summary>
    /// Puts <paramref name="cell"/> (its mask all eight bytes) into words [<paramref name="from"/>,
    /// <paramref name="to"/>) of a width-1 page's <paramref name="cells"/> (marks parallel, or null), in order,
    /// up to the first word that declines; returns that word, or <paramref name="to"/> when all took it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Put1(ulong[] cells, ulong[]? marks, int from, int to, ulong cell, bool vectorized)
    {
        Debug.Assert(ShadowCell.Mask(cell) == ShadowCell.FullMask && (cell & ShadowCell.SpillFlag) == 0);
        Debug.Assert(from >= 0 && from <= to && to <= cells.Length && (marks is null || marks.Length == cells.Length));
        // Unchecked, as CellPut's loads: the caller's window holds the run, and a bounds check reads the array's
        // length, a cache line apart from the run for most runs (and from the page, for an array allocated when the
        // page's window last grew): that miss was 60 % of recording a multi-word access. A register test, so the JIT
        // drops the null check that would load the same line.
        if (cells is null) return from;
        var run = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), from), to - from);
        int taken = vectorized ? Put1Vector(run, cell) : Put1Scalar(run, cell);
        // A new write cell starts unmarked.
        if (marks is not null) marks.AsSpan(from, taken).Clear();
        return from + taken;
    }

    /// <summary>The scalar form (and the twin the vector form is tested against): the words of <paramref name="run"/> that took the cell before the first that declines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Put1Scalar(Span<ulong> run, ulong cell)
    {
        ulong key = cell & ShadowCell.ColumnBits;
        ref ulong word = ref MemoryMarshal.GetReference(run);
        for (int i = 0; i < run.Length; i++)
        {
            ulong c = Unsafe.Add(ref word, i);
            if (c != 0 && (c & (ShadowCell.SpillFlag | ShadowCell.ColumnBits)) != key) return i;
            Unsafe.Add(ref word, i) = cell;
        }
        return run.Length;
    }

    /// <summary>Four words per <see cref="Vector256{T}"/>: a compare and a store, the tail and the declining block word by word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Put1Vector(Span<ulong> run, ulong cell)
    {
        ref ulong word = ref MemoryMarshal.GetReference(run);
        var key = Vector256.Create(cell & ShadowCell.ColumnBits);
        var bits = Vector256.Create(ShadowCell.SpillFlag | ShadowCell.ColumnBits);
        var put = Vector256.Create(cell);
        int i = 0;
        for (; i <= run.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
        {
            var v = Vector256.LoadUnsafe(ref word, (nuint)i);
            var takes = Vector256.Equals(v & bits, key) | Vector256.Equals(v, Vector256<ulong>.Zero);
            if (takes != Vector256<ulong>.AllBitsSet)
            {
                int n = BitOperations.TrailingZeroCount(~takes.ExtractMostSignificantBits());
                for (int j = 0; j < n; j++) Unsafe.Add(ref word, i + j) = cell;
                return i + n;
            }
            put.StoreUnsafe(ref word, (nuint)i);
        }
        return i + Put1Scalar(run[i..], cell);
    }
}
