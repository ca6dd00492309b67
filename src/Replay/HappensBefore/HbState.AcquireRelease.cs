using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

/// <summary>The hb and ob state changes of store_release, load_acquire and xchg (docs/model.md §10).</summary>
sealed partial class HbState
{
    /// <summary>
    /// A barrier implied just before <paramref name="cpu"/>'s current access (riscv64 <c>fence rw,w</c> before a
    /// release store, the full barrier before <c>xchg</c>): it commits the cpu's earlier events only, so its
    /// slots take the time just below the access's (a barrier written before a store does not order that store).
    /// </summary>
    internal void BarrierBefore(int cpu, uint code)
    {
        uint t = Time[cpu];
        Time[cpu] = t - 1; // an event's time is its index + 1 ≥ 1; events before it have times ≤ t − 1
        Barrier(cpu, code);
        Time[cpu] = t;
    }

    /// <summary>
    /// arm64 <c>stlr</c>: for the duration of the current store only, every earlier load and store of
    /// <paramref name="cpu"/> is ordered before it for other cpus (the (r → w) and (w → w) inner slots). Returns the
    /// slots' values to give back with <see cref="EndOwnRelease"/>: a later plain store is not ordered by it.
    /// </summary>
    internal (uint Load, uint Store) BeginOwnRelease(int cpu)
    {
        if (!TracksOb) return default;
        int row = cpu * OrderingRules.Slots;
        ref uint load = ref Committed[row + OrderingRules.Slot(AccessClass.R, AccessClass.W, ObserverDomain.Inner)];
        ref uint store = ref Committed[row + OrderingRules.Slot(AccessClass.W, AccessClass.W, ObserverDomain.Inner)];
        var saved = (load, store);
        uint before = Time[cpu] - 1;
        if (load < before) load = before;
        if (store < before) store = before;
        return saved;
    }

    /// <summary>Gives back the slots <see cref="BeginOwnRelease"/> raised.</summary>
    internal void EndOwnRelease(int cpu, (uint Load, uint Store) saved)
    {
        if (!TracksOb) return;
        int row = cpu * OrderingRules.Slots;
        Committed[row + OrderingRules.Slot(AccessClass.R, AccessClass.W, ObserverDomain.Inner)] = saved.Load;
        Committed[row + OrderingRules.Slot(AccessClass.W, AccessClass.W, ObserverDomain.Inner)] = saved.Store;
    }

    /// <summary>
    /// True when the event at <paramref name="index"/> of <paramref name="receiver"/> acquired a release of another
    /// cpu (an edge of a cpu's edge log landed on it): reports name the read barrier for that releaser (docs/model.md
    /// §10.5). Edges out of devices are not logged, and compaction may drop one: false then means "a device, or
    /// not known", for which the device barrier is the safe advice.
    /// </summary>
    internal bool AcquiredFromCpu(int receiver, long index)
    {
        for (int cpu = 0; cpu < AgentCount; cpu++)
            if (cpu != receiver && !IsDevice[cpu] && _edges[cpu].LandedAt(receiver, index)) return true;
        return false;
    }
}
