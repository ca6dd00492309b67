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
    /// <summary>One entry's payload changes since it last became non-present.</summary>
    sealed class Payload
    {
        /// <summary>
        /// The kept changes of every cpu in trace order (per cpu: its latest change that does not write the
        /// present word, then its later ones that do), inline in the entry's state: one flat array instead of a
        /// list per agent, so a store touches one object and its array.
        /// </summary>
        public Epoch[] Kept = [];
        public int Count;
        /// <summary>Bit a % 64 set when a change of an agent ≡ a (mod 64) may be kept: a cpu's first change skips the removal scan.</summary>
        public ulong Holders;

        public bool Any => Count != 0;

        /// <summary>Keeps <paramref name="change"/>; one that does not write the present word first drops its cpu's earlier ones (ordering it orders them).</summary>
        public void Add(in Epoch change, bool writesPresentWord)
        {
            ulong bit = 1UL << (change.Agent & 63);
            if (!writesPresentWord && (Holders & bit) != 0)
            {
                int kept = 0;
                for (int i = 0; i < Count; i++)
                    if (Kept[i].Agent != change.Agent) Kept[kept++] = Kept[i];
                Count = kept;
            }
            if (Count == Kept.Length) Array.Resize(ref Kept, Math.Max(4, 2 * Count));
            Kept[Count++] = change;
            Holders |= bit;
        }

        public void Reset()
        {
            Count = 0;
            Holders = 0;
        }
    }

    readonly EntryStates<Payload> _entries = new();

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents (the kept changes need no per-agent table: any count works).</summary>
    public PresentBeforePayloadDetector(int agents) => ArgumentOutOfRangeException.ThrowIfNegative(agents);

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
        var p = _entries.Get(view, store.Region, store.EntryBase);
        // E became non-present, by any agent's write (contract v1.1): a new payload period starts (with this store's own changes).
        if (store.Clears) p.Reset();
        if (store.ByDevice) return; // only cpu stores are judged or set present here
        if (store.Sets)
        {
            if (p.Any) Judge(view, p, store);
            p.Reset();
            return;
        }
        if (store.ChangedOther && !store.PresentAfter)
            p.Add(new Epoch(store.Index, store.Time, (ushort)store.Agent), store.WritesPresentWord);
    }

    /// <inheritdoc/>
    /// <remarks>The kept changes: the ones that write the present word are releases, judged by their own edge.</remarks>
    public void AddHeldStores(int cpu, List<uint> times)
    {
        foreach (var p in _entries.All)
        {
            for (int i = 0; i < p.Count; i++)
                if (p.Kept[i].Agent == cpu) times.Add(p.Kept[i].Time);
        }
    }

    /// <summary>
    /// Reports the latest kept change not ordered before <paramref name="present"/>. Per cpu that is its latest
    /// unordered one, and the answer the latest of those: walking the flat list from its end, the first
    /// unordered change.
    /// </summary>
    void Judge(DetectorView view, Payload p, in EntryStore present)
    {
        for (int i = p.Count - 1; i >= 0; i--)
        {
            // Another cpu's payload needs the full ob-before (model.md §7.14), not merely hb.
            if (!view.StoreOrderedBefore(p.Kept[i], present.Agent, AccessClass.W, ObserverDomain.Outer))
            {
                view.Report(Kind, present.Index, p.Kept[i].Index);
                return;
            }
        }
    }
}
