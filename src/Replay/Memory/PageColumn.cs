using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// A per-byte column of one shadow page (the table values, the sync bytes' release handles) that holds only the bytes
/// written, in one of three forms: a window (the bytes written, rounded out to words, while they span at most
/// <see cref="MaxWindow"/> bytes), then blocks (the <see cref="BlockBytes"/>-byte blocks written, up to
/// <see cref="MaxBlocks"/> of them), then the whole page. A byte not held was never written and reads as <c>default</c>.
/// So a table page with one entry written holds that entry's bytes, not 4 KiB; a page table with a few entries
/// scattered over each page (an IOMMU's, whose PTEs lie wherever their IOVAs index) holds those entries' blocks; and
/// a page with one sync word holds 8 handles, not 16 KiB.
/// </summary>
/// <remarks>
/// The held bytes only grow (<see cref="PageWindow.Grow"/>: at least doubling, towards the bytes written), so a byte
/// stays where it is within its form. The window and the whole page are one array, asked by one range test; a page in
/// blocks fails that test (its window is empty) and takes the block path. Spans into the items are made unchecked
/// after the test: a bounds check reads the array's header, a cache line apart from most bytes (<see cref="CellPut"/>
/// says why that matters). A range may lie in several pieces (blocks), so writers and readers walk it piece by piece
/// (<see cref="Cover"/>, <see cref="NextHeld"/>). A mutable struct: keep it in a field and call it through that field
/// (a copy would grow a column nobody reads).
/// </remarks>
struct PageColumn<T> where T : unmanaged
{
    /// <summary>Most bytes a window holds before the column takes blocks: 64, as the cells' 8 words.</summary>
    public const int MaxWindow = 64;

    /// <summary>Bytes of a block: a cache line's worth of bytes, so an entry or a sync word of up to 8 aligned bytes lies in one.</summary>
    public const int BlockBytes = 64;

    /// <summary>
    /// Most blocks held before the column takes the whole page: a quarter of the page. Past it a page is dense, and one
    /// array costs less than the blocks (16 blocks of handles take 4.5 KiB with their index, <see cref="Footprint"/>'s
    /// count, against 16 KiB for the page; of values 1.5 KiB against 4 KiB) and answers without the block index.
    /// </summary>
    public const int MaxBlocks = 16;

    const int BlockShift = 6;
    const int BlockCount = ShadowPage.Size / BlockBytes;

    T[]? _items;
    T[]?[]? _blocks;
    int _lo, _span, _blocksHeld;

    /// <summary>Items of the page the column holds (0: none written).</summary>
    public readonly int Held => _blocks is null ? _span : _blocksHeld * BlockBytes;

    /// <summary>Bytes the column's arrays take (items, and the block index when in blocks; no array headers).</summary>
    public readonly long Footprint => (long)Unsafe.SizeOf<T>() * Held + (_blocks is null ? 0 : 8L * BlockCount);

    /// <summary>True while the column holds blocks (neither a window nor the whole page).</summary>
    public readonly bool InBlocks => _blocks is not null;

    /// <summary>The item of page byte <paramref name="k"/> (<c>default</c> where not held).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T At(int k)
    {
        int i = k - _lo;
        if ((uint)i < (uint)_span) return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_items!), i);
        return _blocks is null ? default : BlockAt(k);
    }

    readonly T BlockAt(int k) => _blocks![k >> BlockShift] is { } block ? block[k & (BlockBytes - 1)] : default;

    /// <summary>
    /// The items of bytes [<paramref name="offset"/>, + <paramref name="length"/>), inside one page: the column's own
    /// when one piece holds them all, else a copy in <paramref name="scratch"/> (at least <paramref name="length"/>
    /// long) with <c>default</c> for the bytes not held.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<T> Read(int offset, int length, Span<T> scratch)
    {
        int i = offset - _lo;
        if (i >= 0 && i + length <= _span) return Items(_items, i, length);
        return ReadPieces(offset, length, scratch);
    }

    readonly ReadOnlySpan<T> ReadPieces(int offset, int length, Span<T> scratch)
    {
        int end = offset + length;
        if (_blocks is not null && (offset >> BlockShift) == ((end - 1) >> BlockShift) && _blocks[offset >> BlockShift] is { } block)
            return block.AsSpan(offset & (BlockBytes - 1), length);
        var copy = scratch[..length];
        copy.Clear();
        for (int at = offset; ;)
        {
            var piece = NextHeld(ref at, end);
            if (piece.IsEmpty) return copy;
            piece.CopyTo(copy[(at - piece.Length - offset)..]);
        }
    }

    /// <summary>
    /// The next piece of bytes [<paramref name="offset"/>, <paramref name="end"/>) the column holds, in address order:
    /// its items, with <paramref name="offset"/> moved past it (the bytes skipped before it read as <c>default</c>).
    /// Empty when no held byte is left in the range (<paramref name="offset"/> then stays put).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<T> NextHeld(ref int offset, int end)
    {
        if (_blocks is null)
        {
            int from = Math.Max(offset, _lo), to = Math.Min(end, _lo + _span);
            if (to <= from) return default;
            offset = to;
            return Items(_items, from - _lo, to - from);
        }
        return NextBlock(ref offset, end);
    }

    readonly ReadOnlySpan<T> NextBlock(ref int offset, int end)
    {
        for (int b = offset >> BlockShift; b << BlockShift < end; b++)
        {
            if (_blocks![b] is not { } block) continue;
            int from = Math.Max(offset, b << BlockShift), to = Math.Min(end, (b + 1) << BlockShift);
            offset = to;
            return block.AsSpan(from & (BlockBytes - 1), to - from);
        }
        return default;
    }

    /// <summary>
    /// The writable items from byte <paramref name="offset"/> for at most <paramref name="length"/> bytes, inside one
    /// page, the column grown to hold them: all of them while one piece holds the range (a window, the whole page, or a
    /// block holding it), else up to the end of the block holding <paramref name="offset"/>. Never empty; a caller
    /// writing a range walks it (<c>offset += span.Length</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Cover(int offset, int length)
    {
        Debug.Assert(offset >= 0 && length > 0 && offset + length <= ShadowPage.Size);
        int i = offset - _lo;
        if (i >= 0 && i + length <= _span) return Items(_items, i, length);
        return CoverSlow(offset, length);
    }

    /// <summary>Writes <paramref name="items"/> from byte <paramref name="offset"/> (inside one page), piece by piece.</summary>
    public void Write(int offset, ReadOnlySpan<T> items)
    {
        while (!items.IsEmpty)
        {
            var piece = Cover(offset, items.Length);
            items[..piece.Length].CopyTo(piece);
            items = items[piece.Length..];
            offset += piece.Length;
        }
    }

    Span<T> CoverSlow(int offset, int length)
    {
        // A range longer than the blocks left would end on the page anyway (a page table zeroed whole, a sync page
        // filled): straight there, without the blocks it would pass through.
        if (length > (MaxBlocks - _blocksHeld) * BlockBytes)
        {
            ToPage();
            return Items(_items, offset, length);
        }
        if (_blocks is null)
        {
            // Whole words: the window's edges stay 8-byte aligned.
            var (lo, hi) = PageWindow.Grow(_lo, _span, offset & ~7, (offset + length + 7) & ~7, ShadowPage.Size, MaxWindow);
            if (hi - lo < ShadowPage.Size || _span == ShadowPage.Size)
            {
                var items = new T[hi - lo];
                if (_span != 0) _items.AsSpan(0, _span).CopyTo(items.AsSpan(_lo - lo));
                (_items, _lo, _span) = (items, lo, hi - lo);
                return Items(_items, offset - _lo, length);
            }
            ToBlocks();
        }
        int b = offset >> BlockShift;
        if (_blocks![b] is not { } block)
        {
            if (_blocksHeld == MaxBlocks)
            {
                ToPage();
                return Items(_items, offset, length);
            }
            block = _blocks[b] = new T[BlockBytes];
            _blocksHeld++;
        }
        int within = offset & (BlockBytes - 1);
        return block.AsSpan(within, Math.Min(length, BlockBytes - within));
    }

    /// <summary>The window's bytes moved into blocks (at most two: a window of 64 aligned bytes meets two blocks at most).</summary>
    void ToBlocks()
    {
        var blocks = new T[]?[BlockCount];
        int held = 0;
        for (int at = _lo, end = _lo + _span; at < end;)
        {
            int b = at >> BlockShift, to = Math.Min(end, (b + 1) << BlockShift);
            var block = blocks[b] = new T[BlockBytes];
            held++;
            _items.AsSpan(at - _lo, to - at).CopyTo(block.AsSpan(at & (BlockBytes - 1)));
            at = to;
        }
        (_items, _blocks, _lo, _span, _blocksHeld) = (null, blocks, 0, 0, held);
    }

    /// <summary>The window's bytes or the blocks copied into one array of the whole page.</summary>
    void ToPage()
    {
        var items = new T[ShadowPage.Size];
        if (_blocks is null) _items.AsSpan(0, _span).CopyTo(items.AsSpan(_lo));
        else
        {
            for (int b = 0; b < BlockCount; b++)
                if (_blocks[b] is { } block) block.CopyTo(items.AsSpan(b << BlockShift));
        }
        (_items, _blocks, _lo, _span, _blocksHeld) = (items, null, 0, ShadowPage.Size, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Span<T> Items(T[]? items, int i, int length)
    {
        // A register test, so the JIT drops the null check that would load the array's header line.
        if (items is null) return default;
        Debug.Assert(i >= 0 && i + length <= items.Length);
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(items), i), length);
    }
}
