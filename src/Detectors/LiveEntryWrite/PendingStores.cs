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
/// time through which A's clocks order B's stores, or S was itself a release (it wrote the present word) whose own
/// edge reached A. A cpu's stores arrive in time order, so its plain stores that an invalidation excuses are a
/// prefix of them: each cpu's plain stores wait in a lane of their own, and an invalidation reads one bound per lane
/// and pops. Releases (stores whose event wrote a present word: of this entry kept present, or of the next one a store
/// spans) can be excused out of order by their own edge, which arrives without a sign the detector sees, so they are
/// still asked one by one at each invalidation, then kept in one compaction pass.
/// The list this replaced asked about every waiting store at every invalidation and dropped the excused ones one
/// <c>RemoveAt</c> at a time (native, pinned: 20,000 unordered stores, then 20,000 invalidations 3.3 → 0.19 s; 30,000
/// excused stores behind 30,000 waiting ones, one invalidation, 0.53 → 0.29 s).
/// </remarks>
sealed class PendingStores
{
    /// <summary>One cpu's plain stores, in time order: <c>Items[Head..End)</c>.</summary>
    struct Lane
    {
        public int Cpu, Head, End;
        public PendingStore[] Items;
    }

    /// <summary>The lanes of the cpus with stores waiting, then emptied lanes whose arrays are kept for reuse.</summary>
    Lane[] _lanes = new Lane[1];
    int _laneCount;
    PendingStore[] _releases = [];
    int _releaseCount;

    /// <summary>Stores waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="store"/> (after every store already waiting); <paramref name="release"/>: its event wrote sync bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in Epoch store, long fetch, bool release)
    {
        Count++;
        if (release)
        {
            if (_releaseCount == _releases.Length) Array.Resize(ref _releases, Math.Max(4, 2 * _releases.Length));
            _releases[_releaseCount++] = new PendingStore(store, fetch);
            return;
        }
        ref var lane = ref LaneOf(store.Agent);
        if (lane.End == lane.Items.Length) MakeRoom(ref lane);
        lane.Items[lane.End++] = new PendingStore(store, fetch);
    }

    /// <summary>Drops the stores an invalidation excuses: those <paramref name="order"/> says are ordered before it.</summary>
    public void Excuse<TOrder>(ref TOrder order) where TOrder : IStoreOrder, allows ref struct
    {
        for (int l = 0; l < _laneCount;)
        {
            ref var lane = ref _lanes[l];
            uint through = order.OrderedThrough(lane.Cpu);
            var items = lane.Items;
            int head = lane.Head, end = lane.End;
            while (head < end && items[head].Store.Time <= through) head++;
            Count -= head - lane.Head;
            lane.Head = head;
            if (head < end) l++;
            else DropLane(l); // the last lane moves here: look at position l again
        }
        // Releases stay in place up to the first one excused (most invalidations excuse none), then close up.
        int keep = 0;
        while (keep < _releaseCount && !order.OrderedBefore(_releases[keep].Store)) keep++;
        for (int i = keep + 1; i < _releaseCount; i++)
            if (!order.OrderedBefore(_releases[i].Store)) _releases[keep++] = _releases[i];
        Count -= _releaseCount - keep;
        _releaseCount = keep;
    }

    /// <summary>Moves every waiting store to <paramref name="into"/> in store order (the order they came) and empties this.</summary>
    public void MoveTo(List<PendingStore> into)
    {
        int start = into.Count, sources = _releaseCount > 0 ? 1 : 0;
        for (int l = 0; l < _laneCount; l++)
        {
            ref var lane = ref _lanes[l];
            into.AddRange(lane.Items.AsSpan(lane.Head, lane.End - lane.Head));
            lane.Head = lane.End = 0;
            sources++;
        }
        into.AddRange(_releases.AsSpan(0, _releaseCount));
        // Each lane and the releases are in store order; only stores of several sources need merging.
        if (sources > 1) CollectionsMarshal.AsSpan(into)[start..].Sort(static (a, b) => a.Store.Index.CompareTo(b.Store.Index));
        _laneCount = _releaseCount = 0;
        Count = 0;
    }

    /// <summary>Adds the local times of <paramref name="cpu"/>'s waiting stores to <paramref name="times"/>.</summary>
    public void AddTimes(int cpu, List<uint> times)
    {
        for (int l = 0; l < _laneCount; l++)
        {
            ref var lane = ref _lanes[l];
            if (lane.Cpu != cpu) continue;
            for (int i = lane.Head; i < lane.End; i++) times.Add(lane.Items[i].Store.Time);
        }
        for (int i = 0; i < _releaseCount; i++)
            if (_releases[i].Store.Agent == cpu) times.Add(_releases[i].Store.Time);
    }

    /// <summary>The lane of <paramref name="cpu"/>, opened (reusing an emptied lane's array) when it has none.</summary>
    ref Lane LaneOf(int cpu)
    {
        // Few cpus write one entry: a scan of the lanes.
        for (int l = 0; l < _laneCount; l++)
            if (_lanes[l].Cpu == cpu) return ref _lanes[l];
        if (_laneCount == _lanes.Length) Array.Resize(ref _lanes, 2 * _lanes.Length);
        ref var lane = ref _lanes[_laneCount++];
        lane.Cpu = cpu;
        lane.Head = lane.End = 0;
        lane.Items ??= new PendingStore[4];
        return ref lane;
    }

    /// <summary>Closes the emptied lane at <paramref name="l"/>: the last open lane takes its place, its array goes past the open ones.</summary>
    void DropLane(int l)
    {
        int last = --_laneCount;
        (_lanes[l], _lanes[last]) = (_lanes[last], _lanes[l]);
        _lanes[last].Head = _lanes[last].End = 0;
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
        lane.Head = 0;
        lane.End = n;
    }
}
