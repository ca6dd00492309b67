using TraceTools.Replay.Census;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Replays a trace: reconstructs hb and ob across all agents (model.md §2–3) and drives the detectors it
/// is handed. Feed batches in trace order with <see cref="Process"/>, then call <see cref="Complete"/>.
/// </summary>
/// <remarks>
/// The engine is the hb state machine (<c>HappensBefore/HbState</c>), the shadow (<c>Memory/Shadow</c>)
/// and the dispatch between them; detectors see both through a <see cref="DetectorView"/>. It keeps only
/// what the detectors' <see cref="IDetector.Needs"/> ask for. <c>DetectorRegistry.CreateEngine</c> in
/// TraceTools.Detectors builds one with the selected modules.
/// </remarks>
public sealed partial class ReplayEngine
{
    readonly HbState _hb;
    readonly Shadow _shadow;
    readonly RegionMap _regionMap;
    readonly RamCensus _ramCensus;
    readonly int[] _mmioDevices;
    /// <summary>Per agent, the tables it fetches (region ids in declaration order; empty for cpus): what a dev_invalidate visits.</summary>
    readonly int[][] _tablesOf;
    FindingStore _findings = new();
    readonly DetectorDispatch _dispatch;
    long _next;
    bool _completed;

    /// <summary>Creates an engine driving exactly <paramref name="detectors"/> (the options' selection is not re-applied), through <see cref="IDetector"/>.</summary>
    public ReplayEngine(TraceMetadata metadata, ReplayOptions options, IEnumerable<IDetector> detectors)
        : this(metadata, options, detectors, DetectorDispatch.ThroughInterface)
    {
    }

    /// <summary>
    /// Creates an engine driving exactly <paramref name="detectors"/>, calling their hooks through
    /// <paramref name="dispatch"/> (<c>DetectorRegistry</c> hands the type switch over the known detectors).
    /// </summary>
    public ReplayEngine(TraceMetadata metadata, ReplayOptions options, IEnumerable<IDetector> detectors, DetectorDispatch dispatch)
    {
        _dispatch = dispatch;
        Metadata = metadata;
        Options = options;
        Detectors = [.. detectors];
        Needs = NeedsOf(Detectors);
        Regions = [.. metadata.Regions];
        _entrySlots = new EntrySlots(Regions);
        _regionMap = new RegionMap(metadata.Regions);
        _ramCensus = options.Census is { } census ? new RamCensus(Regions, census) : new RamCensus(Regions.Length);
        Coherent = [.. metadata.Agents.Select(a => a.Coherent)];
        Attach(Detectors);
        _shadow = new Shadow(Needs, values: EntryStoreHooks.Length + EntryFetchHooks.Length != 0);
        _hb = new HbState(metadata, options.Simd ?? ClockSimdSelector.Default, Needs, LiveStoreTimes,
            options.ReleaseBudgetBytes ?? ClockArena.DefaultBudget, options.ShareReleasesAbove ?? ClockArena.DefaultShareAbove,
            options.CompactEdgeLogsAt ?? HbState.EdgeLog.MinCompaction)
        {
            EdgeObserver = options.EdgeObserver,
        };
        _mmioDevices = MmioDevices();
        _tablesOf = TablesOf();
    }

    /// <summary>The trace's declarations.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>The options the engine was built with.</summary>
    public ReplayOptions Options { get; }

    /// <summary>The detector modules driven.</summary>
    public IReadOnlyList<IDetector> Detectors { get; }

    /// <summary>What the engine keeps: the union of the detectors' needs, with what that state is built from.</summary>
    public DetectorNeeds Needs { get; }

    /// <summary>The clock kernel in use.</summary>
    public ClockSimd Simd => _hb.Simd;

    /// <summary>Events consumed so far.</summary>
    public long EventsProcessed => _next;

    /// <summary>
    /// The most events a trace may hold, 2^32 − 1: local times are trace indices + 1 in 32 bits. <see cref="Process"/>
    /// refuses the event at this index; a caller that knows a trace's length (its index) can refuse it before.
    /// </summary>
    public const long MaxEvents = uint.MaxValue;

    /// <summary>How a refusal of a trace past <see cref="MaxEvents"/> reads, at the event or at open (the CLI's).</summary>
    public const string LengthLimit = "traces are limited to 2^32 - 1 events";

    /// <summary>The hb state machine (for tests and benchmarks).</summary>
    internal HbState Hb => _hb;

    /// <summary>The shadow memory (for tests and benchmarks).</summary>
    internal Shadow Shadow => _shadow;

    /// <summary>
    /// Tests: continue as if <paramref name="events"/> events had been replayed (indices past 2^31 and the
    /// 2^32 − 1 event limit cannot be reached otherwise), data shards included. Only before the first batch.
    /// </summary>
    internal void StartAt(long events)
    {
        if (_next != 0) ReplayThrow.Invalid("StartAt comes before the first batch");
        _next = events;
        foreach (var shard in ShardEngines) shard.StartAt(events);
    }

    internal readonly RegionInfo[] Regions;
    internal readonly bool[] Coherent;

    /// <summary>
    /// The union of <paramref name="detectors"/>' needs, closed over what kept state is built from: cache marks
    /// are set on written bytes, so they need the write history. The edge log does not: it is compacted against
    /// the stores someone can still ask about (<see cref="LiveStoreTimes"/>), the write history's when a detector
    /// reads it, and those detectors hold themselves.
    /// </summary>
    static DetectorNeeds NeedsOf(IEnumerable<IDetector> detectors)
    {
        var needs = DetectorNeeds.None;
        foreach (var d in detectors) needs |= d.Needs;
        if ((needs & DetectorNeeds.CacheState) != 0) needs |= DetectorNeeds.WriteHistory;
        return needs;
    }

    /// <summary>
    /// Sorted distinct local times of <paramref name="cpu"/>'s stores an ob or publish query may still name (edge-log
    /// compaction, during the event at trace index <paramref name="now"/>): each byte's last cpu store in the write
    /// history (when kept) and the stores detectors hold.
    /// </summary>
    uint[] LiveStoreTimes(int cpu, long now)
    {
        var times = _liveStoreTimes.Start();
        if ((Needs & DetectorNeeds.WriteHistory) != 0) _shadow.AddLiveStoreTimes(cpu, now, times);
        foreach (var d in Detectors) d.AddHeldStores(cpu, times);
        var sorted = _liveStoreTimes.SortedDistinct();
        LiveStoreTimesTaken?.Invoke(cpu, sorted);
        return sorted;
    }

    /// <summary>Tests: called at each edge-log compaction with the cpu and the live store times it is given.</summary>
    internal Action<int, uint[]>? LiveStoreTimesTaken;

    /// <summary>
    /// Tests' twin of the shadow's part of <see cref="LiveStoreTimes"/>: every page's cells read (nothing kept from
    /// earlier compactions); empty without the write history.
    /// </summary>
    internal List<uint> ShadowLiveStoreTimesByScan(int cpu)
    {
        var times = new List<uint>();
        if ((Needs & DetectorNeeds.WriteHistory) != 0) _shadow.AddLiveStoreTimesByScan(cpu, times);
        return times;
    }

    readonly StoreTimes _liveStoreTimes = new();

    internal void Report(FindingKind kind, long trigger, ReadOnlySpan<RelatedEvent> related) => AddFinding(kind, kind.Severity(), trigger, related);

    /// <summary>Ends the trace and returns every finding (every instance), ordered by trigger index, ties by kind.</summary>
    public FindingStore Complete()
    {
        if (_completed) ReplayThrow.Completed();
        _completed = true;
        foreach (var d in Detectors) d.OnComplete(View);
        MergeShardFindings();
        // Stable: detectors report in trace order, so equal (trigger, kind) keep their report order.
        FindingOrder.Sort(_findings);
        return _findings;
    }
}
