using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.DmaRace;

/// <summary>Up to <see cref="RaceWords.MaxExtents"/> cells, stored inline in the column (no array to chase).</summary>
[InlineArray(RaceWords.MaxExtents)]
struct ExtentCells
{
    ulong _first;
}

/// <summary>Up to <see cref="RaceWords.MaxExtents"/> byte ranges of a page, each packed as off | stop &lt;&lt; 16.</summary>
[InlineArray(RaceWords.MaxExtents)]
struct ExtentBounds
{
    uint _first;
}

/// <summary>
/// The extent form of a column: until an access would need more than <see cref="MaxExtents"/> ranges, the
/// latest accesses are disjoint byte ranges of the page, each with its one access (a whole-page access is
/// one extent). A buffer page is one packet slot: each DMA write or copy covers a prefix of the page, so a
/// few extents hold it, and the check and record of a packet stay in the page's own lines instead of a
/// 4 KiB cells array walked line by line (cold, as buffers rotate). Dense pages of words (driver structs,
/// rings) outgrow the extents and take the cells; a whole-page access brings a column back to one extent.
/// </summary>
partial struct RaceWords
{
    /// <summary>Most extents a column keeps before it takes the cells.</summary>
    public const int MaxExtents = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Bounds(int off, int stop) => (uint)off | ((uint)stop << 16);

    /// <summary><see cref="LatestRacing"/> in the extent form: each extent overlapping [off, end) is one access.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly long ExtentsRacing<THb>(int off, int end, THb view, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        for (int i = 0; i < _extents; i++)
        {
            uint b = _extentBounds[i];
            if ((int)(b & 0xFFFF) < end && off < (int)(b >> 16)) other = Racing(_extentCells[i], view, agent, other);
        }
        return other;
    }

    /// <summary>
    /// Records an access of [<paramref name="off"/>, <paramref name="end"/>) as an extent, trimming or splitting
    /// the extents it overlaps. False, with nothing changed, when that needs more than <see cref="MaxExtents"/>.
    /// </summary>
    /// <remarks>
    /// In place, one pass: the extents are disjoint, so an extent equal to the access (a field or a packet
    /// slot written again) is its only overlap and takes the cell with one store; otherwise each extent yields
    /// at most one in its own slot or an earlier one, except the one extent that may strictly contain the
    /// access, whose tail is appended after the pass. The order of the extents means nothing (every question
    /// takes all that overlap). Only a column with more than <see cref="MaxExtents"/> − 2 extents can
    /// overflow, so only then is the count made first.
    /// </remarks>
    bool RecordExtent(int off, int end, ulong cell)
    {
        int count = _extents;
        if (count > MaxExtents - 2 && ExtentsNeeded(off, end) > MaxExtents) return false;
        int n = 0;
        uint tail = 0;
        ulong tailCell = 0;
        for (int i = 0; i < count; i++)
        {
            uint b = _extentBounds[i];
            int lo = (int)(b & 0xFFFF), hi = (int)(b >> 16);
            if (hi <= off || lo >= end)
            {
                if (n != i)
                {
                    _extentCells[n] = _extentCells[i];
                    _extentBounds[n] = b;
                }
                n++;
                continue;
            }
            if (lo == off && hi == end)
            {
                // Disjoint extents: this one is the access's only overlap, and every slot before it was kept.
                _extentCells[i] = cell;
                return true;
            }
            ulong c = _extentCells[i];
            if (lo < off)
            {
                _extentCells[n] = c;
                _extentBounds[n++] = Bounds(lo, off);
                if (hi > end) (tail, tailCell) = (Bounds(end, hi), c);
            }
            else if (hi > end)
            {
                _extentCells[n] = c;
                _extentBounds[n++] = Bounds(end, hi);
            }
        }
        if (tail != 0)
        {
            _extentCells[n] = tailCell;
            _extentBounds[n++] = tail;
        }
        _extentCells[n] = cell;
        _extentBounds[n++] = Bounds(off, end);
        _extents = n;
        return true;
    }

    /// <summary>The extents that recording [<paramref name="off"/>, <paramref name="end"/>) would leave.</summary>
    readonly int ExtentsNeeded(int off, int end)
    {
        int needed = 1;
        for (int i = 0; i < _extents; i++)
        {
            uint b = _extentBounds[i];
            int lo = (int)(b & 0xFFFF), hi = (int)(b >> 16);
            if (hi <= off || lo >= end) needed++;
            else needed += (lo < off ? 1 : 0) + (hi > end ? 1 : 0);
        }
        return needed;
    }

    /// <summary>The extent holding page offset <paramref name="k"/>, as <see cref="At"/> answers it.</summary>
    readonly ulong ExtentAt(int k)
    {
        for (int i = 0; i < _extents; i++)
        {
            uint b = _extentBounds[i];
            if ((int)(b & 0xFFFF) <= k && k < (int)(b >> 16)) return _extentCells[i] & EpochBits;
        }
        return 0;
    }

    /// <summary><see cref="Seed"/> in the extent form.</summary>
    readonly void SeedExtents(SharedAccesses shared, AccessColumn column)
    {
        for (int i = 0; i < _extents; i++)
        {
            uint b = _extentBounds[i];
            int lo = (int)(b & 0xFFFF);
            ulong c = _extentCells[i];
            shared.Record(column, Agent(c), lo, (int)(b >> 16) - lo, (uint)c);
        }
    }

    /// <summary>Cells from the extents, when an access needs more of them than the column keeps.</summary>
    void Materialize()
    {
        var cells = _cells ??= new ulong[Words];
        Array.Clear(cells);
        _spillSlots = _liveSpills = 0;
        _freeSlot = -1;
        _partial = true;
        for (int i = 0; i < _extents; i++)
        {
            uint b = _extentBounds[i];
            ulong c = _extentCells[i];
            RecordCells(cells, (int)(b & 0xFFFF), (int)(b >> 16), Agent(c), (uint)c);
        }
        _extents = 0;
    }
}
