using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// The hb state machine: per-agent clocks (HB; OB for stores and for cache maintenance; LOADS and the
/// pending reader-side clocks), each cpu's committed barrier table, the release channels (arena
/// snapshots, inboxes, locks, interrupt lines) and the related-event logs. It knows nothing of memory:
/// the engine hands it the sync events, and detectors query it through <see cref="DetectorView"/>.
/// </summary>
/// <remarks>
/// Clocks are rows of width <see cref="Width"/> in flat arrays (row = agent). Local time of an agent is
/// the trace index of its latest event + 1 (monotone per agent, so it orders the agent's events exactly
/// like an event count would, and an epoch (agent, time) names its event's index); a clock component c
/// means "events of that agent with time ≤ c". The own component of a cpu's OB rows holds only what came
/// back to it through another agent (its stores already ordered out, a round trip); same-cpu ordering
/// otherwise is answered by the committed table.
/// Only what a selected detector needs is kept (<see cref="DetectorNeeds"/>): HB always; the OB clocks
/// and the committed table with <see cref="DetectorNeeds.ObClocks"/> (the OB clock for cache maintenance only with
/// <see cref="DetectorNeeds.CacheState"/> too); LOADS, the pending clocks and the
/// acquire log with <see cref="DetectorNeeds.LoadsClock"/>; the edge log with <see cref="DetectorNeeds.EdgeLog"/>.
/// </remarks>
sealed partial class HbState
{
    internal readonly OrderingRules Rules;
    internal readonly ClockArena Arena;
    internal readonly ClockSimd Simd;

    /// <summary>Number of agents.</summary>
    internal readonly int AgentCount;
    /// <summary>Clock width: agents rounded up to the vector width.</summary>
    internal readonly int Width;
    internal readonly bool[] IsDevice;
    /// <summary>Device agent ids (for the acquire log).</summary>
    internal readonly int[] Devices;
    /// <summary>Bit d set for each device d &lt; 16 (the lanes of a one-vector row).</summary>
    readonly uint _deviceLanes;

    /// <summary>True when the OB clocks and the committed tables are kept.</summary>
    internal readonly bool TracksOb;
    /// <summary>
    /// True when the <see cref="ObCache"/> rows are kept too: OB clocks and the cache state selected (only a cache
    /// detector knows a cache maintenance's time to ask them about).
    /// </summary>
    internal readonly bool TracksObCache;
    /// <summary>True when LOADS, the pending clocks and the acquire logs are kept.</summary>
    internal readonly bool TracksLoads;
    /// <summary>True when the edge logs are kept.</summary>
    internal readonly bool TracksEdges;

    /// <summary>Local time of each agent: trace index of its latest event + 1 (0: no event yet).</summary>
    internal readonly uint[] Time;
    internal readonly uint[] Hb, ObStore, ObCache, Loads;
    /// <summary>Reader-side pending clocks per cpu: [class r|i][releaser inner|outer].</summary>
    internal readonly uint[] Pending;
    internal readonly byte[] PendingMask;
    /// <summary>
    /// Per agent, for edges that land on its next event (see HbState.Inbox.cs): a cpu's inbox, or a
    /// device's clocks as of its last event once such edges were joined into its live clocks.
    /// </summary>
    internal readonly uint[] InboxHb, InboxObStore, InboxObCache;
    internal readonly bool[] InboxFull;
    /// <summary>Per cpu: the latest barrier time per (pred class w or c, succ class, domain) lane (HbState.Committed.cs).</summary>
    internal readonly uint[] Committed;
    /// <summary>The HB of the releases the current cpu load acquired itself, valid for <see cref="_selfLoadsAgent"/> only.</summary>
    internal readonly uint[] SelfLoads;
    /// <summary>The cpu whose current load's own data bytes are being judged, or -1.</summary>
    int _selfLoadsAgent = -1;

    /// <summary>
    /// Per agent, the serial (<see cref="ClockArena.Header.Serial"/>) of the release it acquired last, or 0: acquiring
    /// the same release again leaves its HB and OB rows as they are (polling re-reads a flag many times).
    /// </summary>
    readonly long[] _lastAcquired;

    /// <summary>
    /// False only in tests: every acquire then joins in full, which the shortcuts (<see cref="AcquireSnapshot"/>) must
    /// match row for row.
    /// </summary>
    internal bool JoinShortcuts = true;
    /// <summary>
    /// Acquires whose HB join a shortcut skipped, and cpu acquires whose OB joins it skipped: tests check that a trace
    /// exercises the shortcuts, in every build (an add per shortcut taken).
    /// </summary>
    internal long ShortcutCount, ObShortcutCount;

    /// <summary>Releases that shared an earlier release's slot (tests check that a trace exercises the sharing).</summary>
    internal long SharedCount;

    /// <summary>The HB row of a shared release being acquired, with its own time (<c>AcquireShared</c>).</summary>
    readonly uint[] _sharedRow;

    /// <summary>
    /// True when an acquire reads nothing of a release but its stamp and HB row (no OB, LOADS or edge log kept; the edge
    /// observer reads only the stamp): releases then write no header line at all, and an acquire whose HB already
    /// holds the release never loads the slot.
    /// </summary>
    readonly bool _headerless;

    /// <summary>Interrupt lines (arena handle of the pending raise).</summary>
    internal readonly int[] IrqRelease;

    readonly EdgeLog[] _edges;
    readonly AcquireLog[] _acquires;
    /// <summary>
    /// Sorted distinct local times of a cpu's stores an ob or publish query may still name (edge-log compaction), asked
    /// during the event at the trace index given (every store of an earlier event is recorded).
    /// </summary>
    readonly Func<int, long, uint[]> _liveStoreTimes;

    internal HbState(TraceMetadata metadata, ClockSimd simd, DetectorNeeds needs, Func<int, long, uint[]> liveStoreTimes, long releaseBudget = long.MaxValue,
        long shareReleasesAbove = ClockArena.DefaultShareAbove, int compactEdgeLogsAt = EdgeLog.MinCompaction)
    {
        Simd = simd;
        Rules = new OrderingRules(metadata.Arch);
        AgentCount = metadata.Agents.Count;
        Width = ClockSimdSelector.Width(AgentCount);
        TracksOb = (needs & DetectorNeeds.ObClocks) != 0;
        TracksObCache = TracksOb && (needs & DetectorNeeds.CacheState) != 0;
        Arena = new ClockArena(Width, rows: TracksObCache ? 3 : TracksOb ? 2 : 1, budget: releaseBudget, shareAbove: shareReleasesAbove);
        IsDevice = [.. metadata.Agents.Select(a => !a.IsCpu)];
        Devices = [.. Enumerable.Range(0, AgentCount).Where(a => IsDevice[a])];
        foreach (int d in Devices)
            if (d < ClockSimdSelector.Lanes) _deviceLanes |= 1u << d;
        TracksLoads = (needs & DetectorNeeds.LoadsClock) != 0;
        TracksEdges = (needs & DetectorNeeds.EdgeLog) != 0;
        _headerless = !TracksOb && !TracksLoads && !TracksEdges;
        _liveStoreTimes = liveStoreTimes;
        Time = new uint[AgentCount];
        Hb = new uint[AgentCount * Width];
        InboxHb = new uint[AgentCount * Width];
        InboxFull = new bool[AgentCount];
        // Clocks nobody reads are not even allocated: a stray use fails loudly instead of costing silently.
        ObStore = TracksOb ? new uint[AgentCount * Width] : [];
        ObCache = TracksObCache ? new uint[AgentCount * Width] : [];
        InboxObStore = TracksOb ? new uint[AgentCount * Width] : [];
        InboxObCache = TracksObCache ? new uint[AgentCount * Width] : [];
        Committed = TracksOb ? new uint[AgentCount * CommittedLanes] : [];
        (_commitMasks, _commitMaskAt) = TracksOb ? CommitMasks(Rules) : ([], []);
        Loads = TracksLoads ? new uint[AgentCount * Width] : [];
        Pending = TracksLoads ? new uint[AgentCount * 4 * Width] : [];
        PendingMask = new byte[AgentCount];
        SelfLoads = TracksLoads ? new uint[Width] : [];
        _pendingUnlocks = [.. Enumerable.Range(0, metadata.Locks.Count).Select(_ => new List<int>(1))];
        IrqRelease = new int[AgentCount];
        _lastAcquired = new long[AgentCount];
        _sharedRow = new uint[Width];
        _edges = [.. Enumerable.Range(0, AgentCount).Select(_ => new EdgeLog(compactEdgeLogsAt))];
        _acquires = [.. Enumerable.Range(0, AgentCount).Select(_ => new AcquireLog())];
    }

    internal Span<uint> Row(uint[] clocks, int agent) => clocks.AsSpan(agent * Width, Width);
}
