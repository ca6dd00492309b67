using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>True when the access <paramref name="e"/> is hb-before the current event of <paramref name="agent"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool HbBefore(in Epoch e, int agent) => e.Agent == agent || Hb[agent * Width + e.Agent] >= e.Time;

    /// <summary>Latest time of <paramref name="other"/>'s stores ordered before <paramref name="agent"/>'s current point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint ObStoreOf(int agent, int other) => ObStore[agent * Width + other];

    /// <summary>Latest time of <paramref name="other"/>'s cache maintenance completed before <paramref name="agent"/>'s current point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint ObCacheOf(int agent, int other) => ObCache[agent * Width + other];

    /// <summary>
    /// What <paramref name="cpu"/>'s loads may rely on from <paramref name="other"/>: its LOADS clock, and
    /// during a load's own data checks what that load itself acquired (contract v1.1: an access sees its own bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint LoadsOf(int cpu, int other) =>
        _selfLoadsAgent == cpu ? Math.Max(Loads[cpu * Width + other], SelfLoads[other]) : Loads[cpu * Width + other];

    /// <summary>
    /// Writer rule on one cpu: is its earlier event at <paramref name="time"/> of class <paramref name="x"/> (w or c)
    /// ordered before its current event of class <paramref name="y"/> for observers in <paramref name="domain"/>?
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool WriterOrdered(int cpu, uint time, AccessClass x, AccessClass y, ObserverDomain domain) =>
        Rules.IsPreserved(x, y) || time <= Committed[cpu * CommittedLanes + CommittedLane(x, y, domain)];

    /// <summary>
    /// Is the store <paramref name="store"/> ordered before the current event (class <paramref name="y"/>) of
    /// <paramref name="agent"/> for <paramref name="domain"/>: on its own cpu the writer rule or a round trip
    /// through another agent (contract v1.1: order is not lost on the way back), the OB clock otherwise.
    /// </summary>
    internal bool StoreOrderedBefore(in Epoch store, int agent, AccessClass y, ObserverDomain domain) =>
        store.Agent == agent
            ? WriterOrdered(agent, store.Time, AccessClass.W, y, domain) || StoreReached(store, agent)
            : StoreReached(store, agent);

    /// <summary>
    /// The latest local time of <paramref name="cpu"/> whose stores the clocks order before the current event (class
    /// <paramref name="y"/>) of <paramref name="agent"/> for <paramref name="domain"/>: <see cref="StoreOrderedBefore"/>
    /// of a store of <paramref name="cpu"/> at or before it is true, of one after it only through the store's own edge
    /// (<see cref="OwnEdgeReached"/>, a store that was itself a release). The clock part of that query, split off so a
    /// caller holding many stores of one cpu in time order finds the ordered ones as a prefix.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint StoresOrderedThrough(int cpu, int agent, AccessClass y, ObserverDomain domain) =>
        cpu == agent
            ? Rules.IsPreserved(AccessClass.W, y)
                ? uint.MaxValue
                : Math.Max(Committed[agent * CommittedLanes + CommittedLane(AccessClass.W, y, domain)], ObStore[agent * Width + agent])
            : ObStore[agent * Width + cpu];

    /// <summary>
    /// Is another agent's store ob-before <paramref name="agent"/>'s current point: committed before a release
    /// that reached it (the OB clock), or itself a release (a store of sync bytes) whose own edge reached it.
    /// Such a store is its own first hop (model.md §3: nothing needs ordering before itself), which one max
    /// clock of committed times cannot say (the stores just before it are not ordered), so the cpu's edge
    /// log answers it. Only asked when the clock says no: a would-be finding, off the hot path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool StoreReached(in Epoch store, int agent) =>
        ObStore[agent * Width + store.Agent] >= store.Time || OwnEdgeReached(store, agent);

    /// <summary>Latest local time of <paramref name="other"/> whose events are hb-before <paramref name="agent"/>'s current event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint HbTimeOf(int agent, int other) => Hb[agent * Width + other];
}
