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
    /// arm64 <c>stlr</c>: for the duration of the current store only, every earlier store of <paramref name="cpu"/> is
    /// ordered before it for other cpus (the (w → w) inner lane; its earlier loads too, (r → w), but no query asks about
    /// a load's order). Returns the lane's value to give back with <see cref="EndOwnRelease"/>: a later plain store is
    /// not ordered by it.
    /// </summary>
    internal uint BeginOwnRelease(int cpu)
    {
        if (!TracksOb) return 0;
        ref uint store = ref Committed[cpu * CommittedLanes + CommittedLane(AccessClass.W, AccessClass.W, ObserverDomain.Inner)];
        uint saved = store, before = Time[cpu] - 1;
        if (store < before) store = before;
        return saved;
    }

    /// <summary>Gives back the lane <see cref="BeginOwnRelease"/> raised.</summary>
    internal void EndOwnRelease(int cpu, uint saved)
    {
        if (!TracksOb) return;
        Committed[cpu * CommittedLanes + CommittedLane(AccessClass.W, AccessClass.W, ObserverDomain.Inner)] = saved;
    }

    /// <summary>
    /// The hop from another cpu's release to the event at <paramref name="index"/> of <paramref name="receiver"/>, when
    /// an edge of a cpu's edge log landed on it: reports name the read barrier for that releaser (docs/model.md §10.5)
    /// and draw the hop. Edges out of devices are not logged, and compaction may drop one: null then means "a device,
    /// or not known", for which the device barrier is the safe advice.
    /// </summary>
    internal HbHop? HopInto(int receiver, long index)
    {
        for (int cpu = 0; cpu < AgentCount; cpu++)
        {
            if (cpu == receiver || IsDevice[cpu]) continue;
            long release = _edges[cpu].ReleaseLandedAt(receiver, index);
            if (release >= 0) return new HbHop(cpu, release, receiver, index);
        }
        return null;
    }
}
