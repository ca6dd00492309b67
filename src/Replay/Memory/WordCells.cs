using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The questions asked of one word's cells (<see cref="ShadowCell"/>): which cell of a column holds a byte,
/// which bytes a column holds, drop bytes from a column, a free slot. A word has 1, 2 or 4 cells inline
/// (or 32 once spilled); with 2 or 4 the cells are compared in one <see cref="Vector128"/> /
/// <see cref="Vector256"/> (<see cref="WordCellsVector"/>), otherwise one by one (<see cref="WordCellsScalar"/>,
/// also the twin the vector forms are tested against). Vector256 being accelerated stands for both.
/// </summary>
static class WordCells
{
    /// <summary>False forces the scalar forms (tests; <c>TRACETOOLS_SIMD=scalar</c>).</summary>
    internal static readonly bool Vectorized = Vector256.IsHardwareAccelerated &&
        !string.Equals(Environment.GetEnvironmentVariable("TRACETOOLS_SIMD"), "scalar", StringComparison.OrdinalIgnoreCase);

    /// <summary>Index of the cell of <paramref name="column"/> holding byte <paramref name="b"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Holding(ReadOnlySpan<ulong> cells, AccessColumn column, int b)
    {
        if (Vectorized && cells.Length == 4) return WordCellsVector.Holding4(cells, column, b);
        if (Vectorized && cells.Length == 2) return WordCellsVector.Holding2(cells, column, b);
        return WordCellsScalar.Holding(cells, column, b);
    }

    /// <summary>The bytes some cell of <paramref name="column"/> holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Union(ReadOnlySpan<ulong> cells, AccessColumn column)
    {
        if (Vectorized && cells.Length == 4) return WordCellsVector.Union4(cells, column);
        if (Vectorized && cells.Length == 2) return WordCellsVector.Union2(cells, column);
        return WordCellsScalar.Union(cells, column);
    }

    /// <summary>Drops <paramref name="mask"/> from the cells of <paramref name="column"/>; cells left empty become free (their marks 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Drop(Span<ulong> cells, Span<ulong> marks, AccessColumn column, int mask)
    {
        if (Vectorized && cells.Length == 4) WordCellsVector.Drop4(cells, marks, column, mask);
        else if (Vectorized && cells.Length == 2) WordCellsVector.Drop2(cells, marks, column, mask);
        else WordCellsScalar.Drop(cells, marks, column, mask);
    }

    /// <summary>Index of a free cell, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Free(ReadOnlySpan<ulong> cells)
    {
        if (Vectorized && cells.Length == 4) return WordCellsVector.Free4(cells);
        if (Vectorized && cells.Length == 2) return WordCellsVector.Free2(cells);
        return WordCellsScalar.Free(cells);
    }
}

/// <summary>The scalar forms of <see cref="WordCells"/>: one cell at a time.</summary>
static class WordCellsScalar
{
    public static int Holding(ReadOnlySpan<ulong> cells, AccessColumn column, int b)
    {
        ulong key = ShadowCell.ColumnKey(column) | (1UL << (ShadowCell.MaskShift + b));
        ulong bits = ShadowCell.ColumnBits | (1UL << (ShadowCell.MaskShift + b));
        for (int i = 0; i < cells.Length; i++)
            if ((cells[i] & bits) == key) return i;
        return -1;
    }

    public static int Union(ReadOnlySpan<ulong> cells, AccessColumn column)
    {
        ulong key = ShadowCell.ColumnKey(column);
        int union = 0;
        foreach (ulong c in cells)
            if ((c & ShadowCell.ColumnBits) == key) union |= ShadowCell.Mask(c);
        return union;
    }

    public static void Drop(Span<ulong> cells, Span<ulong> marks, AccessColumn column, int mask)
    {
        ulong key = ShadowCell.ColumnKey(column), clear = ~((ulong)(uint)mask << ShadowCell.MaskShift);
        for (int i = 0; i < cells.Length; i++)
        {
            ulong c = cells[i];
            if (c == 0 || (c & ShadowCell.ColumnBits) != key) continue;
            c &= clear;
            if ((c & ShadowCell.MaskBits) == 0)
            {
                c = 0;
                if (!marks.IsEmpty) marks[i] = 0;
            }
            cells[i] = c;
        }
    }

    public static int Free(ReadOnlySpan<ulong> cells)
    {
        for (int i = 0; i < cells.Length; i++)
            if (cells[i] == 0) return i;
        return -1;
    }
}

/// <summary>
/// The vector forms of <see cref="WordCells"/>: a word of four cells in one <see cref="Vector256{T}"/>, of
/// two in one <see cref="Vector128{T}"/>, each question one compare.
/// </summary>
static class WordCellsVector
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Holding2(ReadOnlySpan<ulong> cells, AccessColumn column, int b)
    {
        var v = Vector128.Create(cells);
        ulong byteBit = 1UL << (ShadowCell.MaskShift + b);
        var hit = Vector128.Equals(v & Vector128.Create(ShadowCell.ColumnBits | byteBit), Vector128.Create(ShadowCell.ColumnKey(column) | byteBit));
        uint lanes = hit.ExtractMostSignificantBits();
        return lanes == 0 ? -1 : BitOperations.TrailingZeroCount(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Union2(ReadOnlySpan<ulong> cells, AccessColumn column)
    {
        var v = Vector128.Create(cells);
        var ours = Vector128.Equals(v & Vector128.Create(ShadowCell.ColumnBits), Vector128.Create(ShadowCell.ColumnKey(column)));
        var m = v & ours & Vector128.Create(ShadowCell.MaskBits);
        return ShadowCell.Mask(m.GetElement(0) | m.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Drop2(Span<ulong> cells, Span<ulong> marks, AccessColumn column, int mask)
    {
        var v = Vector128.Create((ReadOnlySpan<ulong>)cells);
        var ours = Vector128.Equals(v & Vector128.Create(ShadowCell.ColumnBits), Vector128.Create(ShadowCell.ColumnKey(column)));
        var cleared = Vector128.ConditionalSelect(ours, v & Vector128.Create(~((ulong)(uint)mask << ShadowCell.MaskShift)), v);
        var empty = Vector128.Equals(cleared & Vector128.Create(ShadowCell.MaskBits), Vector128<ulong>.Zero);
        Vector128.AndNot(cleared, empty).CopyTo(cells);
        if (marks.IsEmpty) return;
        Vector128.AndNot(Vector128.Create((ReadOnlySpan<ulong>)marks), empty).CopyTo(marks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Free2(ReadOnlySpan<ulong> cells)
    {
        uint lanes = Vector128.Equals(Vector128.Create(cells), Vector128<ulong>.Zero).ExtractMostSignificantBits();
        return lanes == 0 ? -1 : BitOperations.TrailingZeroCount(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Holding4(ReadOnlySpan<ulong> cells, AccessColumn column, int b)
    {
        var v = Vector256.Create(cells);
        ulong byteBit = 1UL << (ShadowCell.MaskShift + b);
        var hit = Vector256.Equals(v & Vector256.Create(ShadowCell.ColumnBits | byteBit), Vector256.Create(ShadowCell.ColumnKey(column) | byteBit));
        uint lanes = hit.ExtractMostSignificantBits();
        return lanes == 0 ? -1 : BitOperations.TrailingZeroCount(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Union4(ReadOnlySpan<ulong> cells, AccessColumn column)
    {
        var v = Vector256.Create(cells);
        var ours = Vector256.Equals(v & Vector256.Create(ShadowCell.ColumnBits), Vector256.Create(ShadowCell.ColumnKey(column)));
        var m = v & ours & Vector256.Create(ShadowCell.MaskBits);
        var half = m.GetLower() | m.GetUpper();
        return ShadowCell.Mask(half.GetElement(0) | half.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Drop4(Span<ulong> cells, Span<ulong> marks, AccessColumn column, int mask)
    {
        var v = Vector256.Create((ReadOnlySpan<ulong>)cells);
        var ours = Vector256.Equals(v & Vector256.Create(ShadowCell.ColumnBits), Vector256.Create(ShadowCell.ColumnKey(column)));
        var cleared = Vector256.ConditionalSelect(ours, v & Vector256.Create(~((ulong)(uint)mask << ShadowCell.MaskShift)), v);
        var empty = Vector256.Equals(cleared & Vector256.Create(ShadowCell.MaskBits), Vector256<ulong>.Zero);
        var kept = Vector256.AndNot(cleared, empty);
        kept.CopyTo(cells);
        if (marks.IsEmpty) return;
        var m = Vector256.Create((ReadOnlySpan<ulong>)marks);
        Vector256.AndNot(m, empty).CopyTo(marks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Free4(ReadOnlySpan<ulong> cells)
    {
        uint lanes = Vector256.Equals(Vector256.Create(cells), Vector256<ulong>.Zero).ExtractMostSignificantBits();
        return lanes == 0 ? -1 : BitOperations.TrailingZeroCount(lanes);
    }
}
