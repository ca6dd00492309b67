using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.LiveEntryWrite;

/// <summary>A store waiting for an invalidation of its entry, with the fetch that made the fetcher's copy.</summary>
readonly record struct PendingStore(Epoch Store, long Fetch);

/// <summary>
/// The stores to one held entry that wait for an invalidation to excuse them (model.md §8), in a shape where an
/// invalidation costs the stores it excuses, not every store still waiting.
/// </summary>
/// <remarks>
/// An invalidation by cpu A excuses a store S of cpu B when S is ordered before it: S's time is at or before the
/// time through which A's clocks order B's stores, or S was itself a release (it wrote a present word: of this entry
/// kept present, or of the next one a store spans) whose own edge reached A. A cpu's stores arrive in time order, so
/// the ones the clocks excuse are a prefix of them: each cpu's plain stores wait in a lane of their own, its releases
/// in another, and an invalidation reads one bound per lane and pops. A release can be excused out of turn only
/// once an edge with its release time is logged: <see cref="ReleaseWatch"/> hands it over then
/// (<see cref="MarkEdged"/>), and only such releases are asked one by one at each invalidation.
/// The list this replaced asked about every waiting store at every invalidation and dropped the excused ones one
/// <c>RemoveAt</c> at a time (native, pinned: 20,000 unordered stores, then 20,000 invalidations 3.3 → 0.19 s; 30,000
/// excused stores behind 30,000 waiting ones, one invalidation, 0.53 → 0.29 s); then releases alone were asked one
/// by one (20,000 present-word rewrites, then 20,000 invalidations: see docs/replay-engine.md "Known limits").
/// </remarks>
sealed class PendingStores(ReleaseWatch watch)
{
    /// <summary>A release lane's slot whose release moved to the asked ones (<see cref="MarkEdged"/>).</summary>
    const long Moved = -1;

    Lanes _plain = new(), _releases = new();
    PendingStore[] _edged = [];
    int _edgedCount;

    /// <summary>Stores waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="store"/> (after every store already waiting); <paramref name="release"/>: its event wrote sync bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in Epoch store, long fetch, bool release)
    {
        Count++;
        if (release) _releases.Add(store, fetch); // watched only if it outlives an invalidation (most do not)
        else _plain.Add(store, fetch);
    }

    /// <summary>An edge of <paramref name="cpu"/>'s release at <paramref name="time"/> is logged: from now on it is asked one by one.</summary>
    public void MarkEdged(int cpu, uint time)
    {
        ref var slot = ref _releases.Find(cpu, time);
        if (Unsafe.IsNullRef(ref slot) || slot.Fetch == Moved) return;
        if (_edgedCount == _edged.Length) Array.Resize(ref _edged, Math.Max(4, 2 * _edged.Length));
        _edged[_edgedCount++] = slot;
        slot = slot with { Fetch = Moved };
    }

    /// <summary>
    /// Drops the stores an invalidation at trace index <paramref name="index"/> excuses: those <paramref name="order"/>
    /// says are ordered before it. The releases it leaves that no invalidation saw yet are looked up once in
    /// <paramref name="edges"/> (an edge of theirs logged already) and watched from then on.
    /// </summary>
    public void Excuse<TOrder, TEdges>(ref TOrder order, ref TEdges edges, long index)
        where TOrder : IStoreOrder, allows ref struct where TEdges : IEdgeSource, allows ref struct
    {
        Count -= _plain.PopOrdered(ref order, null);
        Count -= _releases.PopOrdered(ref order, this);
        _releases.WatchFresh(ref edges, index, this);
        // Releases with an edge stay in place up to the first one excused (most invalidations excuse none), then close up.
        int keep = 0;
        while (keep < _edgedCount && !order.OrderedBefore(_edged[keep].Store)) keep++;
        for (int i = keep + 1; i < _edgedCount; i++)
            if (!order.OrderedBefore(_edged[i].Store)) _edged[keep++] = _edged[i];
        Count -= _edgedCount - keep;
        _edgedCount = keep;
    }

    /// <summary>Moves every waiting store to <paramref name="into"/> in store order (the order they came) and empties this.</summary>
    public void MoveTo(List<PendingStore> into)
    {
        int start = into.Count;
        // The asked releases came out of store order (as their edges came): more than one is sorted.
        int sources = _plain.MoveTo(into, null) + _releases.MoveTo(into, this) + (_edgedCount > 1 ? 2 : _edgedCount);
        into.AddRange(_edged.AsSpan(0, _edgedCount));
        // Each lane is in store order; only stores of several sources need merging.
        if (sources > 1) CollectionsMarshal.AsSpan(into)[start..].Sort(static (a, b) => a.Store.Index.CompareTo(b.Store.Index));
        _edgedCount = 0;
        Count = 0;
    }

    /// <summary>Adds the local times of <paramref name="cpu"/>'s waiting stores to <paramref name="times"/>.</summary>
    public void AddTimes(int cpu, List<uint> times)
    {
        _plain.AddTimes(cpu, times);
        _releases.AddTimes(cpu, times);
        for (int i = 0; i < _edgedCount; i++)
            if (_edged[i].Store.Agent == cpu) times.Add(_edged[i].Store.Time);
    }

    /// <summary>The release left the watch: excused by the clocks or failed.</summary>
    void Unwatch(in PendingStore s) => watch.Unwatch(s.Store.Agent, s.Store.Time, this);

    /// <summary>A release outlived its first invalidation with no edge logged yet: the watch reads its cpu's edges for it.</summary>
    void Watch(in PendingStore s, long index) => watch.Watch(s.Store.Agent, s.Store.Time, index, this);

    /// <summary>Stores in a lane per cpu, each in time order; a slot whose fetch is <see cref="Moved"/> holds no store.</summary>
    struct Lanes()
    {
        /// <summary>One cpu's stores, in time order: <c>Items[Head..End)</c>; in a release lane those before <c>Fresh</c> are watched.</summary>
        struct Lane
        {
            public int Cpu, Head, End, Fresh;
            public PendingStore[] Items;
        }

        /// <summary>The lanes of the cpus with stores waiting, then emptied lanes whose arrays are kept for reuse.</summary>
        Lane[] _lanes = new Lane[1];
        int _count;

        public void Add(in Epoch store, long fetch)
        {
            ref var lane = ref LaneOf(store.Agent);
            if (lane.End == lane.Items.Length) MakeRoom(ref lane);
            lane.Items[lane.End++] = new PendingStore(store, fetch);
        }

        /// <summary>The slot of <paramref name="cpu"/>'s store at <paramref name="time"/> (a null ref when none waits).</summary>
        public ref PendingStore Find(int cpu, uint time)
        {
            for (int l = 0; l < _count; l++)
            {
                ref var lane = ref _lanes[l];
                if (lane.Cpu != cpu) continue;
                int lo = lane.Head, hi = lane.End;
                while (lo < hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (lane.Items[mid].Store.Time < time) lo = mid + 1;
                    else hi = mid;
                }
                if (lo < lane.End && lane.Items[lo].Store.Time == time) return ref lane.Items[lo];
                break;
            }
            return ref Unsafe.NullRef<PendingStore>();
        }

        /// <summary>Pops each lane's prefix at or before its cpu's bound; returns the stores popped (<paramref name="owner"/>: unwatch them).</summary>
        public int PopOrdered<TOrder>(ref TOrder order, PendingStores? owner) where TOrder : IStoreOrder, allows ref struct
        {
            int popped = 0;
            for (int l = 0; l < _count;)
            {
                ref var lane = ref _lanes[l];
                uint through = order.OrderedThrough(lane.Cpu);
                var items = lane.Items;
                int head = lane.Head, end = lane.End;
                for (; head < end && items[head].Store.Time <= through; head++)
                {
                    if (items[head].Fetch == Moved) continue;
                    popped++;
                    if (head < lane.Fresh) owner?.Unwatch(items[head]);
                }
                while (head < end && items[head].Fetch == Moved) head++; // nothing left to pop before the next store
                lane.Head = head;
                lane.Fresh = Math.Max(lane.Fresh, head);
                if (head < end) l++;
                else Drop(l); // the last lane moves here: look at position l again
            }
            return popped;
        }

        /// <summary>
        /// Watches each lane's releases no invalidation saw yet: one pass over the edges its cpu logged since the first
        /// of them (a release with an edge logged already goes to the ones asked), the others to the watch.
        /// </summary>
        public void WatchFresh<TEdges>(ref TEdges edges, long index, PendingStores owner) where TEdges : IEdgeSource, allows ref struct
        {
            for (int l = 0; l < _count; l++)
            {
                ref var lane = ref _lanes[l];
                int fresh = lane.Fresh, end = lane.End;
                if (fresh >= end) continue;
                var items = lane.Items;
                uint first = items[fresh].Store.Time, last = items[end - 1].Store.Time;
                int logged = edges.Logged(lane.Cpu);
                for (int i = edges.FirstLoggedAt(lane.Cpu, items[fresh].Store.Index); i < logged; i++)
                {
                    uint t = edges.ReleaseTimeAt(lane.Cpu, i);
                    if (t >= first && t <= last) owner.MarkEdged(lane.Cpu, t); // a time no fresh release has finds nothing
                }
                for (int i = fresh; i < end; i++)
                    if (items[i].Fetch != Moved) owner.Watch(items[i], index);
                lane.Fresh = end;
            }
        }

        /// <summary>Appends the waiting stores, lane by lane, and empties the lanes; returns the lanes that had any.</summary>
        public int MoveTo(List<PendingStore> into, PendingStores? owner)
        {
            int sources = 0;
            for (int l = 0; l < _count; l++)
            {
                ref var lane = ref _lanes[l];
                for (int i = lane.Head; i < lane.End; i++)
                {
                    if (lane.Items[i].Fetch == Moved) continue;
                    into.Add(lane.Items[i]);
                    if (i < lane.Fresh) owner?.Unwatch(lane.Items[i]);
                }
                lane.Head = lane.End = lane.Fresh = 0;
                sources++;
            }
            _count = 0;
            return sources;
        }

        public readonly void AddTimes(int cpu, List<uint> times)
        {
            for (int l = 0; l < _count; l++)
            {
                ref var lane = ref _lanes[l];
                if (lane.Cpu != cpu) continue;
                for (int i = lane.Head; i < lane.End; i++)
                    if (lane.Items[i].Fetch != Moved) times.Add(lane.Items[i].Store.Time);
            }
        }

        /// <summary>The lane of <paramref name="cpu"/>, opened (reusing an emptied lane's array) when it has none.</summary>
        ref Lane LaneOf(int cpu)
        {
            // Few cpus write one entry: a scan of the lanes.
            for (int l = 0; l < _count; l++)
                if (_lanes[l].Cpu == cpu) return ref _lanes[l];
            if (_count == _lanes.Length) Array.Resize(ref _lanes, 2 * _lanes.Length);
            ref var lane = ref _lanes[_count++];
            lane.Cpu = cpu;
            lane.Head = lane.End = lane.Fresh = 0;
            lane.Items ??= new PendingStore[4];
            return ref lane;
        }

        /// <summary>Closes the emptied lane at <paramref name="l"/>: the last open lane takes its place, its array goes past the open ones.</summary>
        void Drop(int l)
        {
            int last = --_count;
            (_lanes[l], _lanes[last]) = (_lanes[last], _lanes[l]);
            _lanes[last].Head = _lanes[last].End = _lanes[last].Fresh = 0;
        }

        /// <summary>Room for one more store at a full lane's end: slide it down when at least half is popped, else double.</summary>
        static void MakeRoom(ref Lane lane)
        {
            int n = lane.End - lane.Head;
            if (lane.Head >= lane.Items.Length / 2 && lane.Head > 0)
                Array.Copy(lane.Items, lane.Head, lane.Items, 0, n);
            else
            {
                var grown = new PendingStore[2 * lane.Items.Length];
                Array.Copy(lane.Items, lane.Head, grown, 0, n);
                lane.Items = grown;
            }
            lane.Fresh = Math.Max(lane.Fresh - lane.Head, 0);
            lane.Head = 0;
            lane.End = n;
        }
    }
}
