using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;

namespace TraceTools.Detectors.TornEntryUpdate;

/// <summary>
/// <c>torn-entry-update</c> (warning): the second store of a burst, a run of value-changing cpu stores
/// (any cpu) to E while E is present before and after each. The store that sets present is not part of
/// it; an invalidation of E by its fetcher, or E becoming non-present (by any agent's write: a device
/// write that clears present ends it too), ends it; a device write that leaves E present neither joins
/// nor ends it. Related: <c>earlier-store</c> (the burst's first store). One per burst.
/// </summary>
public sealed class TornEntryUpdateDetector : IDetector
{
    sealed class Burst
    {
        public long First = -1;
        public bool Reported;
    }

    readonly EntryStates<Burst> _entries = new();

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.TornEntryUpdate;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryInvalidate;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        // A cpu store that changes only bits the fetcher does not use is no change of the live entry (model.md §8).
        if (!(store.ByDevice ? store.Changed : store.ChangedUsed)) return;
        var b = _entries.Get(view, store.Region, store.EntryBase);
        if (store.ByDevice)
        {
            if (!store.PresentAfter) b.First = -1;
            return;
        }
        if (!(store.PresentBefore && store.PresentAfter))
        {
            b.First = -1;
            return;
        }
        if (b.First < 0)
        {
            b.First = store.Index;
            b.Reported = false;
        }
        else if (!b.Reported)
        {
            b.Reported = true;
            view.Report(Kind, store.Index, b.First);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        foreach (var b in _entries.Invalidated(inv)) b.First = -1;
    }
}
