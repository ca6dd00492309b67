using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// One column (side × direction) of one page, dma-race's own: per 8-byte word the latest access of each byte,
/// FastTrack-style. A word's cell is one <see cref="ulong"/>: time (bits 0–31), agent (32–47) and the mask of
/// the bytes it covers (48–55); bytes outside the mask have no access. A word whose bytes have different
/// latest accesses (a 4-byte store next to another) spills: its cell points (<see cref="SpillFlag"/>) at eight
/// per-byte epochs. Until a column needs the cells it keeps a few byte ranges with one access each inline
/// (the extent form, <see cref="MaxExtents"/>): a whole page or a buffer's packet is one, so a large copy costs
/// one store and a check against it one compare, in the page's own cache lines.
/// </summary>
/// <remarks>
/// Memory is per column touched: the extents inline in the struct (a couple of hundred bytes, in the page's
/// <see cref="RaceColumn"/>, allocated at the column's first access), 4 KiB of
/// cells once they overflow, plus 64 bytes per spilled word (slots are reused when a word becomes uniform again). Not thread-safe: one per detector
/// instance, as the data shards own pages.
/// </remarks>
[StructLayout(LayoutKind.Explicit)]
partial struct RaceWords
{
    /// <summary>Words per page.</summary>
    public const int Words = AccessRun.PageSize / 8;
    /// <summary>A cell that points at a spill slot (its low 32 bits) instead of holding an access.</summary>
    public const ulong SpillFlag = 1UL << 63;
    const int MaskShift = 48;
    const ulong FullMask = 0xFFUL << MaskShift;
    const ulong EpochBits = (1UL << MaskShift) - 1;

    // Explicit offsets: the form flag, the extent count and the extents' bounds share the column's first 72
    // bytes, so recording a run in the extent form (most buffer runs) touches one or two lines of a cold page,
    // not the three that the runtime's own order (references first) spreads them over.
    /// <summary>True once the column keeps its accesses in <see cref="_cells"/>; false while the extents hold them (then the cells are stale).</summary>
    [FieldOffset(0)] bool _partial;
    /// <summary>While not <see cref="_partial"/>: the number of extents, their ranges and their accesses (cells over all 8 bytes).</summary>
    [FieldOffset(4)] int _extents;
    [FieldOffset(8)] ExtentBounds _extentBounds;
    [FieldOffset(8 + 4 * MaxExtents)] ExtentCells _extentCells;
    [FieldOffset(8 + 12 * MaxExtents)] ulong[]? _cells;
    [FieldOffset(16 + 12 * MaxExtents)] ulong[]? _spill;
    [FieldOffset(24 + 12 * MaxExtents)] int _spillSlots;
    [FieldOffset(28 + 12 * MaxExtents)] int _freeSlot;
    [FieldOffset(32 + 12 * MaxExtents)] int _liveSpills;

    /// <summary>The cell of an access by <paramref name="agent"/> at <paramref name="time"/> over the bytes of <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cell(int agent, uint time, uint mask) => ((ulong)mask << MaskShift) | ((ulong)(uint)agent << 32) | time;

    /// <summary>The mask of the bytes of word <paramref name="w"/> that lie in page offsets [<paramref name="off"/>, <paramref name="end"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ByteMask(int w, int off, int end)
    {
        int lo = Math.Max(off - (w << 3), 0), hi = Math.Min(end - (w << 3), 8);
        return (0xFFu >> (8 - hi)) & (0xFFu << lo) & 0xFF;
    }

    /// <summary>
    /// The most recent access of this column to page offsets [<paramref name="off"/>, <paramref name="end"/>)
    /// that is not hb-before <paramref name="agent"/>'s current event, as a trace index, or
    /// <paramref name="other"/> when none is more recent than it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long LatestRacing<THb>(int off, int end, THb view, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        if (!_partial) return ExtentsRacing(off, end, view, agent, other);
        var cells = _cells!;
        for (int w = off >> 3, last = (end - 1) >> 3; w <= last; w++)
        {
            ulong cell = CellAt(cells, w);
            if (cell == 0) continue;
            uint m = ByteMask(w, off, end);
            if ((cell & SpillFlag) != 0) other = SpillRacing((int)cell, m, view, agent, other);
            else if (((uint)(cell >> MaskShift) & m) != 0) other = Racing(cell, view, agent, other);
        }
        return other;
    }

    /// <summary>
    /// True when every access of this column to [<paramref name="off"/>, <paramref name="end"/>) is
    /// <paramref name="agent"/>'s own or hb-before its current event: the new access then dominates them and
    /// one latest access per byte stays exact.
    /// </summary>
    public readonly bool DominatedBy<THb>(int off, int end, THb view, int agent) where THb : IHbTimes, allows ref struct
    {
        if (!_partial) return ExtentsRacing(off, end, view, agent, -1) < 0;
        var cells = _cells!;
        for (int w = off >> 3, last = (end - 1) >> 3; w <= last; w++)
        {
            ulong cell = CellAt(cells, w);
            if (cell == 0) continue;
            uint m = ByteMask(w, off, end);
            if ((cell & SpillFlag) != 0)
            {
                if (SpillRacing((int)cell, m, view, agent, -1) >= 0) return false;
            }
            else if (((uint)(cell >> MaskShift) & m) != 0 && Racing(cell, view, agent, -1) >= 0) return false;
        }
        return true;
    }

    /// <summary>Records an access (<paramref name="agent"/> at <paramref name="time"/>) of page offsets [<paramref name="off"/>, <paramref name="end"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(int off, int end, int agent, uint time)
    {
        if (off == 0 && end == AccessRun.PageSize)
        {
            // The whole page: one extent; spill slots and cells are reset when the extents overflow again.
            _partial = false;
            _extents = 0;
        }
        if (!_partial)
        {
            if (RecordExtent(off, end, Cell(agent, time, 0xFF))) return;
            Materialize();
        }
        RecordCells(_cells!, off, end, agent, time);
    }

    /// <summary><see cref="Record"/> in the cells form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RecordCells(ulong[] cells, int off, int end, int agent, uint time)
    {
        int first = off >> 3, last = (end - 1) >> 3;
        if (first == last)
        {
            RecordWord(cells, first, ByteMask(first, off, end), agent, time);
            return;
        }
        // Partial first and last words; the words between are whole: one full cell each.
        if ((off & 7) != 0)
        {
            RecordWord(cells, first, ByteMask(first, off, end), agent, time);
            first++;
        }
        if ((end & 7) != 0)
        {
            RecordWord(cells, last, ByteMask(last, off, end), agent, time);
            last--;
        }
        var whole = MemoryMarshal.CreateSpan(ref CellAt(cells, first), last - first + 1);
        if (_liveSpills != 0) FreeSpills(whole);
        whole.Fill(Cell(agent, time, 0xFF));
    }

    /// <summary>Records an access of the bytes <paramref name="m"/> of word <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RecordWord(ulong[] cells, int w, uint m, int agent, uint time)
    {
        ref ulong at = ref CellAt(cells, w);
        ulong cell = at;
        if ((cell & SpillFlag) != 0)
        {
            if (m == 0xFF)
            {
                FreeSlot((int)cell);
                at = Cell(agent, time, m);
            }
            else SpillWrite((int)cell, m, agent, time);
        }
        else if (((uint)(cell >> MaskShift) & ~m) == 0)
        {
            // The access covers every byte the old one did (or the word had none): one cell again.
            at = Cell(agent, time, m);
        }
        else at = Spill(cell, m, agent, time);
    }

    /// <summary>Returns the spill slots of <paramref name="whole"/>'s words, which a whole-word access is about to overwrite.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    void FreeSpills(Span<ulong> whole)
    {
        foreach (ulong cell in whole)
            if ((cell & SpillFlag) != 0) FreeSlot((int)cell);
    }

    /// <summary>Records every byte's latest access into <paramref name="shared"/>'s sets of <paramref name="column"/> (escalation seeds them so).</summary>
    public readonly void Seed(SharedAccesses shared, AccessColumn column)
    {
        if (!_partial)
        {
            SeedExtents(shared, column);
            return;
        }
        var cells = _cells!;
        for (int w = 0; w < Words; w++)
        {
            ulong cell = cells[w];
            if (cell == 0) continue;
            for (int b = 0; b < 8; b++)
            {
                ulong e = (cell & SpillFlag) != 0 ? _spill![(int)cell * 8 + b] : ((cell >> (MaskShift + b)) & 1) != 0 ? cell : 0;
                if ((uint)e != 0) shared.Record(column, Agent(e), w * 8 + b, 1, (uint)e);
            }
        }
    }

    /// <summary>The latest access of page offset <paramref name="k"/>, packed as <c>Epoch.Pack</c> does (0: none); for tests.</summary>
    public readonly ulong At(int k)
    {
        if (!_partial) return ExtentAt(k);
        ulong cell = _cells![k >> 3];
        int b = k & 7;
        if ((cell & SpillFlag) != 0) return _spill![(int)cell * 8 + b];
        return ((cell >> (MaskShift + b)) & 1) != 0 ? cell & EpochBits : 0;
    }

    /// <summary>The extents held (meaningful in the extent form), for the tests that drive a column near full.</summary>
    internal readonly int ExtentCount => _extents;

    /// <summary>Heap memory held beyond the struct itself (cells and spill slots; the extents are inline), for the memory tests.</summary>
    public readonly long Footprint => 8L * ((_cells?.Length ?? 0) + (_spill?.Length ?? 0));

    /// <summary>
    /// Cell <paramref name="w"/> (below <see cref="Words"/>, as every page offset's word is) of <paramref name="cells"/>,
    /// without the bounds check: the array's length sits in its header, a cache line of its own that is cold
    /// on the first access to a buffer page, and every cells array holds exactly <see cref="Words"/> cells.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ref ulong CellAt(ulong[] cells, int w)
    {
        Debug.Assert((uint)w < Words && cells.Length == Words);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cells), w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Agent(ulong e) => (int)(e >> 32) & 0xFFFF;

    /// <summary>
    /// <paramref name="e"/> (a cell or a spilled epoch; 0 = none) as <c>other</c>: its index when it is more
    /// recent than <paramref name="other"/> and not hb-before <paramref name="agent"/>'s current event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static long Racing<THb>(ulong e, THb view, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        uint t = (uint)e;
        // Times are trace indices + 1, so t - 1 is the access's index (and t = 0, none, never wins).
        if ((long)t - 1 <= other) return other;
        int g = Agent(e);
        return g == agent || view.TimeOf(agent, g) >= t ? other : (long)t - 1;
    }

    readonly long SpillRacing<THb>(int slot, uint m, THb view, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        var bytes = _spill.AsSpan(slot * 8, 8);
        for (; m != 0; m &= m - 1) other = Racing(bytes[BitOperations.TrailingZeroCount(m)], view, agent, other);
        return other;
    }

    /// <summary>Moves a one-access word with bytes outside <paramref name="m"/> into a spill slot, then writes the access.</summary>
    ulong Spill(ulong cell, uint m, int agent, uint time)
    {
        int slot = AllocateSlot();
        var bytes = _spill.AsSpan(slot * 8, 8);
        for (int b = 0; b < 8; b++) bytes[b] = ((cell >> (MaskShift + b)) & 1) != 0 ? cell & EpochBits : 0;
        SpillWrite(slot, m, agent, time);
        return SpillFlag | (uint)slot;
    }

    void SpillWrite(int slot, uint m, int agent, uint time)
    {
        var bytes = _spill.AsSpan(slot * 8, 8);
        ulong e = ((ulong)(uint)agent << 32) | time;
        for (; m != 0; m &= m - 1) bytes[BitOperations.TrailingZeroCount(m)] = e;
    }

    int AllocateSlot()
    {
        _liveSpills++;
        if (_freeSlot >= 0)
        {
            int free = _freeSlot;
            _freeSlot = (int)_spill![free * 8];
            return free;
        }
        _spill ??= new ulong[64];
        if ((_spillSlots + 1) * 8 > _spill.Length) Array.Resize(ref _spill, _spill.Length * 2);
        return _spillSlots++;
    }

    void FreeSlot(int slot)
    {
        // A free slot's first epoch links the next free one (-1 ends the list).
        _liveSpills--;
        _spill![slot * 8] = (ulong)(long)_freeSlot;
        _freeSlot = slot;
    }
}
