using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;

namespace TraceTools.Detectors.MissingFlushAfterClear;

/// <summary>
/// <c>missing-flush-after-clear</c>: after a cpu store C clears present on E, the first store M that
/// changes another bit of E, unless an invalidation I of E by its fetcher lies between them with C
/// ob-before I (writer rule, outer domain, on C's cpu; the OB clock from another cpu) and I hb-before M.
/// C's window runs to the next store that sets present (judged, then closes it). Related: <c>clear</c>.
/// One per clear.
/// </summary>
public sealed class MissingFlushAfterClearDetector : IDetector
{
    sealed class Window
    {
        public bool Open, Flagged;
        /// <summary>The clear, and the first and the latest invalidation that C is ordered before.</summary>
        public Epoch Clear, FirstInvalidation, Invalidation;
        public int Region;
    }

    readonly EntryStates<Window> _entries = new();

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingFlushAfterClear;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryInvalidate;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!store.Changed) return; // value-neutral: changes nothing
        var w = _entries.Get(store.EntryBase);
        if (w.Open)
        {
            if (store.ChangedOther && !w.Flagged)
            {
                bool flushed = w.Invalidation.Exists &&
                    (view.HbBefore(w.Invalidation, store.Agent) || view.HbBefore(w.FirstInvalidation, store.Agent));
                if (!flushed)
                {
                    w.Flagged = true;
                    view.Report(Kind, store.Index, w.Clear.Index);
                }
            }
            if (store.Sets) w.Open = false;
        }
        if (store.Clears)
        {
            w.Open = true;
            w.Flagged = false;
            w.Region = store.Region;
            w.Clear = new Epoch(store.Index, store.Time, (ushort)store.Agent);
            w.Invalidation = w.FirstInvalidation = Epoch.None;
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        if (!inv.All)
        {
            var w = _entries.Find(inv.EntryBase);
            if (w is not null) Consider(view, w, inv);
            return;
        }
        var table = view.Region(inv.Region);
        foreach (var w in _entries.InRange(table.Base, table.End)) Consider(view, w, inv);
    }

    static void Consider(DetectorView view, Window w, in EntryInvalidation inv)
    {
        if (!w.Open || w.Flagged) return;
        // The fetcher observes: C must be ordered before the invalidation request (class o) for the outer domain.
        if (view.StoreOrderedBefore(w.Clear, inv.Agent, AccessClass.O, ObserverDomain.Outer))
        {
            w.Invalidation = new Epoch(inv.Index, inv.Time, (ushort)inv.Agent);
            if (!w.FirstInvalidation.Exists) w.FirstInvalidation = w.Invalidation;
        }
    }
}
