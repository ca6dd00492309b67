using System.Runtime.CompilerServices;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// What a detector may ask of the replay at the current event, and where it reports: hb and ob
/// questions about events (never clock rows), the last writers and accesses of an access's bytes, the
/// related-event logs, and <see cref="Report(FindingKind, long, long)"/>. A ref struct: a detector cannot
/// keep it past the hook it was handed to, so everything it keeps is its own state.
/// </summary>
public readonly ref partial struct DetectorView
{
    // Two references, so the view travels in two registers.
    readonly HbState _hb;
    readonly ReplayEngine _engine;

    internal DetectorView(ReplayEngine engine, HbState hb)
    {
        _engine = engine;
        _hb = hb;
    }

    /// <summary>Number of agents (agent ids are 0 to this − 1).</summary>
    public int AgentCount => _hb.AgentCount;

    /// <summary>The trace's arch.</summary>
    public Arch Arch => _engine.Metadata.Arch;

    /// <summary>The region with index <paramref name="region"/> in the metadata.</summary>
    public RegionInfo Region(int region) => _engine.Regions[region];

    /// <summary>True when <paramref name="agent"/> is cache-coherent (every cpu is).</summary>
    public bool IsCoherent(int agent) => _engine.Coherent[agent];

    /// <summary>True when the access <paramref name="e"/> is hb-before the current event of <paramref name="agent"/> (or is its own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HbBefore(in Epoch e, int agent) => _hb.HbBefore(e, agent);

    /// <summary>Latest local time of <paramref name="other"/> whose events are hb-before <paramref name="agent"/>'s current event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint HbTimeOf(int agent, int other) => _hb.HbTimeOf(agent, other);

    /// <summary>
    /// Is <paramref name="store"/> ordered before the current event (class <paramref name="y"/>) of
    /// <paramref name="agent"/> for observers in <paramref name="domain"/>: the writer rule on its own cpu,
    /// full ob-before from another agent (see <see cref="StoreReached"/>).
    /// </summary>
    public bool StoreOrderedBefore(in Epoch store, int agent, AccessClass y, ObserverDomain domain)
    {
        ReplayThrow.Unless(_hb.TracksOb && _hb.TracksEdges, "ObClocks and EdgeLog");
        return _hb.StoreOrderedBefore(store, agent, y, domain);
    }

    /// <summary>
    /// Position in <paramref name="cpu"/>'s edge log of its first edge logged at or after trace index
    /// <paramref name="since"/>; with <see cref="EdgesLogged"/> and <see cref="EdgeReleaseTime"/> a detector reads the
    /// edges logged since it last looked (positions hold within an event). A store of the cpu that is a release of its
    /// own (sync bytes) can be ordered by its own edge (<see cref="StoreOrderedBefore"/>) only once an edge with its
    /// time is logged.
    /// </summary>
    public int EdgePositionAt(int cpu, long since)
    {
        ReplayThrow.Unless(_hb.TracksEdges, "EdgeLog");
        return _hb.EdgePositionAt(cpu, since);
    }

    /// <summary>Edges in <paramref name="cpu"/>'s log (see <see cref="EdgePositionAt"/>).</summary>
    public int EdgesLogged(int cpu) => _hb.EdgeCount(cpu);

    /// <summary>The local time of the release whose edge is at <paramref name="position"/> of <paramref name="cpu"/>'s log.</summary>
    public uint EdgeReleaseTime(int cpu, int position) => _hb.EdgeReleaseTime(cpu, position);

    /// <summary>
    /// The latest local time of <paramref name="cpu"/> whose stores the clocks order before the current event (class
    /// <paramref name="y"/>) of <paramref name="agent"/> for <paramref name="domain"/>: <see cref="StoreOrderedBefore"/>
    /// is true for every store of <paramref name="cpu"/> at or before it, and for a later one only when that store was
    /// itself a release whose own edge reached <paramref name="agent"/> (a store of sync bytes, see
    /// <see cref="EntryStore.IsRelease"/>). So the ordered plain stores of one cpu are a prefix of its stores in time order.
    /// </summary>
    public uint StoresOrderedThrough(int cpu, int agent, AccessClass y, ObserverDomain domain)
    {
        ReplayThrow.Unless(_hb.TracksOb && _hb.TracksEdges, "ObClocks and EdgeLog");
        return _hb.StoresOrderedThrough(cpu, agent, y, domain);
    }

    /// <summary>
    /// Is another agent's <paramref name="store"/> ob-before <paramref name="agent"/>'s current event: committed
    /// before a release that reached it, or itself a release whose own edge reached it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool StoreReached(in Epoch store, int agent)
    {
        ReplayThrow.Unless(_hb.TracksOb && _hb.TracksEdges, "ObClocks and EdgeLog");
        return _hb.StoreReached(store, agent);
    }

    /// <summary>True when <paramref name="cpu"/>'s cache maintenance at local time <paramref name="time"/> is completed before a release that reached <paramref name="agent"/>'s current event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CacheMaintenanceReached(int cpu, uint time, int agent)
    {
        ReplayThrow.Unless(_hb.TracksObCache, "ObClocks and CacheState");
        return time <= _hb.ObCacheOf(agent, cpu);
    }

    /// <summary>True when <paramref name="cpu"/>'s later loads may rely on the device write <paramref name="write"/> (an adequate read barrier after the acquire).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool OrderedForLoads(in Epoch write, int cpu)
    {
        ReplayThrow.Unless(_hb.TracksLoads, "LoadsClock");
        return _hb.LoadsOf(cpu, write.Agent) >= write.Time;
    }

    /// <summary>
    /// The <c>publish</c> of a cpu's <paramref name="store"/> read by <paramref name="device"/>'s current event:
    /// the first release at or after the store with an edge reaching that event (-1 when none).
    /// </summary>
    public long PublishAfter(in Epoch store, int device)
    {
        ReplayThrow.Unless(_hb.TracksEdges, "EdgeLog");
        return _hb.PublishAfter(store, device);
    }

    /// <summary>Trace index of the first plain acquire of <paramref name="cpu"/> that made the device write <paramref name="write"/> hb-before it, or -1.</summary>
    public long AcquireReaching(int cpu, in Epoch write)
    {
        ReplayThrow.Unless(_hb.TracksLoads, "LoadsClock");
        return _hb.AcquireReaching(cpu, write.Agent, write.Time);
    }

    /// <summary>
    /// The exact set of granules the current <see cref="EntryStore"/> changed (bit g % 64 of word g / 64), at
    /// any entry size (contract v1.1: granules are independent); valid only inside an entry-store hook.
    /// </summary>
    public ReadOnlySpan<ulong> ChangedGranuleWords => _engine.ChangedGranuleWords;

    /// <summary>Reports a finding of <paramref name="kind"/> with one related event (the descriptor's only role).</summary>
    public void Report(FindingKind kind, long trigger, long related) =>
        _engine.Report(kind, trigger, [new RelatedEvent(Role(kind, 0, 1), related)]);

    /// <summary>Reports a finding of <paramref name="kind"/> with two related events, in the descriptor's role order.</summary>
    public void Report(FindingKind kind, long trigger, long first, long second) =>
        _engine.Report(kind, trigger, [new RelatedEvent(Role(kind, 0, 2), first), new RelatedEvent(Role(kind, 1, 2), second)]);

    static RelatedRole Role(FindingKind kind, int at, int count)
    {
        var roles = kind.Describe().Roles;
        if (roles.Count != count) ReplayThrow.RoleCount(kind, count);
        return roles[at];
    }
}
