using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// A per-byte column of one shadow page (the table values, the sync bytes' release handles) that holds only a window
/// of the page's bytes: the bytes written, rounded out to words, until they span more than <see cref="MaxWindow"/>
/// bytes; then the whole page. A byte outside the window was never written and reads as <c>default</c>. So a table
/// page with one entry written holds that entry's bytes, not 4 KiB, and a page with one sync word 8 handles, not 16 KiB.
/// </summary>
/// <remarks>
/// The window only grows (<see cref="PageWindow.Grow"/>: at least doubling, towards the bytes written), so a byte stays where it is once held.
/// Spans into the items are made unchecked after the window test: a bounds check reads the array's header, a cache
/// line apart from most bytes (<see cref="CellPut"/> says why that matters). A mutable struct: keep it in a field and
/// call it through that field (a copy would grow a window nobody reads).
/// </remarks>
struct PageColumn<T> where T : unmanaged
{
    /// <summary>Most bytes a window holds short of the whole page: 64, as the cells' 8 words.</summary>
    public const int MaxWindow = 64;

    T[]? _items;
    int _lo, _span;

    /// <summary>Bytes of the page the column holds (0: none written).</summary>
    public readonly int Held => _span;

    /// <summary>The item of page byte <paramref name="k"/> (<c>default</c> outside the window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T At(int k)
    {
        int i = k - _lo;
        return (uint)i < (uint)_span ? Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_items!), i) : default;
    }

    /// <summary>
    /// The items of bytes [<paramref name="offset"/>, + <paramref name="length"/>), inside one page: the column's own
    /// when the window holds them all, else a copy in <paramref name="scratch"/> (at least <paramref name="length"/>
    /// long) with <c>default</c> for the bytes outside it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<T> Read(int offset, int length, Span<T> scratch)
    {
        int i = offset - _lo;
        if (i >= 0 && i + length <= _span) return Items(i, length);
        var copy = scratch[..length];
        copy.Clear();
        var inside = Overlap(offset, length, out int skipped);
        inside.CopyTo(copy[skipped..]);
        return copy;
    }

    /// <summary>
    /// The part of bytes [<paramref name="offset"/>, + <paramref name="length"/>) the window holds, in order, and the
    /// bytes before it (<paramref name="skipped"/>): the rest read as <c>default</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<T> Overlap(int offset, int length, out int skipped)
    {
        int from = Math.Max(offset, _lo), to = Math.Min(offset + length, _lo + _span);
        if (to <= from)
        {
            skipped = length;
            return default;
        }
        skipped = from - offset;
        return Items(from - _lo, to - from);
    }

    /// <summary>The writable items of bytes [<paramref name="offset"/>, + <paramref name="length"/>), inside one page, the window grown to hold them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Cover(int offset, int length)
    {
        Debug.Assert(offset >= 0 && length > 0 && offset + length <= ShadowPage.Size);
        int i = offset - _lo;
        if (i < 0 || i + length > _span)
        {
            Regrow(offset, offset + length);
            i = offset - _lo;
        }
        return Items(i, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly Span<T> Items(int i, int length)
    {
        var items = _items;
        // A register test, so the JIT drops the null check that would load the array's header line.
        if (items is null) return default;
        Debug.Assert(i >= 0 && i + length <= items.Length);
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(items), i), length);
    }

    void Regrow(int first, int end)
    {
        // Whole words: the window's edges stay 8-byte aligned.
        var (lo, hi) = PageWindow.Grow(_lo, _span, first & ~7, (end + 7) & ~7, ShadowPage.Size, MaxWindow);
        var items = new T[hi - lo];
        if (_span != 0) _items.AsSpan(0, _span).CopyTo(items.AsSpan(_lo - lo));
        (_items, _lo, _span) = (items, lo, hi - lo);
    }
}
