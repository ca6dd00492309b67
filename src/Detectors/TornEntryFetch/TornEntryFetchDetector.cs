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
public sealed class TornEntryFetchDetector : IDetector
{
    sealed class EntryChanges
    {
        /// <summary>Per granule (63 and up share the last slot): index of the last changing cpu store.</summary>
        public readonly long[] LastChange = Enumerable.Repeat(-1L, 64).ToArray();
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
    public TornEntryFetchDetector(int agents) => _runs = new FetchRun[agents];

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.TornEntryFetch;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryFetch;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!store.Changed) return; // tearing needs a change
        var last = _entries.Get(store.EntryBase).LastChange;
        ulong granules = store.ChangedGranules;
        while (granules != 0)
        {
            int g = System.Numerics.BitOperations.TrailingZeroCount(granules);
            last[g] = store.Index;
            granules &= granules - 1;
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
        }
        else if (run.TornTrigger < 0)
        {
            long store = _entries.Find(fetch.EntryBase)?.LastChange[Math.Min(63, (int)fetch.Granule)] ?? -1;
            if (store > run.FirstIndex) (run.TornTrigger, run.TornStore) = (fetch.Index, store);
        }
        run.LastGranule = fetch.Granule;
        run.SawPresent |= fetch.SawPresent;
        if (run.TornTrigger >= 0 && run.SawPresent && !run.Reported)
        {
            run.Reported = true;
            view.Report(Kind, run.TornTrigger, run.FirstIndex, run.TornStore);
        }
    }
}
