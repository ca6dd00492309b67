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
        /// True when the detector judges each data access from its agent's HB as of the access and its own
        /// per-page state only, so that it runs in the data shards (<see cref="ReplayOptions.DataShards"/>),
        /// one instance per shard over the pages the shard owns. A finding over pages of several shards is the
        /// piece whose first related event is the latest.
        /// </summary>
        public bool ByAddress { get; init; }
    }

    /// <summary>Every module, in model.md order.</summary>
    public static IReadOnlyList<Module> Modules { get; } =
    [
        new(FindingKind.StaleDmaRead, _ => new StaleDmaReadDetector()),
        new(FindingKind.StaleCpuRead, _ => new StaleCpuReadDetector()),
        new(FindingKind.DmaRace, _ => new DmaRaceDetector()) { ByAddress = true },
        new(FindingKind.TornEntryFetch, md => new TornEntryFetchDetector(md.Agents.Count, md.Regions.Any(r => r.UsedBits is not null))),
        new(FindingKind.MissingFlushAfterClear, _ => new MissingFlushAfterClearDetector()),
        new(FindingKind.PresentBeforePayload, md => new PresentBeforePayloadDetector(md.Agents.Count)),
        new(FindingKind.TornEntryUpdate, _ => new TornEntryUpdateDetector()),
        new(FindingKind.MissingCacheClean, md => new MissingCacheCleanDetector(AnyNoncoherent(md))),
        new(FindingKind.MissingCacheInvalidate, md => new MissingCacheInvalidateDetector(AnyNoncoherent(md))),
        new(FindingKind.UnquiescedDma, md => new UnquiescedDmaDetector(md.Agents.Count)),
        new(FindingKind.DmaOutsideMapping, md => new DmaOutsideMappingDetector(md.Agents.Count)),
        new(FindingKind.LiveEntryWrite, md => new LiveEntryWriteDetector(md.Agents.Count)),
        new(FindingKind.SmcccClobber, _ => new SmcccClobberDetector()),
        new(FindingKind.SmcccResultLost, _ => new SmcccResultLostDetector()),
        new(FindingKind.SharedCacheline, md => new SharedCachelineDetector(AnyNoncoherent(md))),
        new(FindingKind.DiscardedStore, _ => new DiscardedStoreDetector()),
    ];

    /// <summary>Builds an engine running the detectors <paramref name="options"/> selects (null options: all of them).</summary>
    public static ReplayEngine CreateEngine(TraceMetadata metadata, ReplayOptions? options = null)
    {
        options ??= ReplayOptions.Default;
        if (options.DataShards <= 0)
            return new ReplayEngine(metadata, options, Create(metadata, options.Detectors), KnownDetectorDispatch.Instance);
        // hb apart from the data checks: the address-partitioned detectors go to the shards, one instance each.
        var selected = Modules.Where(m => options.Detectors is null || options.Detectors.Contains(m.Kind)).ToList();
        var engine = new ReplayEngine(metadata, options,
            [.. selected.Where(m => !m.ByAddress).Select(m => m.Create(metadata))], KnownDetectorDispatch.Instance);
        var byAddress = selected.Where(m => m.ByAddress).ToList();
        if (byAddress.Count == 0) return engine;
        var shards = new ReplayEngine[options.DataShards];
        for (int k = 0; k < shards.Length; k++)
            shards[k] = new ReplayEngine(metadata, options, [.. byAddress.Select(m => m.Create(metadata))], KnownDetectorDispatch.Instance);
        engine.UseShards(shards);
        return engine;
    }

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
