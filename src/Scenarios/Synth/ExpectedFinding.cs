using TraceTools.Replay.Findings;

namespace TraceTools.Scenarios.Synth;

/// <summary>One finding an injected bug must produce: its kind and the trace index of its trigger.</summary>
/// <param name="Kind">The detector that must report it.</param>
/// <param name="Trigger">Trace index of the trigger event.</param>
public readonly record struct ExpectedFinding(FindingKind Kind, long Trigger)
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
