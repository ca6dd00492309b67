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
    /// <summary>One entry's current burst (inline in the state array).</summary>
    struct Burst
    {
        /// <summary>Whether a burst is under way: <see cref="First"/> is its first store.</summary>
        public bool Open, Reported;
        public long First;
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
        ref var b = ref _entries.Get(store.Slot, store.Region);
        if (store.ByDevice)
        {
            if (!store.PresentAfter) b.Open = false;
            return;
        }
        if (!(store.PresentBefore && store.PresentAfter))
        {
            b.Open = false;
            return;
        }
        if (!b.Open)
        {
            b.Open = true;
            b.First = store.Index;
            b.Reported = false;
            _entries.Arm(store.Slot, store.Region);
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
        if (inv.All)
        {
            // Only bursts under way can end: the armed ones (opened since a walk last dropped them).
            var end = new EndBurst();
            _entries.WalkArmed(inv.Region, ref end);
            return;
        }
        foreach (int slot in _entries.Invalidated(inv)) _entries[slot].Open = false;
    }

    /// <summary>An invalidation of every entry of a table ends each burst under way; none stays armed.</summary>
    struct EndBurst : IArmedVisit<Burst>
    {
        public readonly bool Visit(ref Burst b)
        {
            b.Open = false;
            return false;
        }
    }
}
