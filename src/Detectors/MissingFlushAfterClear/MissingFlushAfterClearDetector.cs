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
/// C's window runs to the next cpu store that sets present (judged, then closes it); device writes
/// neither open nor close a window. One window per entry: a cpu store that clears present while a window
/// is open closes it without a finding and opens a new one (contract v1.1). Related: <c>clear</c>. One per clear.
/// </summary>
/// <remarks>
/// Any qualifying invalidation excuses M (contract: "any one, not only the first or the latest"). Per
/// invalidating cpu only its first qualifying invalidation of the window is kept: a later one of the same
/// cpu is hb-before M only if the first is too (program order), so nothing is lost.
/// </remarks>
public sealed class MissingFlushAfterClearDetector : IDetector
{
    /// <summary>One entry's flush window (inline in the state array: a store reads one line).</summary>
    struct Window
    {
        public bool Open, Flagged;
        public Epoch Clear;
        /// <summary>Per invalidating cpu, its first invalidation in the window that C is ordered before (made on the first).</summary>
        public List<Epoch>? Invalidations;
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
        if (!store.Changed || store.ByDevice) return; // value-neutral, or a device write: neither opens nor closes
        ref var w = ref _entries.Get(store.Slot, store.Region);
        if (w.Open && store.Clears) w.Open = false; // one window per entry: closed without a finding of its own
        if (w.Open)
        {
            if (store.ChangedOther && !w.Flagged)
            {
                bool flushed = false;
                if (w.Invalidations is { } invalidations)
                    foreach (var inv in invalidations) flushed |= view.HbBefore(inv, store.Agent);
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
            w.Clear = new Epoch(store.Index, store.Time, (ushort)store.Agent);
            w.Invalidations?.Clear();
            _entries.Arm(store.Slot, store.Region);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        if (inv.All)
        {
            // Only windows under way can take an invalidation: the armed ones (opened since a walk last dropped them).
            var visit = new Invalidation(view, inv);
            _entries.WalkArmed(inv.Region, ref visit);
            return;
        }
        foreach (int slot in _entries.Invalidated(inv)) Consider(view, ref _entries[slot], inv);
    }

    /// <summary>An invalidation of every entry of a table, applied to each open window; a window stays armed while open and not flagged.</summary>
    readonly ref struct Invalidation(DetectorView view, EntryInvalidation inv) : IArmedVisit<Window>
    {
        readonly DetectorView _view = view;
        readonly EntryInvalidation _inv = inv;

        public bool Visit(ref Window w)
        {
            Consider(_view, ref w, _inv);
            return w.Open && !w.Flagged;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The clear of every open window, asked about at each invalidation until the window closes or is flagged.</remarks>
    public void AddHeldStores(int cpu, List<uint> times)
    {
        foreach (int slot in _entries.All)
        {
            ref readonly var w = ref _entries[slot];
            if (w.Open && !w.Flagged && w.Clear.Agent == cpu) times.Add(w.Clear.Time);
        }
    }

    static void Consider(DetectorView view, ref Window w, in EntryInvalidation inv)
    {
        if (!w.Open || w.Flagged) return;
        // The fetcher observes: C must be ordered before the invalidation request (class o) for the outer domain.
        if (w.Invalidations is { } kept)
            foreach (var k in kept)
                if (k.Agent == inv.Agent) return;
        if (view.StoreOrderedBefore(w.Clear, inv.Agent, AccessClass.O, ObserverDomain.Outer))
            (w.Invalidations ??= []).Add(new Epoch(inv.Index, inv.Time, (ushort)inv.Agent));
    }
}
