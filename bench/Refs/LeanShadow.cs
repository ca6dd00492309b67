using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Bench.Refs;

/// <summary>
/// The lean bound's shadow memory: one cell per 8-byte word touched (FastTrack's last-write and last-read
/// epochs), in pages of <see cref="PageWords"/> words allocated on first touch and found through a map with
/// a small direct-mapped cache of recent pages (agents walk a few buffers at a time), so memory follows the
/// pages touched and a buffer walk stays on one page.
/// An epoch packs (clock &lt;&lt; 16) | agent; 0 is "never accessed".
/// </summary>
sealed class LeanShadow
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Cell
    {
        public ulong Write;
        public ulong Read;
    }

    const int PageShift = 9;
    const int PageWords = 1 << PageShift;

    const int CachedPages = 16;

    readonly Dictionary<ulong, Cell[]> _pages = [];
    readonly ulong[] _cachedPage = [.. Enumerable.Repeat(ulong.MaxValue, CachedPages)];
    readonly Cell[][] _cachedCells = [.. Enumerable.Repeat(Array.Empty<Cell>(), CachedPages)];

    /// <summary>The cell of word <paramref name="word"/> (address / 8), created empty on first touch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Cell Get(ulong word)
    {
        ulong page = word >> PageShift;
        int slot = (int)(page & (CachedPages - 1));
        var cells = _cachedPage[slot] == page ? _cachedCells[slot] : Page(page, slot);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), (int)(word & (PageWords - 1)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    Cell[] Page(ulong page, int slot)
    {
        ref var cells = ref CollectionsMarshal.GetValueRefOrAddDefault(_pages, page, out _);
        cells ??= new Cell[PageWords];
        _cachedPage[slot] = page;
        _cachedCells[slot] = cells;
        return cells;
    }
}
