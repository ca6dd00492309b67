using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.MissingFlushAfterClear;

/// <remarks>
/// Whole-table invalidations. Walking every open window at each <c>dev_invalidate all</c> cost the windows times the
/// invalidations even when nothing could change: after a cpu's first one every window it reached keeps that cpu's
/// invalidation (65,536 windows left open, 20,000 invalidations: 10.7 s native, pinned; 0.47 s with the lanes). Now each cpu that invalidates a table whole
/// has, per clearing cpu, a lane of the windows it has not settled, in clear order; an invalidation visits only the
/// windows its cpu can still change, and drops each one it settles (closed, flagged, or now keeping its invalidation).
/// A lane's clears are in their cpu's time order, and C can be ordered before the invalidation only if C is
/// hb-before it (ob-before and an own edge that reached it are both hb), so the scan of another cpu's lane stops at
/// the first clear later than what the invalidating cpu knows of that cpu: the windows past it cannot qualify yet.
/// Past a window that fails, only the windows whose clear has an edge of its own logged (a clear writes the present
/// word: a release) can qualify: the clocks order a prefix of a cpu's stores. So a cpu that clears without a barrier
/// and then invalidates again and again asks one window each time, not every one (16,384 windows, 5,000
/// invalidations: 14.5 s when each window asked the edge log each time, 0.12 s).
/// </remarks>
public sealed partial class MissingFlushAfterClearDetector
{
    /// <summary>
    /// A window a cpu has not settled: the entry's slot and the clear that opened it (a window reopened since is another
    /// one), and whether an edge of the clear's own (a release: it writes the present word) was seen logged.
    /// </summary>
    struct PendingWindow(int slot, long clear, uint time)
    {
        public readonly int Slot = slot;
        public readonly long Clear = clear;
        public readonly uint Time = time;
        public bool OwnEdge;
    }

    /// <summary>Per table region, the cpus that invalidated it whole and the windows each has not settled (null: none did yet).</summary>
    PendingTable?[] _pending = [];

    /// <summary>Tests: the windows held in every lane (settled ones not yet dropped included).</summary>
    internal int PendingWindows
    {
        get
        {
            int n = 0;
            foreach (var table in _pending)
                if (table is not null) n += table.Held;
            return n;
        }
    }

    void InvalidateAll(DetectorView view, in EntryInvalidation inv)
    {
        if ((uint)inv.Region >= (uint)_pending.Length) Array.Resize(ref _pending, inv.Region + 1);
        var table = _pending[inv.Region] ??= new PendingTable();
        var invalidator = table.Of(inv.Agent) ?? Join(table, inv);
        invalidator.Invalidate(this, view, inv);
    }

    /// <summary>
    /// A cpu's first whole invalidation of the table: it learns the windows under way from the table's armed states
    /// (opened since a walk last dropped them), once; the windows opened from now on reach it as they open.
    /// </summary>
    PendingInvalidator Join(PendingTable table, in EntryInvalidation inv)
    {
        var invalidator = table.Add(inv.Agent);
        var visit = new Enlist(this, invalidator);
        _entries.WalkArmed(inv.Region, ref visit);
        invalidator.SortByClear(); // armed in first-arming order; an entry cleared again keeps its place
        return invalidator;
    }

    /// <summary>Puts each window under way into a new invalidator's lanes; a window stays armed while open and not flagged.</summary>
    readonly ref struct Enlist(MissingFlushAfterClearDetector detector, PendingInvalidator invalidator) : IArmedVisit<Window>
    {
        public bool Visit(ref Window w)
        {
            if (!w.Open || w.Flagged) return false;
            if (!Holds(in w, invalidator.Cpu))
            {
                invalidator.Lane(w.Clear.Agent).Append(detector, new PendingWindow(w.Slot, w.Clear.Index, w.Clear.Time), invalidator.Cpu);
            }
            return true;
        }
    }

    /// <summary>Whether the lane's window <paramref name="p"/> may still take an invalidation of <paramref name="cpu"/>.</summary>
    bool Unsettled(in PendingWindow p, int cpu)
    {
        ref readonly var w = ref _entries[p.Slot];
        return w.Open && !w.Flagged && w.Clear.Index == p.Clear && !Holds(in w, cpu);
    }

    /// <summary>The cpus that invalidated one table whole, in the order they first did.</summary>
    sealed class PendingTable
    {
        PendingInvalidator?[] _byCpu = [];
        PendingInvalidator[] _invalidators = [];
        int _count;

        public int Held
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _count; i++) n += _invalidators[i].Held;
                return n;
            }
        }

        public PendingInvalidator? Of(int cpu) => (uint)cpu < (uint)_byCpu.Length ? _byCpu[cpu] : null;

        public PendingInvalidator Add(int cpu)
        {
            if ((uint)cpu >= (uint)_byCpu.Length) Array.Resize(ref _byCpu, cpu + 1);
            if (_count == _invalidators.Length) Array.Resize(ref _invalidators, Math.Max(4, 2 * _count));
            var invalidator = new PendingInvalidator(cpu);
            _byCpu[cpu] = _invalidators[_count++] = invalidator;
            return invalidator;
        }

        /// <summary>A window opened by <paramref name="clearer"/>'s clear: every cpu that invalidates the table whole has yet to reach it.</summary>
        public void Opened(MissingFlushAfterClearDetector detector, PendingWindow window, int clearer)
        {
            for (int i = 0; i < _count; i++)
            {
                var invalidator = _invalidators[i];
                invalidator.Lane(clearer).Append(detector, window, invalidator.Cpu);
            }
        }
    }

    /// <summary>One cpu invalidating one table whole: its unsettled windows, a lane per clearing cpu.</summary>
    sealed class PendingInvalidator(int cpu)
    {
        PendingLane?[] _byClearer = [];
        PendingLane[] _lanes = [];
        int _count;

        /// <summary>The invalidating cpu.</summary>
        public int Cpu { get; } = cpu;

        public int Held
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _count; i++) n += _lanes[i].Count;
                return n;
            }
        }

        public PendingLane Lane(int clearer)
        {
            if ((uint)clearer < (uint)_byClearer.Length && _byClearer[clearer] is { } lane) return lane;
            return NewLane(clearer);
        }

        PendingLane NewLane(int clearer)
        {
            if ((uint)clearer >= (uint)_byClearer.Length) Array.Resize(ref _byClearer, clearer + 1);
            if (_count == _lanes.Length) Array.Resize(ref _lanes, Math.Max(4, 2 * _count));
            var lane = new PendingLane(clearer);
            _byClearer[clearer] = _lanes[_count++] = lane;
            return lane;
        }

        public void Invalidate(MissingFlushAfterClearDetector detector, DetectorView view, in EntryInvalidation inv)
        {
            for (int i = 0; i < _count; i++) _lanes[i].Invalidate(detector, view, inv);
        }

        public void SortByClear()
        {
            for (int i = 0; i < _count; i++) _lanes[i].SortByClear();
        }
    }

    /// <summary>
    /// The windows one clearing cpu opened that one invalidating cpu has not settled, in clear (time) order: a queue
    /// whose front the invalidations settle; windows that closed meanwhile are dropped when met, or when the lane is
    /// full, so it holds at most twice the windows under way.
    /// </summary>
    sealed class PendingLane(int clearer)
    {
        PendingWindow[] _windows = new PendingWindow[4];
        int _head, _count;
        /// <summary>Windows of the lane marked <see cref="PendingWindow.OwnEdge"/>.</summary>
        int _ownEdged;
        /// <summary>The clearer's edges logged from this trace index on are not read yet (none logged before a window's clear is its own).</summary>
        long _edgesSince = long.MaxValue;

        /// <summary>Windows held.</summary>
        public int Count => _count;

        public void Append(MissingFlushAfterClearDetector detector, PendingWindow window, int cpu)
        {
            if (_head + _count == _windows.Length) MakeRoom(detector, cpu);
            _windows[_head + _count++] = window;
            _edgesSince = Math.Min(_edgesSince, window.Clear);
        }

        /// <summary>Drops the settled windows (in order); grows only when more than half of them were unsettled.</summary>
        void MakeRoom(MissingFlushAfterClearDetector detector, int cpu)
        {
            int keep = 0;
            _ownEdged = 0;
            for (int i = _head, end = _head + _count; i < end; i++)
            {
                if (!detector.Unsettled(_windows[i], cpu)) continue;
                if (_windows[i].OwnEdge) _ownEdged++;
                _windows[keep++] = _windows[i];
            }
            _head = 0;
            _count = keep;
            if (_count > _windows.Length / 2) Array.Resize(ref _windows, 2 * _windows.Length);
        }

        /// <summary>
        /// Applies the invalidation to the windows it may change: another cpu's clears up to the latest time of that cpu
        /// hb-before the invalidation (the invalidating cpu's own clears all are), and once one of them fails, only the
        /// ones an edge of their own may order. Each one settled leaves the lane; the others keep their order.
        /// </summary>
        public void Invalidate(MissingFlushAfterClearDetector detector, DetectorView view, in EntryInvalidation inv)
        {
            ReadEdges(view, inv.Index);
            uint known = clearer == inv.Agent ? uint.MaxValue : view.HbTimeOf(inv.Agent, clearer);
            var windows = _windows;
            int start = _head, end = _head + _count, i = start, keep = start, marked = _ownEdged;
            // The clocks order a prefix of the clearer's stores (a time bound), so past a window that failed, one
            // without an edge of its own fails too: only the marked ones (`marked` of them ahead) are asked.
            bool clocksFailed = false;
            while (i < end && windows[i].Time <= known && !(clocksFailed && marked == 0))
            {
                ref readonly var p = ref windows[i++];
                if (p.OwnEdge) marked--;
                else if (clocksFailed)
                {
                    windows[keep++] = p;
                    continue;
                }
                ref var w = ref detector._entries[p.Slot];
                if (w.Clear.Index != p.Clear || Consider(view, ref w, inv))
                {
                    if (p.OwnEdge) _ownEdged--;
                    continue;
                }
                windows[keep++] = p;
                clocksFailed = true;
            }
            // Kept [start, keep) move up against the unscanned rest [i, end): the lane stays one run in clear order.
            int kept = keep - start;
            if (keep != i && kept > 0) Array.Copy(windows, start, windows, i - kept, kept);
            _head = i - kept;
            _count = end - _head;
        }

        /// <summary>
        /// Marks the windows whose clear got an edge of its own among the clearer's edges logged since the last read (the
        /// only way <see cref="DetectorView.StoreOrderedBefore"/> orders a store past the clocks' bound), then reads on
        /// from <paramref name="now"/>.
        /// </summary>
        void ReadEdges(DetectorView view, long now)
        {
            if (_count > 0 && _edgesSince < now)
            {
                var windows = _windows;
                uint first = windows[_head].Time, last = windows[_head + _count - 1].Time;
                for (int pos = view.EdgePositionAt(clearer, _edgesSince), logged = view.EdgesLogged(clearer); pos < logged; pos++)
                {
                    uint release = view.EdgeReleaseTime(clearer, pos);
                    if (release < first || release > last) continue;
                    int at = Find(release);
                    if (at >= 0 && !windows[at].OwnEdge)
                    {
                        windows[at].OwnEdge = true;
                        _ownEdged++;
                    }
                }
            }
            _edgesSince = now; // edges logged at `now` after this read are read next time (marking twice is harmless)
        }

        /// <summary>The position of the window cleared at <paramref name="time"/> (the lane is in time order), or -1.</summary>
        int Find(uint time)
        {
            int lo = _head, hi = _head + _count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                uint t = _windows[mid].Time;
                if (t == time) return mid;
                if (t < time) lo = mid + 1;
                else hi = mid - 1;
            }
            return -1;
        }

        /// <summary>Orders the windows by clear time (a new invalidator's lanes, made from the armed states).</summary>
        public void SortByClear() => _windows.AsSpan(_head, _count).Sort(static (a, b) => a.Time.CompareTo(b.Time));
    }
}
