using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Replays a trace: reconstructs hb and ob across all agents (model.md §2–3) and drives the detectors.
/// Feed batches in trace order with <see cref="Process"/>, then call <see cref="Complete"/>.
/// </summary>
/// <remarks>
/// Without explicit detectors the engine asks <see cref="DetectorCatalog"/> for the modules of
/// TraceTools.Detectors (loaded on demand); <c>DetectorRegistry.CreateEngine</c> in that assembly is the
/// explicit equivalent.
/// </remarks>
public sealed partial class ReplayEngine
{
    readonly ReplayState _state;
    long _next;
    bool _completed;

    /// <summary>Creates an engine for a trace with <paramref name="metadata"/>, running every detector.</summary>
    public ReplayEngine(TraceMetadata metadata) : this(metadata, ReplayOptions.Default) { }

    /// <summary>Creates an engine running the detectors <paramref name="options"/> selects.</summary>
    public ReplayEngine(TraceMetadata metadata, ReplayOptions options)
        : this(metadata, options, DetectorCatalog.Create(metadata, options)) { }

    /// <summary>Creates an engine driving exactly <paramref name="detectors"/> (the options' selection is not re-applied).</summary>
    public ReplayEngine(TraceMetadata metadata, ReplayOptions options, IEnumerable<IDetector> detectors)
    {
        Metadata = metadata;
        Options = options;
        _state = new ReplayState(metadata, options.Simd ?? ClockSimdSelector.Default) { EdgeObserver = options.EdgeObserver };
        Detectors = [.. detectors];
        _state.Attach(Detectors);
    }

    /// <summary>The trace's declarations.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>The options the engine was built with.</summary>
    public ReplayOptions Options { get; }

    /// <summary>The detector modules driven.</summary>
    public IReadOnlyList<IDetector> Detectors { get; }

    /// <summary>The clock kernel in use.</summary>
    public ClockSimd Simd => _state.Simd;

    /// <summary>Events consumed so far.</summary>
    public long EventsProcessed => _next;

    /// <summary>The replay state (for tests and benchmarks).</summary>
    internal ReplayState State => _state;

    /// <summary>Ends the trace and returns every finding (every instance), ordered by trigger index, ties by kind.</summary>
    public IReadOnlyList<Finding> Complete()
    {
        if (_completed) ReplayThrow.Completed();
        _completed = true;
        var list = _state.Findings;
        // Stable: detectors report in trace order, so equal (trigger, kind) keep their report order.
        var sorted = list.Select((f, i) => (f, i)).OrderBy(x => x.f.Trigger).ThenBy(x => x.f.Kind).ThenBy(x => x.i)
            .Select(x => x.f).ToArray();
        return sorted;
    }
}
