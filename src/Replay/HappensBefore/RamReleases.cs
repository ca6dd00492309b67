using TraceTools.Replay.Clocks;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// The ram bytes whose last write was a release store (<c>store_release</c> or <c>xchg</c>), each with that
/// store's release snapshot: a <c>load_acquire</c> or <c>xchg</c> of another cpu that reads them acquires it
/// (docs/model.md §10: on ram only the release/acquire pair synchronizes). Any later write of a byte drops it.
/// </summary>
/// <remarks>
/// Disjoint ranges sorted by address, each holding one arena reference. Release stores to ram are rare and
/// short, and a range only lives until its bytes are written again, so a sorted list is enough; its size is
/// bounded by the release stores of the trace.
/// </remarks>
sealed class RamReleases(ClockArena arena)
{
    readonly List<Range> _ranges = [];

    readonly record struct Range(ulong Start, ulong End, int Handle);

    /// <summary>Ranges held (tests).</summary>
    internal int Count => _ranges.Count;

    /// <summary>[<paramref name="start"/>, <paramref name="end"/>) was written: its bytes no longer hold a release.</summary>
    public void Overwrite(ulong start, ulong end)
    {
        for (int i = FirstEndingAfter(start); i < _ranges.Count && _ranges[i].Start < end;)
        {
            var r = _ranges[i];
            bool left = r.Start < start, right = r.End > end;
            if (left && right)
            {
                arena.AddRef(r.Handle, 1);
                _ranges[i] = r with { End = start };
                _ranges.Insert(i + 1, r with { Start = end });
                return;
            }
            if (left) { _ranges[i] = r with { End = start }; i++; continue; }
            if (right) { _ranges[i] = r with { Start = end }; return; }
            arena.Release(r.Handle);
            _ranges.RemoveAt(i);
        }
    }

    /// <summary>A release store wrote [<paramref name="start"/>, <paramref name="end"/>); takes over one reference to <paramref name="handle"/>.</summary>
    public void Add(ulong start, ulong end, int handle)
    {
        Overwrite(start, end);
        _ranges.Insert(FirstEndingAfter(start), new Range(start, end, handle));
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
