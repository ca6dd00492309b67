using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// <c>gen</c>'s first reading of a long scenario: holds the steps up to a budget (a scenario that fits is then
/// generated from them, read once), and past it counts each batch's events and iterations and drops it, so that
/// the second reading (<see cref="StepStreamer"/>) is the only one to generate.
/// </summary>
sealed class StepTally : StepDrain
{
    /// <summary>Steps held at a time once the budget is passed (or the budget, when smaller): enough that a drain's cost is spread thin.</summary>
    const int DrainBatch = 1024;

    readonly long _limit;
    ulong[] _vars = [];
    long _events, _iterations;
    bool _stopped;
    ScenarioException? _error;

    public StepTally(int heldStepBudget, long limit)
    {
        Batch = heldStepBudget;
        _limit = limit;
    }

    /// <summary>True once steps were dropped: the text must be read again to generate.</summary>
    public bool Dropped { get; private set; }

    public override bool TakesRest => Dropped;

    /// <summary>
    /// The counts, as <see cref="CompiledScenario.Measure"/> gives them for the whole program; a count's error
    /// (a repeat count that overflows) is thrown here, after the compile, as it was thrown after it before.
    /// </summary>
    public ScenarioSize Size => _error is null ? new ScenarioSize(_events, _iterations) : throw _error;

    public override void Take(Step[] steps, int count, int slots)
    {
        Dropped = true;
        Batch = Math.Min(Batch, DrainBatch);
        if (_stopped) return;
        if (_vars.Length < slots) _vars = new ulong[slots];
        try
        {
            _stopped = !EventCounter.Continue(steps, 0, count, _vars, _limit, ref _events, ref _iterations);
        }
        catch (ScenarioException e)
        {
            // Held until the text is compiled whole: an error in a later line comes first, as it did.
            _error = e;
            _stopped = true;
        }
    }
}
