using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;

namespace TraceTools.Detectors.TornEntryFetch;

/// <summary>
/// <c>torn-entry-fetch</c>: a fetch (the fetcher's run of rising granule reads of one entry) that
/// observed present = 1 and read granule g after a value-changing cpu store to g that came after the
/// fetch's first granule read. Trigger: the read of g; related <c>first-granule</c>, <c>store</c> (the
/// latest such store to g). One per fetch.
/// </summary>
public sealed partial class TornEntryFetchDetector : IDetector
{
    struct FetchRun
    {
        public bool Active, SawPresent, Reported;
        public ulong Entry;
        public uint LastGranule;
        public long FirstIndex, TornTrigger, TornStore;
    }

    readonly FetchRun[] _runs;

    /// <summary>
    /// Per fetcher, per granule (at any entry size: granules are independent): the index of the latest changing cpu
    /// store to that granule of the entry the fetcher's run was reading at the time, or -1. Only such a store can
    /// tear the run: a store made while no run was on its entry precedes the first read of every later run of it.
    /// A value at or below the current run's first read was left by an earlier run and means nothing, so a new
    /// run clears nothing.
    /// </summary>
    readonly long[][] _runChanges;

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents.</summary>
    public TornEntryFetchDetector(int agents) : this(agents, usedBits: false) { }

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents; <paramref name="usedBits"/>: some table declares used bits.</summary>
    public TornEntryFetchDetector(int agents, bool usedBits)
    {
        _runs = new FetchRun[agents];
        _runChanges = new long[agents][];
        Array.Fill(_runChanges, []);
        _usedRuns = usedBits ? new UsedRun[agents] : [];
    }

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.TornEntryFetch;

    /// <inheritdoc/>
    public DetectorNeeds Needs => _usedRuns.Length != 0 ? DetectorNeeds.EntryValues : DetectorNeeds.None;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryFetch;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!store.Changed) return;
        if (store.ByDevice)
        {
            // A device write tears nothing, but it changes the entry a fetch under way observes (model.md §8.1).
            if (_usedRuns.Length != 0) ForgetUsed(view, store);
            return; // tearing needs a change by a cpu store
        }
        var table = view.Region(store.Region);
        if (_usedRuns.Length != 0 && table.UsedBits is not null)
        {
            LogUsedStore(view, table, store);
            return;
        }
        // Most stores meet no fetch under way on their entry: nothing to keep (no per-entry state at all).
        int fetcher = table.Device;
        if ((uint)fetcher >= (uint)_runs.Length || !_runs[fetcher].Active || _runs[fetcher].Entry != store.EntryBase) return;
        var words = view.ChangedGranuleWords;
        ref var changes = ref _runChanges[fetcher];
        if (changes.Length < words.Length * 64)
        {
            int old = changes.Length;
            Array.Resize(ref changes, words.Length * 64);
            changes.AsSpan(old).Fill(-1);
        }
        for (int w = 0; w < words.Length; w++)
        {
            ulong granules = words[w];
            while (granules != 0)
            {
                int g = System.Numerics.BitOperations.TrailingZeroCount(granules);
                changes[w * 64 + g] = store.Index;
                granules &= granules - 1;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryFetch(DetectorView view, in EntryFetch fetch)
    {
        ref var run = ref _runs[fetch.Agent];
        if (!run.Active || run.Entry != fetch.EntryBase || fetch.Granule <= run.LastGranule)
        {
            // A read of another entry, or of a granule not above the previous one, starts a new fetch.
            run = new FetchRun { Active = true, Entry = fetch.EntryBase, FirstIndex = fetch.Index, TornTrigger = -1 };
            if (_usedRuns.Length != 0) StartUsedRun(view, fetch);
        }
        else if (run.TornTrigger < 0 && _usedRuns.Length != 0 && view.Region(fetch.Region).UsedBits is not null)
        {
            long store = UsedTear(view, fetch, run.FirstIndex);
            if (store >= 0) (run.TornTrigger, run.TornStore) = (fetch.Index, store);
        }
        else if (run.TornTrigger < 0)
        {
            var changes = _runChanges[fetch.Agent];
            long store = fetch.Granule < (uint)changes.Length ? changes[fetch.Granule] : -1;
            if (store > run.FirstIndex) (run.TornTrigger, run.TornStore) = (fetch.Index, store);
        }
        if (_usedRuns.Length != 0) ObserveGranule(view, fetch);
        run.LastGranule = fetch.Granule;
        run.SawPresent |= fetch.SawPresent;
        if (run.TornTrigger >= 0 && run.SawPresent && !run.Reported)
        {
            run.Reported = true;
            view.Report(Kind, run.TornTrigger, run.FirstIndex, run.TornStore);
        }
    }
}
