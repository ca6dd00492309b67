using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// Everything the replay knows at the current event: per-agent clocks (HB, OB for stores, OB for cache
/// maintenance, LOADS and the pending reader-side clocks), each cpu's committed barrier table, the shadow
/// memory and the release channels. Detectors query it through its methods and report findings to it.
/// </summary>
/// <remarks>
/// Clocks are rows of width <see cref="Width"/> in flat arrays (row = agent). Local time of an agent is
/// the trace index of its latest event + 1 (monotone per agent, so it orders the agent's events exactly
/// like an event count would, and an epoch (agent, time) names its event's index); a clock component c
/// means "events of that agent with time ≤ c". The own component of a cpu's OB rows holds only what came
/// back to it through another agent (its stores already ordered out, a round trip); same-cpu ordering
/// otherwise is answered by the committed table.
/// </remarks>
public sealed partial class ReplayState
{
    internal readonly TraceMetadata Metadata;
    internal readonly OrderingRules Rules;
    internal readonly RegionMap RegionMap;
    internal readonly RegionInfo[] Regions;
    internal readonly ShadowMemory Shadow = new();
    internal readonly ClockArena Arena;
    internal readonly ClockSimd Simd;

    /// <summary>Number of agents.</summary>
    internal readonly int AgentCount;
    /// <summary>Clock width: agents rounded up to the vector width.</summary>
    internal readonly int Width;
    internal readonly bool[] IsDevice;
    internal readonly bool[] Coherent;
    /// <summary>False when every device is coherent: the cache-maintenance columns are then never read, so never kept.</summary>
    internal readonly bool TracksCaches;
    /// <summary>Device agent ids (for the acquire log).</summary>
    internal readonly int[] Devices;

    /// <summary>Local time of each agent: trace index of its latest event + 1 (0: no event yet).</summary>
    internal readonly uint[] Time;
    internal readonly uint[] Hb, ObStore, ObCache, Loads;
    /// <summary>Reader-side pending clocks per cpu: [class r|i][releaser inner|outer].</summary>
    internal readonly uint[] Pending;
    internal readonly byte[] PendingMask;
    /// <summary>
    /// Per agent, for edges that land on its next event (see ReplayState.Inbox.cs): a cpu's inbox, or a
    /// device's clocks as of its last event once such edges were joined into its live clocks.
    /// </summary>
    internal readonly uint[] InboxHb, InboxObStore, InboxObCache;
    internal readonly bool[] InboxFull;
    /// <summary>Per cpu: the latest barrier time per (pred class, succ class, domain) slot.</summary>
    internal readonly uint[] Committed;
    /// <summary>The HB of the releases the current cpu load acquired itself, valid for <see cref="_selfLoadsAgent"/> only.</summary>
    internal readonly uint[] SelfLoads;
    /// <summary>The cpu whose current load's own data bytes are being judged, or -1.</summary>
    int _selfLoadsAgent = -1;

    /// <summary>Interrupt lines (arena handle of the pending raise).</summary>
    internal readonly int[] IrqRelease;

    readonly EdgeLog[] _edges;
    readonly AcquireLog[] _acquires;
    readonly List<Finding> _findings = [];

    internal ReplayState(TraceMetadata metadata, ClockSimd simd)
    {
        Metadata = metadata;
        Simd = simd;
        Rules = new OrderingRules(metadata.Arch);
        Regions = [.. metadata.Regions];
        RegionMap = new RegionMap(metadata.Regions);
        AgentCount = metadata.Agents.Count;
        Width = ClockSimdSelector.Width(AgentCount);
        Arena = new ClockArena(Width);
        IsDevice = [.. metadata.Agents.Select(a => !a.IsCpu)];
        Coherent = [.. metadata.Agents.Select(a => a.Coherent)];
        TracksCaches = metadata.Agents.Any(a => !a.Coherent);
        Devices = [.. Enumerable.Range(0, AgentCount).Where(a => IsDevice[a])];
        Time = new uint[AgentCount];
        Hb = new uint[AgentCount * Width];
        ObStore = new uint[AgentCount * Width];
        ObCache = new uint[AgentCount * Width];
        Loads = new uint[AgentCount * Width];
        Pending = new uint[AgentCount * 4 * Width];
        InboxHb = new uint[AgentCount * Width];
        InboxObStore = new uint[AgentCount * Width];
        InboxObCache = new uint[AgentCount * Width];
        InboxFull = new bool[AgentCount];

        PendingMask = new byte[AgentCount];
        Committed = new uint[AgentCount * OrderingRules.Slots];
        SelfLoads = new uint[Width];
        _pendingUnlocks = [.. Enumerable.Range(0, metadata.Locks.Count).Select(_ => new List<int>(1))];
        IrqRelease = new int[AgentCount];
        _edges = [.. Enumerable.Range(0, AgentCount).Select(_ => new EdgeLog())];
        _acquires = [.. Enumerable.Range(0, AgentCount).Select(_ => new AcquireLog())];
    }

    /// <summary>The trace's arch.</summary>
    public Arch Arch => Metadata.Arch;

    /// <summary>Records a finding.</summary>
    public void Report(Finding finding) => _findings.Add(finding);

    internal List<Finding> Findings => _findings;

    internal Span<uint> Row(uint[] clocks, int agent) => clocks.AsSpan(agent * Width, Width);

    internal static int CpuBit(int agent) => agent & 63;
}
