using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Replays a trace: reconstructs hb and ob across all agents (model.md §2–3) and drives the detectors.
/// Feed batches in trace order with <see cref="Process"/>, then call <see cref="Complete"/>.
/// </summary>
public sealed class ReplayEngine
{
    /// <summary>Creates an engine for a trace with <paramref name="metadata"/>, running every detector.</summary>
    public ReplayEngine(TraceMetadata metadata) => Metadata = metadata;

    /// <summary>The trace's declarations.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>Consumes the next batch (its <see cref="EventBatch.FirstIndex"/> continues the previous one).</summary>
    public void Process(EventBatch batch) => throw new NotImplementedException("replay engine: issue 4");

    /// <summary>Ends the trace and returns every finding, ordered by trigger index.</summary>
    public IReadOnlyList<Finding> Complete() => throw new NotImplementedException("replay engine: issue 4");
}
