using TraceTools.Replay.Clocks;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// The ram bytes whose last write was a release store (<c>store_release</c> or <c>xchg</c>), each with that
/// store's release snapshot: a <c>load_acquire</c> or <c>xchg</c> of another cpu that reads them acquires it
/// (docs/model.md §10: on ram only the release/acquire pair synchronizes). Any later write of a byte drops it.
/// </summary>
/// <remarks>
/// Disjoint ranges sorted by address, each live one holding one arena reference. A range whose bytes were all written
/// again stays in its slot, empty (handle 0), so that the next release store of the same bytes (a flag or a descriptor's
/// own word, released again each round) takes the slot back: the list's middle moves only when ranges split or a
/// release store's bytes do not match an empty range. Empty ranges are squeezed out once they outnumber the live ones
/// and their recent peak.
/// (Before, every release store of a ring's flags removed its range and inserted it again, moving the list's tail
/// twice: a ring of 16,384 flags released round-robin, 200,000 stores, took 0.81 s, now 0.13 s.)
/// </remarks>
sealed class RamReleases(ClockArena arena)
{
    readonly List<Range> _ranges = [];
    int _live, _empty, _peak;

    readonly record struct Range(ulong Start, ulong End, int Handle);

    /// <summary>Ranges held (tests).</summary>
    internal int Count => _live;

    /// <summary>Slots in the list, empty ones included (tests).</summary>
    internal int Slots => _ranges.Count;

    /// <summary>Inserts into and removals from the list, each of which moves its tail (tests).</summary>
    internal int Moves { get; private set; }

    /// <summary>[<paramref name="start"/>, <paramref name="end"/>) was written: its bytes no longer hold a release.</summary>
    public void Overwrite(ulong start, ulong end)
    {
        for (int i = FirstEndingAfter(start); i < _ranges.Count && _ranges[i].Start < end;)
        {
            var r = _ranges[i];
            if (r.Handle == 0)
            {
                i++;
                continue;
            }
            bool left = r.Start < start, right = r.End > end;
            if (left && right)
            {
                arena.AddRef(r.Handle, 1);
                _ranges[i] = r with { End = start };
                _ranges.Insert(i + 1, r with { Start = end });
                Moves++;
                _live++;
                return;
            }
            if (left) { _ranges[i] = r with { End = start }; i++; continue; }
            if (right) { _ranges[i] = r with { Start = end }; return; }
            arena.Release(r.Handle);
            _ranges[i] = r with { Handle = 0 };
            _live--;
            _empty++;
            i++;
        }
        if (_empty > _live + _peak + SqueezeSlack) Squeeze();
    }

    /// <summary>A release store wrote [<paramref name="start"/>, <paramref name="end"/>); takes over one reference to <paramref name="handle"/>.</summary>
    public void Add(ulong start, ulong end, int handle)
    {
        Overwrite(start, end);
        // Every range meeting [start, end) is empty now: the one with exactly these bytes takes the release in place;
        // else those that meet them go and the range goes in.
        int i = FirstEndingAfter(start), j = i;
        if (i < _ranges.Count && _ranges[i].Start == start && _ranges[i].End == end)
        {
            _ranges[i] = new Range(start, end, handle);
            _empty--;
            Took();
            return;
        }
        for (; j < _ranges.Count && _ranges[j].Start < end; j++) { }
        if (j > i)
        {
            _ranges.RemoveRange(i, j - i);
            _empty -= j - i;
            Moves++;
        }
        _ranges.Insert(i, new Range(start, end, handle));
        Moves++;
        Took();
    }

    void Took()
    {
        _live++;
        _peak = Math.Max(_peak, _live);
    }

    /// <summary>Empty ranges kept beyond the live ones and their peak since the last squeeze.</summary>
    const int SqueezeSlack = 64;

    /// <summary>
    /// Drops the empty ranges. They are kept up to the live ones plus their peak since the last squeeze, so a ring whose
    /// flags are all released and then all cleared, round after round, finds its slots again (and the list stays within
    /// three times the most releases held at once).
    /// </summary>
    void Squeeze()
    {
        _ranges.RemoveAll(r => r.Handle == 0);
        Moves++;
        _empty = 0;
        _peak = _live;
    }

    /// <summary>
    /// The releases held by bytes of [<paramref name="start"/>, <paramref name="end"/>), each once, into
    /// <paramref name="into"/> (cleared first).
    /// </summary>
    public void Overlapping(ulong start, ulong end, List<int> into)
    {
        into.Clear();
        _distinct.Clear();
        for (int i = FirstEndingAfter(start); i < _ranges.Count && _ranges[i].Start < end; i++)
        {
            int h = _ranges[i].Handle;
            if (h == 0) continue;
            // A few handles: a scan of the list. Beyond, a set (a wide load over many one-byte release ranges
            // made the scan quadratic in the ranges it spans).
            if (into.Count < DistinctByScan ? into.Contains(h) : !_distinct.Add(h)) continue;
            into.Add(h);
            if (into.Count == DistinctByScan) _distinct.UnionWith(into);
        }
    }

    const int DistinctByScan = 8;
    readonly HashSet<int> _distinct = [];

    /// <summary>Position of the first range whose end lies above <paramref name="address"/>.</summary>
    int FirstEndingAfter(ulong address)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].End <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
