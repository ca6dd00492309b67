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
/// Per entry and cpu the latest payload change that is not a release is kept (ordering it orders the earlier
/// ones), with the releases after it: a store that writes a present word (this entry's, or the next or previous
/// entry's when it spans two) may be ordered by its own edge while the stores before it are not. Related: <c>payload</c> (the latest
/// unordered M). One per P.
/// </summary>
public sealed class PresentBeforePayloadDetector : IDetector
{
    /// <summary>A kept payload change; <see cref="Cuts"/> when it is not a release (it drops its cpu's earlier ones).</summary>
    readonly record struct Change(Epoch Epoch, bool Cuts);

    /// <summary>
    /// Per agent, whether a backward walk over one entry's changes has passed a cut of that agent: its earlier changes
    /// are dropped. A stamp per walk instead of clearing, so a walk costs its changes, not the agent count.
    /// </summary>
    sealed class CutMarks(int agents)
    {
        int[] _walk = new int[Math.Max(agents, 1)];
        int _current;

        public void BeginWalk()
        {
            if (++_current == int.MaxValue) { Array.Clear(_walk); _current = 1; }
        }

        /// <summary>Whether <paramref name="c"/> is still kept (no later cut of its agent walked); marks its cut.</summary>
        public bool Kept(in Change c)
        {
            int a = c.Epoch.Agent;
            if (a >= _walk.Length) Array.Resize(ref _walk, Math.Max(a + 1, 2 * _walk.Length));
            if (_walk[a] == _current) return false;
            if (c.Cuts) _walk[a] = _current;
            return true;
        }
    }

    /// <summary>One entry's payload changes since it last became non-present (inline in the state array: a store reads one line).</summary>
    struct Payload
    {
        /// <summary>
        /// The changes of every cpu in trace order: the first inline in the entry's state (<see cref="Head"/>), the
        /// rest in <see cref="More"/>. A cut leaves its cpu's earlier changes in place, dropped lazily: walks skip them
        /// and a full array is compacted before it grows, so a store costs amortized O(1) whatever the other cpus keep
        /// (eager removal scanned them all on every cut). A cut whose cpu made the latest kept change replaces it
        /// instead (it would drop it anyway): while one cpu writes an entry's payload the changes stay one, inline,
        /// and a store loads no array (the array's header was a cold load on every store).
        /// </summary>
        public Change Head;
        /// <summary>Changes 1 to <see cref="Count"/> - 1 (made when a second is kept).</summary>
        public Change[]? More;
        public int Count;
        /// <summary>Changes visited by adds, compactions and walks: lets tests check the cost without timing.</summary>
        public long Steps;

        public readonly bool Any => Count != 0;

        /// <summary>Change <paramref name="i"/> (trace order) of the <see cref="Count"/> kept.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining), System.Diagnostics.CodeAnalysis.UnscopedRef]
        public ref Change At(int i) => ref i == 0 ? ref Head : ref More![i - 1];

        /// <summary>Keeps <paramref name="change"/>; one that is not a release drops its cpu's earlier ones (ordering it orders them).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(in Epoch change, bool release, CutMarks marks)
        {
            Steps++;
            var c = new Change(change, !release);
            if (Count == 0)
            {
                Head = c;
                Count = 1;
                return;
            }
            ref var last = ref At(Count - 1);
            if (c.Cuts && last.Epoch.Agent == c.Epoch.Agent) last = c;
            else Append(c, marks);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        void Append(in Change c, CutMarks marks)
        {
            if (More is null) More = new Change[4];
            else if (Count - 1 == More.Length)
            {
                Compact(marks);
                // Grow only when more than half survive: the next compaction is then at least half an array away.
                if (2 * Count > 1 + More.Length) Array.Resize(ref More, 2 * More.Length);
            }
            At(Count++) = c;
        }

        /// <summary>Removes the dropped changes, keeping the others in trace order.</summary>
        public void Compact(CutMarks marks)
        {
            if (Count == 0) return;
            marks.BeginWalk();
            int w = Count;
            for (int i = Count - 1; i >= 0; i--)
            {
                Steps++;
                if (marks.Kept(At(i))) At(--w) = At(i);
            }
            int kept = Count - w;
            for (int i = 0; i < kept; i++) At(i) = At(w + i);
            Count = kept;
        }

        public void Reset() => Count = 0;
    }

    readonly EntryStates<Payload> _entries = new();
    readonly CutMarks _marks;

    internal long Steps { get { long s = 0; foreach (int slot in _entries.All) s += _entries[slot].Steps; return s; } }

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents (a hint: more agents grow the walk marks).</summary>
    public PresentBeforePayloadDetector(int agents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agents);
        _marks = new CutMarks(agents);
    }

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
        ref var p = ref _entries.Get(store.Slot, store.Region);
        // E became non-present, by any agent's write (contract v1.1): a new payload period starts (with this store's own changes).
        if (store.Clears) p.Reset();
        if (store.ByDevice) return; // only cpu stores are judged or set present here
        if (store.Sets)
        {
            if (p.Any) Judge(view, ref p, store);
            p.Reset();
            return;
        }
        if (store.ChangedOther && !store.PresentAfter)
        {
            // An entry starts holding at its first kept change (it holds changes while it has any): marked once then.
            if (!p.Any) _entries.Hold(store.Slot);
            // A release (it writes this entry's present word, or, spanning two entries, the other's) may be ordered by its own
            // edge while its cpu's earlier changes are not, so only a plain change cuts: not merely one that misses this word.
            p.Add(new Epoch(store.Index, store.Time, (ushort)store.Agent), store.IsRelease, _marks);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The kept changes: the releases among them are judged by their own edge. Only entries marked holding at their
    /// first kept change are visited, each dropped from the walk once it keeps none.
    /// </remarks>
    public void AddHeldStores(int cpu, List<uint> times)
    {
        var visit = new HeldChanges(cpu, times, _marks);
        _entries.WalkHolding(ref visit);
    }

    /// <summary>Adds the kept changes of <c>cpu</c> (after dropping the cut ones); an entry with none holds nothing.</summary>
    readonly ref struct HeldChanges(int cpu, List<uint> times, CutMarks marks) : IHeldVisit<Payload>
    {
        public bool Visit(ref Payload p)
        {
            AddChanges(ref p, cpu, times, marks);
            return p.Any;
        }
    }

    static void AddChanges(ref Payload p, int cpu, List<uint> times, CutMarks marks)
    {
        p.Compact(marks);
        for (int i = 0; i < p.Count; i++)
            if (p.At(i).Epoch.Agent == cpu) times.Add(p.At(i).Epoch.Time);
    }

    /// <summary>Tests' twin of <see cref="AddHeldStores"/>: the walk over every entry ever touched it replaced.</summary>
    internal void AddHeldStoresOfEveryEntry(int cpu, List<uint> times)
    {
        foreach (int slot in _entries.All) AddChanges(ref _entries[slot], cpu, times, _marks);
    }

    /// <summary>
    /// Reports the latest kept change not ordered before <paramref name="present"/>. Per cpu that is its latest
    /// unordered one, and the answer the latest of those: walking the flat list from its end, the first
    /// unordered change still kept.
    /// </summary>
    void Judge(DetectorView view, ref Payload p, in EntryStore present)
    {
        _marks.BeginWalk();
        for (int i = p.Count - 1; i >= 0; i--)
        {
            p.Steps++;
            ref readonly var m = ref p.At(i);
            if (!_marks.Kept(m)) continue;
            // Another cpu's payload needs the full ob-before (model.md §7.14), not merely hb.
            if (!view.StoreOrderedBefore(m.Epoch, present.Agent, AccessClass.W, ObserverDomain.Outer))
            {
                view.Report(Kind, present.Index, m.Epoch.Index);
                return;
            }
        }
    }
}
