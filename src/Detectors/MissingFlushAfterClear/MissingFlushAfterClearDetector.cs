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
/// is open closes it without a finding of its own and opens a new one (contract v1.1). Related: <c>clear</c>. One per clear.
/// </summary>
/// <remarks>
/// Any qualifying invalidation excuses M (contract: "any one, not only the first or the latest"). Per
/// invalidating cpu only its first qualifying invalidation of the window is kept: a later one of the same
/// cpu is hb-before M only if the first is too (program order), so nothing is lost. A <c>dev_invalidate all</c>
/// goes to the windows its cpu has not yet reached (<see cref="PendingTable"/>), not to every open window.
/// </remarks>
public sealed partial class MissingFlushAfterClearDetector : IDetector
{
    /// <summary>One entry's flush window (inline in the state array: a store reads one line).</summary>
    struct Window
    {
        public bool Open, Flagged;
        /// <summary>The entry's slot (set at each clear: a whole-table walk of the armed states hands out states, not slots).</summary>
        public int Slot;
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
            w.Slot = store.Slot;
            w.Clear = new Epoch(store.Index, store.Time, (ushort)store.Agent);
            w.Invalidations?.Clear();
            // The table's cpus that invalidated it whole learn of the window now (in clear order); a cpu that does so
            // later first walks the armed windows.
            _entries.Arm(store.Slot, store.Region);
            _entries.Hold(store.Slot); // its clear is asked about until the window closes or is flagged
            if ((uint)store.Region < (uint)_pending.Length && _pending[store.Region] is { } table)
                table.Opened(this, new PendingWindow(store.Slot, store.Index, store.Time), store.Agent);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        if (inv.All)
        {
            InvalidateAll(view, inv);
            return;
        }
        foreach (int slot in _entries.Invalidated(inv)) Consider(view, ref _entries[slot], inv);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The clear of every open window, asked about at each invalidation until the window closes or is flagged: the
    /// windows marked holding at their clear, each dropped from the walk once closed or flagged.
    /// </remarks>
    public void AddHeldStores(int cpu, List<uint> times)
    {
        var visit = new HeldClears(cpu, times);
        _entries.WalkHolding(ref visit);
    }

    /// <summary>Adds an open window's clear when <c>cpu</c> made it; a closed or flagged window holds none.</summary>
    readonly ref struct HeldClears(int cpu, List<uint> times) : IHeldVisit<Window>
    {
        public bool Visit(ref Window w)
        {
            if (!w.Open || w.Flagged) return false;
            if (w.Clear.Agent == cpu) times.Add(w.Clear.Time);
            return true;
        }
    }

    /// <summary>Tests' twin of <see cref="AddHeldStores"/>: the walk over every entry ever touched it replaced.</summary>
    internal void AddHeldStoresOfEveryEntry(int cpu, List<uint> times)
    {
        foreach (int slot in _entries.All)
        {
            ref readonly var w = ref _entries[slot];
            if (w.Open && !w.Flagged && w.Clear.Agent == cpu) times.Add(w.Clear.Time);
        }
    }

    /// <summary>
    /// Applies invalidation <paramref name="inv"/> to window <paramref name="w"/>; true when the window is settled for
    /// the invalidating cpu (closed, flagged, or holding an invalidation of that cpu), so no later invalidation of
    /// that cpu can change it.
    /// </summary>
    static bool Consider(DetectorView view, ref Window w, in EntryInvalidation inv)
    {
        if (!w.Open || w.Flagged) return true;
        if (Holds(in w, inv.Agent)) return true;
        // The fetcher observes: C must be ordered before the invalidation request (class o) for the outer domain.
        if (!view.StoreOrderedBefore(w.Clear, inv.Agent, AccessClass.O, ObserverDomain.Outer)) return false;
        (w.Invalidations ??= []).Add(new Epoch(inv.Index, inv.Time, (ushort)inv.Agent));
        return true;
    }

    /// <summary>Whether <paramref name="w"/> keeps an invalidation of <paramref name="cpu"/>.</summary>
    static bool Holds(in Window w, int cpu)
    {
        if (w.Invalidations is { } kept)
            foreach (var k in kept)
                if (k.Agent == cpu) return true;
        return false;
    }

    /// <summary>
    /// Tests: the windows under way (open, not flagged) in creation order with the trace indices of their kept
    /// invalidations, ascending (the twin that walks every window must keep the same ones).
    /// </summary>
    internal string WindowsUnderWay()
    {
        var text = new System.Text.StringBuilder();
        foreach (int slot in _entries.All)
        {
            ref readonly var w = ref _entries[slot];
            if (!w.Open || w.Flagged) continue;
            AppendWindow(text, slot, w.Clear, w.Invalidations);
        }
        return text.ToString();
    }

    /// <summary>
    /// Tests: one line of <see cref="WindowsUnderWay"/> (the slot, its clear's index, the kept invalidations' indices
    /// ascending); the twin that walks every window writes its lines with it, so both speak one format.
    /// </summary>
    internal static void AppendWindow(System.Text.StringBuilder text, int slot, Epoch clear, List<Epoch>? kept)
    {
        text.Append(slot).Append(": clear ").Append(clear.Index).Append(" kept");
        foreach (long i in (kept ?? []).Select(e => e.Index).Order()) text.Append(' ').Append(i);
        text.Append('\n');
    }
}
