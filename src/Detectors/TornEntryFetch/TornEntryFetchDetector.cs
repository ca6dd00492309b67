using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
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
    sealed class EntryChanges
    {
        /// <summary>Per granule, at any entry size (granules are independent): index of the last changing cpu store, or -1.</summary>
        public long[] LastChange = [];

        public long At(uint granule) => granule < LastChange.Length ? LastChange[granule] : -1;
    }

    struct FetchRun
    {
        public bool Active, SawPresent, Reported;
        public ulong Entry;
        public uint LastGranule;
        public long FirstIndex, TornTrigger, TornStore;
    }

    readonly EntryStates<EntryChanges> _entries = new();
    readonly FetchRun[] _runs;

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents.</summary>
    public TornEntryFetchDetector(int agents) : this(agents, usedBits: false) { }

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents; <paramref name="usedBits"/>: some table declares used bits.</summary>
    public TornEntryFetchDetector(int agents, bool usedBits)
    {
        _runs = new FetchRun[agents];
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
        if (!store.Changed || store.ByDevice) return; // tearing needs a change by a cpu store
        if (_usedRuns.Length != 0 && view.Region(store.Region) is { UsedBits: not null } table)
        {
            LogUsedStore(view, table, store);
            return;
        }
        var changes = _entries.Get(view, store.Region, store.EntryBase);
        var words = view.ChangedGranuleWords;
        if (changes.LastChange.Length < words.Length * 64)
        {
            int old = changes.LastChange.Length;
            Array.Resize(ref changes.LastChange, words.Length * 64);
            changes.LastChange.AsSpan(old).Fill(-1);
        }
        for (int w = 0; w < words.Length; w++)
        {
            ulong granules = words[w];
            while (granules != 0)
            {
                int g = System.Numerics.BitOperations.TrailingZeroCount(granules);
                changes.LastChange[w * 64 + g] = store.Index;
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
            long store = _entries.Find(view, fetch.Region, fetch.EntryBase)?.At(fetch.Granule) ?? -1;
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
