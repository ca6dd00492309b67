namespace TraceTools.Scenarios.Synth;

/// <summary>
/// The nine finding kinds of model.md §4, as the ground truth of a synthetic trace names them. The
/// names are the report names (<c>stale-dma-read</c>, ...); the scenario layer does not depend on the
/// replay, so the list is mirrored here and a test keeps both in step.
/// </summary>
public enum SynthFindingKind : byte
{
    /// <summary><c>stale-dma-read</c>.</summary>
    StaleDmaRead,
    /// <summary><c>stale-cpu-read</c>.</summary>
    StaleCpuRead,
    /// <summary><c>dma-race</c>.</summary>
    DmaRace,
    /// <summary><c>torn-entry-fetch</c>.</summary>
    TornEntryFetch,
    /// <summary><c>missing-flush-after-clear</c>.</summary>
    MissingFlushAfterClear,
    /// <summary><c>present-before-payload</c>.</summary>
    PresentBeforePayload,
    /// <summary><c>torn-entry-update</c>.</summary>
    TornEntryUpdate,
    /// <summary><c>missing-cache-clean</c>.</summary>
    MissingCacheClean,
    /// <summary><c>missing-cache-invalidate</c>.</summary>
    MissingCacheInvalidate,
}

/// <summary>Report names of <see cref="SynthFindingKind"/>.</summary>
public static class SynthFindingKinds
{
    /// <summary>Number of kinds.</summary>
    public const int Count = 9;

    static readonly string[] Names =
    [
        "stale-dma-read", "stale-cpu-read", "dma-race", "torn-entry-fetch", "missing-flush-after-clear",
        "present-before-payload", "torn-entry-update", "missing-cache-clean", "missing-cache-invalidate",
    ];

    /// <summary>The report name, e.g. <c>stale-dma-read</c>.</summary>
    public static string Name(this SynthFindingKind kind) => Names[(int)kind];
}

/// <summary>One finding an injected bug must produce: its kind and the trace index of its trigger.</summary>
/// <param name="Kind">The detector that must report it.</param>
/// <param name="Trigger">Trace index of the trigger event.</param>
public readonly record struct ExpectedFinding(SynthFindingKind Kind, long Trigger)
{
    /// <summary><c>kind@trigger</c>, for test messages.</summary>
    public override string ToString() => $"{Kind.Name()}@{Trigger}";
}

/// <summary>
/// Receives the ground truth while a trace is generated, in rising trigger order (the generator reports
/// a finding when it emits its trigger event, so the stream is sorted by construction).
/// </summary>
public interface IExpectedFindingSink
{
    /// <summary>Adds one expected finding.</summary>
    void Add(in ExpectedFinding finding);
}

/// <summary>An in-memory ground truth, for tests and small traces.</summary>
public sealed class ExpectedFindingList : List<ExpectedFinding>, IExpectedFindingSink
{
    void IExpectedFindingSink.Add(in ExpectedFinding finding) => Add(finding);
}
