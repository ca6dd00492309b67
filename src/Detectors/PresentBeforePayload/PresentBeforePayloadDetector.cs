using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;

namespace TraceTools.Detectors.PresentBeforePayload;

/// <summary>
/// <c>present-before-payload</c>: a cpu store P that sets present on E while some store M that changed
/// another bit of E since E last became non-present is not ordered before P: on P's cpu by the writer
/// rule (w→w, outer domain: the fetcher observes), from another cpu by the OB clock (full ob-before,
/// model.md §7.14: an ordered first hop, not merely hb). Per entry only the latest
/// payload change of each cpu is kept (ordering it orders the earlier ones). Related: <c>payload</c>
/// (the latest unordered M). One per P.
/// </summary>
public sealed class PresentBeforePayloadDetector : IDetector
{
    sealed class Payload
    {
        public Epoch[]? LatestByAgent;
        public bool Any;
    }

    readonly EntryStates<Payload> _entries = new();
    readonly int _agents;

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents.</summary>
    public PresentBeforePayloadDetector(int agents) => _agents = agents;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.PresentBeforePayload;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        if (!store.Changed) return;
        var p = _entries.Get(store.EntryBase);
        if (store.Clears) Reset(p); // E became non-present: a new payload period starts (with this store's own changes)
        if (store.Sets)
        {
            if (p.Any) Judge(view, p, store);
            Reset(p);
            return;
        }
        if (store.ChangedOther && !store.PresentAfter)
        {
            p.LatestByAgent ??= new Epoch[_agents];
            p.LatestByAgent[store.Agent] = new Epoch(store.Index, store.Time, (ushort)store.Agent);
            p.Any = true;
        }
    }

    void Judge(DetectorView view, Payload p, in EntryStore present)
    {
        long worst = -1;
        foreach (var m in p.LatestByAgent!)
        {
            if (!m.Exists || m.Index <= worst) continue;
            // Another cpu's payload needs the full ob-before (model.md §7.14), not merely hb.
            bool ordered = view.StoreOrderedBefore(m, present.Agent, AccessClass.W, ObserverDomain.Outer);
            if (!ordered) worst = m.Index;
        }
        if (worst >= 0) view.Report(Kind, present.Index, worst);
    }

    static void Reset(Payload p)
    {
        if (!p.Any) return;
        Array.Clear(p.LatestByAgent!);
        p.Any = false;
    }
}
