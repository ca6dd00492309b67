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
/// model.md §7.14: an ordered first hop, not merely hb), or on P's cpu by a round trip (contract v1.1).
/// Per entry and cpu the latest payload change that does not write the present word is kept (ordering it
/// orders the earlier ones), with the ones after it that do: such a store is a release, so it may be
/// ordered by its own edge while the stores before it are not. Related: <c>payload</c> (the latest
/// unordered M). One per P.
/// </summary>
public sealed class PresentBeforePayloadDetector : IDetector
{
    sealed class Payload
    {
        /// <summary>Per cpu: its latest payload change that does not write the present word, then the later ones that do.</summary>
        public List<Epoch>[]? ByAgent;
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
        // E became non-present, by any agent's write (contract v1.1): a new payload period starts (with this store's own changes).
        if (store.Clears) Reset(p);
        if (store.ByDevice) return; // only cpu stores are judged or set present here
        if (store.Sets)
        {
            if (p.Any) Judge(view, p, store);
            Reset(p);
            return;
        }
        if (store.ChangedOther && !store.PresentAfter)
        {
            p.ByAgent ??= new List<Epoch>[_agents];
            var mine = p.ByAgent[store.Agent] ??= [];
            if (!store.WritesPresentWord) mine.Clear(); // ordering this one orders every earlier one
            mine.Add(new Epoch(store.Index, store.Time, (ushort)store.Agent));
            p.Any = true;
        }
    }

    void Judge(DetectorView view, Payload p, in EntryStore present)
    {
        long worst = -1;
        foreach (var mine in p.ByAgent!)
        {
            if (mine is null) continue;
            for (int i = mine.Count - 1; i >= 0 && mine[i].Index > worst; i--)
            {
                // Another cpu's payload needs the full ob-before (model.md §7.14), not merely hb.
                if (!view.StoreOrderedBefore(mine[i], present.Agent, AccessClass.W, ObserverDomain.Outer))
                {
                    worst = mine[i].Index;
                    break;
                }
            }
        }
        if (worst >= 0) view.Report(Kind, present.Index, worst);
    }

    static void Reset(Payload p)
    {
        if (!p.Any) return;
        foreach (var mine in p.ByAgent!) mine?.Clear();
        p.Any = false;
    }
}
