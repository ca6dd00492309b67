using TraceTools.Detectors.DmaOutsideMapping;
using TraceTools.Detectors.DiscardedStore;
using TraceTools.Detectors.DmaRace;
using TraceTools.Detectors.LiveEntryWrite;
using TraceTools.Detectors.MissingCacheClean;
using TraceTools.Detectors.MissingCacheInvalidate;
using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Detectors.PresentBeforePayload;
using TraceTools.Detectors.Smccc;
using TraceTools.Detectors.SharedCacheline;
using TraceTools.Detectors.StaleCpuRead;
using TraceTools.Detectors.StaleDmaRead;
using TraceTools.Detectors.TornEntryFetch;
using TraceTools.Detectors.TornEntryUpdate;
using TraceTools.Detectors.UnquiescedDma;
using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors;

/// <summary>
/// The detector modules of model.md §4, one line each, and the one call that builds an engine running
/// the selected ones. Adding a kind: a <see cref="FindingKind"/> member with its descriptor in
/// <see cref="FindingKinds"/>, a detector class, and its line here.
/// </summary>
public static class DetectorRegistry
{
    /// <summary>A detector module: its kind and how to make a fresh instance for a trace.</summary>
    /// <param name="Kind">The kind it reports.</param>
    /// <param name="Create">A fresh instance for a trace with the given metadata.</param>
    public sealed record Module(FindingKind Kind, Func<TraceMetadata, IDetector> Create)
    {
        /// <summary>
        /// How the detector runs when the replay is split by address (<see cref="ReplayOptions.DataShards"/>):
        /// <see cref="PieceMerge.Whole"/> on the replay thread, over every event; otherwise one instance per
        /// replica over the data bytes of the pages the replica owns (its checks read only the state of the bytes
        /// judged and the replica's exact hb state), the pieces of one trigger merged as the value says.
        /// </summary>
        public PieceMerge Pieces { get; init; }

        /// <summary>True when the detector is split by address (<see cref="Pieces"/> is not <see cref="PieceMerge.Whole"/>).</summary>
        public bool ByAddress => Pieces != PieceMerge.Whole;
    }

    /// <summary>Every module, in model.md order.</summary>
    public static IReadOnlyList<Module> Modules { get; } =
    [
        new(FindingKind.StaleDmaRead, _ => new StaleDmaReadDetector()) { Pieces = PieceMerge.FirstPiece },
        new(FindingKind.StaleCpuRead, _ => new StaleCpuReadDetector()) { Pieces = PieceMerge.FirstPiece },
        new(FindingKind.DmaRace, _ => new DmaRaceDetector()) { Pieces = PieceMerge.LatestRelated },
        new(FindingKind.TornEntryFetch, md => new TornEntryFetchDetector(md.Agents.Count, md.Regions.Any(r => r.UsedBits is not null))),
        new(FindingKind.MissingFlushAfterClear, _ => new MissingFlushAfterClearDetector()),
        new(FindingKind.PresentBeforePayload, md => new PresentBeforePayloadDetector(md.Agents.Count)),
        new(FindingKind.TornEntryUpdate, _ => new TornEntryUpdateDetector()),
        new(FindingKind.MissingCacheClean, md => new MissingCacheCleanDetector(AnyNoncoherent(md))) { Pieces = PieceMerge.FirstPiece },
        new(FindingKind.MissingCacheInvalidate, md => new MissingCacheInvalidateDetector(AnyNoncoherent(md))) { Pieces = PieceMerge.FirstPiece },
        new(FindingKind.UnquiescedDma, md => new UnquiescedDmaDetector(md.Agents)),
        new(FindingKind.DmaOutsideMapping, md => new DmaOutsideMappingDetector(md.Agents.Count)),
        new(FindingKind.LiveEntryWrite, md => new LiveEntryWriteDetector(md.Agents.Count)),
        new(FindingKind.SmcccClobber, _ => new SmcccClobberDetector()),
        new(FindingKind.SmcccResultLost, _ => new SmcccResultLostDetector()),
        new(FindingKind.SharedCacheline, md => new SharedCachelineDetector(AnyNoncoherent(md))) { Pieces = PieceMerge.FirstPiece },
        new(FindingKind.DiscardedStore, _ => new DiscardedStoreDetector()) { Pieces = PieceMerge.FirstPiece },
    ];

    /// <summary>Builds an engine running the detectors <paramref name="options"/> selects (null options: all of them).</summary>
    public static ReplayEngine CreateEngine(TraceMetadata metadata, ReplayOptions? options = null)
    {
        options ??= ReplayOptions.Default;
        // Every replica keeps its own releases: they share the budget, so that --threads N needs no more than one thread.
        if (options.DataShards > 0 && options.ReleaseBudgetBytes is null)
            options = options with { ReleaseBudgetBytes = ClockArena.DefaultBudget / (options.DataShards + 1) };
        if (options.DataShards == 1 && options.Runs(FindingKind.DmaRace) && Modules.Count(m => m.ByAddress && options.Runs(m.Kind)) > 1)
            return SplitByDetector(metadata, options);
        var engine = new ReplayEngine(metadata, options, Create(metadata, options.Detectors), KnownDetectorDispatch.Instance);
        var byAddress = Modules.Where(m => m.ByAddress && options.Runs(m.Kind)).ToList();
        // Split by page: a cache line must lie in one page (then a line never straddles two replicas).
        if (options.DataShards <= 0 || byAddress.Count == 0 || 4096 % Math.Max(1, metadata.CacheLineSize) != 0) return engine;
        // A detector left whole that reads data bytes (a new kind not yet marked) would see only replica 0's pages.
        if (engine.Detectors.Any(d => !byAddress.Any(m => m.Kind == d.Kind) && ReplayEngine.ReadsDataBytes(d))) return engine;
        // Every replica runs the hb stage; the shards run only the detectors split by address (the others see
        // every event on replica 0), and nothing of the edge observer (export's arrows come from replica 0).
        var shardOptions = options with { EdgeObserver = null };
        var shards = new ReplayEngine[options.DataShards];
        for (int k = 0; k < shards.Length; k++)
            shards[k] = new ReplayEngine(metadata, shardOptions, [.. byAddress.Select(m => m.Create(metadata))], KnownDetectorDispatch.Instance);
        var merge = new PieceMerge[256];
        foreach (var m in byAddress) merge[(int)m.Kind] = m.Pieces;
        engine.UseShards(shards, merge);
        return engine;
    }

    /// <summary>
    /// One shard (<c>--threads 2</c>) with dma-race and other detectors that read data bytes selected: the shard runs
    /// dma-race and the other detectors that need nothing but the hb clocks (<see cref="DetectorNeeds.None"/> on this
    /// trace: the torn-entry rules without used bits, the device and firmware rules), the replay thread everything
    /// else. Those keep their own state, so the shard's hb stage is the light one (no ob clocks, edge log, LOADS or
    /// access history): only that light stage runs twice, where a split by address runs the whole hb stage in both.
    /// </summary>
    static ReplayEngine SplitByDetector(TraceMetadata metadata, ReplayOptions options)
    {
        var detectors = Create(metadata, options.Detectors);
        var engine = new ReplayEngine(metadata, options, [.. detectors.Where(d => !OnLightShard(d))], KnownDetectorDispatch.Instance);
        var shard = new ReplayEngine(metadata, options with { EdgeObserver = null }, [.. detectors.Where(OnLightShard)], KnownDetectorDispatch.Instance);
        engine.UseDetectorShards([shard]);
        return engine;
    }

    /// <summary>
    /// True for a detector of the light shard: dma-race, and the others that need only the hb clocks and read no data
    /// bytes (an access's data hooks on the shard would cost it the access shells the replay thread runs anyway).
    /// </summary>
    static bool OnLightShard(IDetector detector) =>
        detector.Kind == FindingKind.DmaRace || (detector.Needs == DetectorNeeds.None && !ReplayEngine.ReadsDataBytes(detector) && detector.Hooks != DetectorHooks.None);

    /// <summary>Fresh detector instances for <paramref name="kinds"/> (null: all), in model.md order.</summary>
    public static IReadOnlyList<IDetector> Create(TraceMetadata metadata, IReadOnlySet<FindingKind>? kinds = null)
    {
        var list = new List<IDetector>();
        foreach (var module in Modules)
            if (kinds is null || kinds.Contains(module.Kind)) list.Add(module.Create(metadata));
        return list;
    }

    static bool AnyNoncoherent(TraceMetadata metadata) => metadata.Agents.Any(a => !a.Coherent);
}
