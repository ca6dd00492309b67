using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals.Syntax;

// Handing the compiled steps on at top-level statement ends (StepDrain), so that gen holds a batch, not the scenario.
sealed partial class Parser
{
    StepDrain? _drain;
    Step[] _drained = [];

    /// <summary>Parses the scenario, handing its steps to <paramref name="drain"/> as it goes (see <see cref="StepDrain"/>).</summary>
    public CompiledScenario ParseScenario(StepDrain drain)
    {
        _drain = drain;
        return ParseScenario();
    }

    /// <summary>After a top-level statement: drains the steps once the drain's batch is full.</summary>
    void AfterTopLevelStatement()
    {
        if (_drain is { } drain && _steps.Count >= drain.Batch) DrainSteps(drain);
    }

    /// <summary>At the end of the text: the steps left go to the drain when it takes them, else they stay for the program.</summary>
    void DrainRest()
    {
        if (_drain is not { } drain) return;
        drain.NoteHeld(_steps.Count);
        if (drain.TakesRest) DrainSteps(drain);
    }

    void DrainSteps(StepDrain drain)
    {
        int count = _steps.Count;
        drain.NoteHeld(count);
        if (count == 0) return;
        if (_drained.Length < count) _drained = new Step[Math.Max(count, 2 * _drained.Length)];
        _steps.CopyTo(_drained);
        _steps.Clear();
        drain.Take(_drained, count, _slotCount);
        // Nothing refers to a drained step or its loop slots: a loop variable is read only inside its repeat.
        Array.Clear(_drained, 0, count);
        _slotCount = 0;
    }
}
