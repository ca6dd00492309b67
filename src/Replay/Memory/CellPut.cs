using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The write fast path of one word's inline cells: a new cell replaces, in one pass over the word, the
/// cells of its column it covers whole and takes the first slot that frees or was free. This is what
/// <see cref="WordCells.Drop"/> then <see cref="WordCells.Free"/> then a store do (the same array after),
/// for the cases that are nearly every access: a cpu store or load over the bytes its previous one held (one
/// cell replaced), an 8-byte access over two 4-byte cells, a column's first access to a word with a free cell.
/// It declines (false, nothing changed) when a cell of the column holds bytes both inside and outside the new
/// mask (it must be split), when no slot is free (the page widens), or when the word spilled: the caller
/// then takes the general path.
/// </summary>
static class CellPut
{
    static Vector256<ulong> Lanes4 => Vector256.Create(0UL, 1, 2, 3);
    static Vector128<ulong> Lanes2 => Vector128.Create(0UL, 1);

    /// <summary>
    /// Puts <paramref name="cell"/> (column, epoch and byte mask; the mask not 0) into the word whose
    /// <paramref name="width"/> inline cells start at <paramref name="at"/> of <paramref name="cells"/>
    /// (marks parallel, or null), or returns false having changed nothing. The caller guarantees the word
    /// lies in both arrays (a materialized page holds <see cref="ShadowPage.Words"/> × width cells and as many
    /// marks): the loads are unchecked, because checking them read the arrays' headers, a cache line apart
    /// from the word for most words, and that miss was the largest single cost of recording an access.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPut(ulong[] cells, ulong[]? marks, int at, int width, ulong cell) =>
        TryPut(cells, marks, at, width, cell, WordCells.Vectorized);

    /// <summary>As <see cref="TryPut(ulong[], ulong[], int, int, ulong)"/>, with <see cref="WordCells.Vectorized"/> read by the caller (once per access).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPut(ulong[] cells, ulong[]? marks, int at, int width, ulong cell, bool vectorized)
    {
        Debug.Assert(width is 1 or 2 or 4 && at >= 0 && at + width <= cells.Length && (marks is null || marks.Length == cells.Length));
        // A register test, so the JIT drops the null check that would load the array's header line.
        if (cells is null) return false;
        if (width == 1) return TryPut1(cells, marks, at, cell);
        if (vectorized && width == 4) return TryPut4(cells, marks, at, cell);
        if (vectorized && width == 2) return TryPut2(cells, marks, at, cell);
        return TryPutScalar(cells, marks, at, width, cell);
    }

    /// <summary>
    /// One cell per word (a page only stored to, the commonest): the new cell replaces the word's cell when
    /// that one is free or of its column and inside its bytes; any other cell leaves no free slot (false).
    /// Small enough to inline, where the loop of <see cref="TryPutScalar"/> was a call per write.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPut1(ulong[] cells, ulong[]? marks, int at, ulong cell)
    {
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), at);
        ulong c = word;
        // A spilled word's flag, another column, or bytes outside the new ones (a split, or a second cell
        // for disjoint bytes) all decline: the occupied cell must stay.
        if (c != 0 && ((c & (ShadowCell.SpillFlag | ShadowCell.ColumnBits)) != (cell & ShadowCell.ColumnBits) || (c & ShadowCell.MaskBits & ~cell) != 0)) return false;
        word = cell;
        if (marks is not null) Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), at) = 0;
        return true;
    }

    /// <summary>The scalar form (width 1, and the twin the vector forms are tested against).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryPutScalar(ulong[] cells, ulong[]? marks, int at, int width, ulong cell)
    {
        ulong bytes = cell & ShadowCell.MaskBits, key = cell & ShadowCell.ColumnBits;
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), at);
        if ((word & ShadowCell.SpillFlag) != 0) return false;
        int target = -1;
        uint covered = 0;
        for (int i = 0; i < width; i++)
        {
            ulong c = Unsafe.Add(ref word, i);
            if (c == 0)
            {
                if (target < 0) target = i;
                continue;
            }
            if ((c & ShadowCell.ColumnBits) != key || (c & bytes) == 0) continue;
            // Bytes of the cell outside the new one stay its own: a split, the general path's job.
            if ((c & ShadowCell.MaskBits & ~bytes) != 0) return false;
            covered |= 1u << i;
            if (target < 0) target = i;
        }
        if (target < 0) return false;
        uint covered0 = covered;
        for (; covered != 0; covered &= covered - 1) Unsafe.Add(ref word, BitOperations.TrailingZeroCount(covered)) = 0;
        Unsafe.Add(ref word, target) = cell;
        if (marks is not null)
        {
            ref ulong mark = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), at);
            for (int i = 0; i < width; i++)
                if (i == target || (covered0 & (1u << i)) != 0) Unsafe.Add(ref mark, i) = 0;
        }
        return true;
    }

    /// <summary>Four cells in one <see cref="Vector256{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPut4(ulong[] cells, ulong[]? marks, int at, ulong cell)
    {
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), at);
        if ((word & ShadowCell.SpillFlag) != 0) return false;
        ulong bytes = cell & ShadowCell.MaskBits;
        var v = Vector256.LoadUnsafe(ref word);
        var covered = Vector256.Equals(v & Vector256.Create(ShadowCell.ColumnBits), Vector256.Create(cell & ShadowCell.ColumnBits))
            & ~Vector256.Equals(v & Vector256.Create(bytes), Vector256<ulong>.Zero);
        var outside = ~Vector256.Equals(v & Vector256.Create(ShadowCell.MaskBits & ~bytes), Vector256<ulong>.Zero);
        if ((covered & outside) != Vector256<ulong>.Zero) return false;
        uint slots = (covered | Vector256.Equals(v, Vector256<ulong>.Zero)).ExtractMostSignificantBits();
        if (slots == 0) return false;
        // One store of the whole word: a vector store and a scalar store into it would make the next
        // access's vector load of this word wait for both to retire (no store forwarding from two stores).
        var put = Vector256.Equals(Lanes4, Vector256.Create((ulong)BitOperations.TrailingZeroCount(slots)));
        Vector256.ConditionalSelect(put, Vector256.Create(cell), Vector256.AndNot(v, covered)).StoreUnsafe(ref word);
        if (marks is not null)
        {
            ref ulong mark = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), at);
            Vector256.AndNot(Vector256.LoadUnsafe(ref mark), covered | put).StoreUnsafe(ref mark);
        }
        return true;
    }

    /// <summary>Two cells in one <see cref="Vector128{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPut2(ulong[] cells, ulong[]? marks, int at, ulong cell)
    {
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), at);
        if ((word & ShadowCell.SpillFlag) != 0) return false;
        ulong bytes = cell & ShadowCell.MaskBits;
        var v = Vector128.LoadUnsafe(ref word);
        var covered = Vector128.Equals(v & Vector128.Create(ShadowCell.ColumnBits), Vector128.Create(cell & ShadowCell.ColumnBits))
            & ~Vector128.Equals(v & Vector128.Create(bytes), Vector128<ulong>.Zero);
        var outside = ~Vector128.Equals(v & Vector128.Create(ShadowCell.MaskBits & ~bytes), Vector128<ulong>.Zero);
        if ((covered & outside) != Vector128<ulong>.Zero) return false;
        uint slots = (covered | Vector128.Equals(v, Vector128<ulong>.Zero)).ExtractMostSignificantBits();
        if (slots == 0) return false;
        // One store of the whole word: a vector store and a scalar store into it would make the next
        // access's vector load of this word wait for both to retire (no store forwarding from two stores).
        var put = Vector128.Equals(Lanes2, Vector128.Create((ulong)BitOperations.TrailingZeroCount(slots)));
        Vector128.ConditionalSelect(put, Vector128.Create(cell), Vector128.AndNot(v, covered)).StoreUnsafe(ref word);
        if (marks is not null)
        {
            ref ulong mark = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), at);
            Vector128.AndNot(Vector128.LoadUnsafe(ref mark), covered | put).StoreUnsafe(ref mark);
        }
        return true;
    }
}
