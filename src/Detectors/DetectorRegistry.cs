using System.Runtime.CompilerServices;
using TraceTools.Detectors.DmaRace;
using TraceTools.Detectors.MissingCacheClean;
using TraceTools.Detectors.MissingCacheInvalidate;
using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Detectors.PresentBeforePayload;
using TraceTools.Detectors.StaleCpuRead;
using TraceTools.Detectors.StaleDmaRead;
using TraceTools.Detectors.TornEntryFetch;
using TraceTools.Detectors.TornEntryUpdate;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors;

/// <summary>
/// The nine detector modules of model.md §4, and the one call that builds an engine running them.
/// Loading this assembly registers <see cref="Create(TraceMetadata, IReadOnlySet{FindingKind}?)"/> with
/// <see cref="DetectorCatalog"/>, so <c>new ReplayEngine(metadata)</c> runs all nine too.
/// </summary>
public static class DetectorRegistry
{
    /// <summary>Builds an engine running the detectors <paramref name="options"/> selects (null options: all nine).</summary>
    public static ReplayEngine CreateEngine(TraceMetadata metadata, ReplayOptions? options = null)
    {
        options ??= ReplayOptions.Default;
        return new ReplayEngine(metadata, options, Create(metadata, options.Detectors));
    }

    /// <summary>Fresh detector instances for <paramref name="kinds"/> (null: all nine), in model.md order.</summary>
    public static IReadOnlyList<IDetector> Create(TraceMetadata metadata, IReadOnlySet<FindingKind>? kinds = null)
    {
        int agents = metadata.Agents.Count;
        bool noncoherent = metadata.Agents.Any(a => !a.Coherent);
        var list = new List<IDetector>();
        foreach (var kind in FindingKinds.All)
        {
            if (kinds is not null && !kinds.Contains(kind)) continue;
            list.Add(kind switch
            {
                FindingKind.StaleDmaRead => new StaleDmaReadDetector(),
                FindingKind.StaleCpuRead => new StaleCpuReadDetector(),
                FindingKind.DmaRace => new DmaRaceDetector(),
                FindingKind.TornEntryFetch => new TornEntryFetchDetector(agents),
                FindingKind.MissingFlushAfterClear => new MissingFlushAfterClearDetector(),
                FindingKind.PresentBeforePayload => new PresentBeforePayloadDetector(agents),
                FindingKind.TornEntryUpdate => new TornEntryUpdateDetector(),
                FindingKind.MissingCacheClean => new MissingCacheCleanDetector(noncoherent),
                _ => new MissingCacheInvalidateDetector(noncoherent),
            });
        }
        return list;
    }

#pragma warning disable CA2255 // A library module initializer is the point: it lets Replay find the modules without referencing them.
    [ModuleInitializer]
    internal static void RegisterWithCatalog() =>
        DetectorCatalog.Register((metadata, options) => Create(metadata, options.Detectors));
#pragma warning restore CA2255
}
