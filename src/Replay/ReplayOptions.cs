using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>What a replay runs.</summary>
public sealed record ReplayOptions
{
    /// <summary>The detectors to run (<c>--detectors</c>); null runs all nine.</summary>
    public IReadOnlySet<FindingKind>? Detectors { get; init; }

    /// <summary>Forces a clock kernel (tests run every variant); null picks <see cref="ClockSimdSelector.Default"/>.</summary>
    public ClockSimd? Simd { get; init; }

    /// <summary>
    /// Called for every hb edge between agents as the replay takes it (for <c>export</c>'s flow arrows);
    /// null costs one test per edge. Runs on the replay's thread, inside <see cref="ReplayEngine.Process"/>.
    /// </summary>
    public Action<HbEdge>? EdgeObserver { get; init; }

    /// <summary>
    /// Data shards: the replay is split over this engine and this many replica engines on threads of their own
    /// (<c>DetectorRegistry.CreateEngine</c> builds them; findings are the same for every count). One shard with
    /// dma-race among other data detectors splits by detector: the shard runs dma-race alone over every event.
    /// Otherwise the split is by address: every replica runs the hb stage over every event, and records and checks
    /// the data bytes of the pages it owns. 0 runs every check on the replay's thread.
    /// </summary>
    public int DataShards { get; init; }

    /// <summary>
    /// The trace's <see cref="DevicePages"/> (a v4 trace stores them: <c>TraceReader.Census</c>): a plain cpu load or
    /// store of ram pages outside them skips the data hooks and the shadow, with the same findings. Null: every access
    /// is judged. It must cover every event replayed (a census of other events may lose findings).
    /// </summary>
    public DevicePages? Census { get; init; }

    /// <summary>
    /// The most bytes the live releases' clocks may take (each holds a row per agent for each clock kept); a replay that
    /// would need more stops with a <see cref="ReplayInputException"/> at the release that needs it. Null: a quarter of
    /// the memory available to the process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>).
    /// </summary>
    public long? ReleaseBudgetBytes { get; init; }

    /// <summary>
    /// Tests: the bytes of release clocks past which releases share slots (<see cref="Clocks.ClockArena.Sharing"/>);
    /// null: <see cref="Clocks.ClockArena.DefaultShareAbove"/>, 0: from the first release, <see cref="long.MaxValue"/>: never.
    /// </summary>
    internal long? ShareReleasesAbove { get; init; }

    /// <summary>
    /// Tests: the entries a cpu's edge log holds when it first compacts (a power of two; null:
    /// <see cref="HappensBefore.HbState.EdgeLog.MinCompaction"/>), so that small traces compact and are held to the reference.
    /// </summary>
    internal int? CompactEdgeLogsAt { get; init; }

    /// <summary>Runs everything with the default kernel.</summary>
    public static ReplayOptions Default { get; } = new();

    /// <summary>True when <paramref name="kind"/> is selected.</summary>
    public bool Runs(FindingKind kind) => Detectors is null || Detectors.Contains(kind);
}
