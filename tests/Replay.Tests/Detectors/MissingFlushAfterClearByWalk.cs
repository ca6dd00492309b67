using TraceTools.Detectors.Entries;
using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// missing-flush-after-clear as it was before the pending lanes: a <c>dev_invalidate all</c> visits every armed window
/// and asks each one (the tests' twin of <see cref="TraceTools.Detectors.MissingFlushAfterClear.MissingFlushAfterClearDetector"/>).
/// </summary>
sealed class MissingFlushAfterClearByWalk : IDetector
{
    struct Window
    {
        public bool Open, Flagged;
        public Epoch Clear;
        public List<Epoch>? Invalidations;
    }

    readonly EntryStates<Window> _entries = new();

    public FindingKind Kind => FindingKind.MissingFlushAfterClear;
    public DetectorNeeds Needs => DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryInvalidate;

    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!store.Changed || store.ByDevice) return;
        ref var w = ref _entries.Get(store.Slot, store.Region);
        if (w.Open && store.Clears) w.Open = false;
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

    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        if (inv.All)
        {
            var visit = new Invalidation(view, inv);
            _entries.WalkArmed(inv.Region, ref visit);
            return;
        }
        foreach (int slot in _entries.Invalidated(inv)) Consider(view, ref _entries[slot], inv);
    }

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
        if (w.Invalidations is { } kept)
            foreach (var k in kept)
                if (k.Agent == inv.Agent) return;
        if (view.StoreOrderedBefore(w.Clear, inv.Agent, AccessClass.O, ObserverDomain.Outer))
            (w.Invalidations ??= []).Add(new Epoch(inv.Index, inv.Time, (ushort)inv.Agent));
    }

    /// <summary>The windows under way with their kept invalidations, in the detector's format (<c>MissingFlushAfterClearDetector.AppendWindow</c>).</summary>
    public string WindowsUnderWay()
    {
        var text = new System.Text.StringBuilder();
        foreach (int slot in _entries.All)
        {
            ref readonly var w = ref _entries[slot];
            if (!w.Open || w.Flagged) continue;
            MissingFlushAfterClearDetector.AppendWindow(text, slot, w.Clear, w.Invalidations);
        }
        return text.ToString();
    }
}
