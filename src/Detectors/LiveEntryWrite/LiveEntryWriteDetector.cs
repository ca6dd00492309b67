using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;

namespace TraceTools.Detectors.LiveEntryWrite;

/// <summary>
/// <c>live-entry-write</c> (model.md §8): a cpu store S to entry E, present before and after S, that changes a
/// bit the fetcher uses (every bit, for a table without used bits) while the fetcher may hold E: a fetch read of
/// E saw it present, and since then no invalidation of E by its fetcher and no write left E non-present. S
/// fails unless an invalidation I of E by its fetcher follows S before the fetcher's next fetch of E (a run of
/// rising granule reads that begins after S; the rest of a fetch already under way is torn-entry-fetch's) with
/// S ordered before I. Related: <c>fetch</c> (the read that saw E present). One per store.
/// </summary>
/// <remarks>
/// S is kept pending until such an invalidation, the next fetch of E, or the end of the trace (nothing came:
/// the fetcher may use its copy for ever), so its finding is reported later than its trigger.
/// </remarks>
public sealed class LiveEntryWriteDetector : IDetector
{
    /// <summary>The fetcher's copy of one entry (inline in the state array: a store reads one line).</summary>
    struct Copy
    {
        public bool Held;
        public long Fetch;
        /// <summary>Stores waiting for an invalidation before the fetcher's next fetch of the entry (made on the first).</summary>
        public PendingStores? Pending;
    }

    readonly EntryStates<Copy> _entries = new();
    readonly (bool Active, ulong Entry, uint Granule)[] _runs;
    /// <summary>The stores of the entry being failed, in store order (reused).</summary>
    readonly List<PendingStore> _failing = [];
    /// <summary>The pending releases no edge has left yet, for every entry.</summary>
    readonly ReleaseWatch _watch;

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents.</summary>
    public LiveEntryWriteDetector(int agents)
    {
        _runs = new (bool, ulong, uint)[agents];
        _watch = new ReleaseWatch(agents);
    }

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.LiveEntryWrite;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryFetch | DetectorHooks.EntryInvalidate;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!_entries.Has(store.Slot)) return;
        ref var c = ref _entries[store.Slot];
        if (!c.Held) return; // the fetcher holds no copy: nothing it uses can go stale
        if (!store.PresentAfter)
        {
            c.Held = false; // E left present: the next fetch sees a new entry
            return;
        }
        if (store.ByDevice || !store.PresentBefore || !store.ChangedUsed) return;
        // An entry starts holding at its first pending store (it holds them while any waits): marked once then.
        if (c.Pending is not { Count: > 0 }) _entries.Hold(store.Slot);
        (c.Pending ??= new(_watch)).Add(new Epoch(store.Index, store.Time, (ushort)store.Agent), c.Fetch, store.IsRelease);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryFetch(DetectorView view, in EntryFetch fetch)
    {
        ref var run = ref _runs[fetch.Agent];
        bool starts = !run.Active || run.Entry != fetch.EntryBase || fetch.Granule <= run.Granule;
        run = (true, fetch.EntryBase, fetch.Granule);
        if (starts && _entries.Has(fetch.Slot) && _entries[fetch.Slot].Pending is { Count: > 0 } pending)
            FailPending(view, pending); // no invalidation came before this fetch
        if (!fetch.SawPresent) return;
        ref var c = ref _entries.Get(fetch.Slot, fetch.Region);
        c.Held = true;
        c.Fetch = fetch.Index;
        _entries.Arm(fetch.Slot, fetch.Region);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        // Releases whose own edge is now logged are asked from here on; the others wait for their cpu's bound.
        var edges = new EdgeLogOf(view);
        _watch.ReadEdges(ref edges, inv.Index);
        if (inv.All)
        {
            // Only copies the fetcher holds and stores still pending can change: the armed ones (armed at the fetch
            // that made the copy; pending stores come only while it is held).
            var visit = new Invalidation(view, inv);
            _entries.WalkArmed(inv.Region, ref visit);
            return;
        }
        foreach (int slot in _entries.Invalidated(inv)) Invalidate(view, ref _entries[slot], inv);
    }

    /// <summary>An invalidation of every entry of a table, applied to each armed copy; it stays armed while stores are pending.</summary>
    readonly ref struct Invalidation(DetectorView view, EntryInvalidation inv) : IArmedVisit<Copy>
    {
        readonly DetectorView _view = view;
        readonly EntryInvalidation _inv = inv;

        public bool Visit(ref Copy c)
        {
            Invalidate(_view, ref c, _inv);
            return c.Pending is { Count: > 0 };
        }
    }

    static void Invalidate(DetectorView view, ref Copy c, in EntryInvalidation inv)
    {
        c.Held = false;
        if (c.Pending is not { Count: > 0 } pending) return;
        var order = new InvalidationOrder(view, inv.Agent);
        var edges = new EdgeLogOf(view);
        pending.Excuse(ref order, ref edges, inv.Index);
    }

    /// <summary>A store ordered before the invalidation is excused: the fetcher observes (outer domain), <c>dev_invalidate</c> is class o.</summary>
    readonly ref struct InvalidationOrder(DetectorView view, int agent) : IStoreOrder
    {
        readonly DetectorView _view = view;
        readonly int _agent = agent;

        public uint OrderedThrough(int cpu) => _view.StoresOrderedThrough(cpu, _agent, AccessClass.O, ObserverDomain.Outer);

        public bool OrderedBefore(in Epoch store) => _view.StoreOrderedBefore(store, _agent, AccessClass.O, ObserverDomain.Outer);
    }

    /// <summary>The replay's edge log, read by <see cref="ReleaseWatch"/>.</summary>
    readonly ref struct EdgeLogOf(DetectorView view) : IEdgeSource
    {
        readonly DetectorView _view = view;

        public int FirstLoggedAt(int cpu, long since) => _view.EdgePositionAt(cpu, since);

        public int Logged(int cpu) => _view.EdgesLogged(cpu);

        public uint ReleaseTimeAt(int cpu, int position) => _view.EdgeReleaseTime(cpu, position);
    }

    /// <inheritdoc/>
    public void OnComplete(DetectorView view)
    {
        foreach (int slot in _entries.All)
            if (_entries[slot].Pending is { Count: > 0 } pending) FailPending(view, pending);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The pending stores, asked about at the fetcher's invalidation: only entries marked holding at their first
    /// pending store are visited, each dropped from the walk once none waits.
    /// </remarks>
    public void AddHeldStores(int cpu, List<uint> times)
    {
        var visit = new HeldPending(cpu, times);
        _entries.WalkHolding(ref visit);
    }

    /// <summary>Adds the pending stores of <c>cpu</c>; an entry with none waiting holds nothing.</summary>
    readonly ref struct HeldPending(int cpu, List<uint> times) : IHeldVisit<Copy>
    {
        public bool Visit(ref Copy c)
        {
            if (c.Pending is not { Count: > 0 } pending) return false;
            pending.AddTimes(cpu, times);
            return true;
        }
    }

    /// <summary>Tests' twin of <see cref="AddHeldStores"/>: the walk over every entry ever touched it replaced.</summary>
    internal void AddHeldStoresOfEveryEntry(int cpu, List<uint> times)
    {
        foreach (int slot in _entries.All)
            if (_entries[slot].Pending is { Count: > 0 } pending) pending.AddTimes(cpu, times);
    }

    void FailPending(DetectorView view, PendingStores pending)
    {
        pending.MoveTo(_failing);
        foreach (var (store, fetch) in _failing) view.Report(Kind, store.Index, fetch);
        _failing.Clear();
    }
}
