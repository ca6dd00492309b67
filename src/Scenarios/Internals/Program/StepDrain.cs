namespace TraceTools.Scenarios.Internals.Program;

/// <summary>
/// Takes the steps the parser has compiled so far, at the end of a top-level statement (no <c>repeat</c> is open
/// then, so the steps are a whole program of their own and the next ones do not refer back to them): what lets
/// <c>gen</c> count, then generate, a long scenario without holding every step until the end of the text.
/// </summary>
abstract class StepDrain
{
    /// <summary>The parser drains once it holds this many steps (a top-level <c>repeat</c> is held whole).</summary>
    public int Batch { get; protected set; } = int.MaxValue;

    /// <summary>True when the parser drains what is left at the end of the text; else it stays in the program.</summary>
    public abstract bool TakesRest { get; }

    /// <summary>The most steps the parser held at once (tests check that it stays bounded).</summary>
    public int PeakHeld { get; private set; }

    /// <summary>Records what the parser holds now (at each drain and at the end of the text).</summary>
    public void NoteHeld(int steps) => PeakHeld = Math.Max(PeakHeld, steps);

    /// <summary>
    /// Takes <paramref name="steps"/>[0..<paramref name="count"/>), whose loops use slots below <paramref name="slots"/>;
    /// the parser reuses the array and the slots after the call.
    /// </summary>
    public abstract void Take(Step[] steps, int count, int slots);
}
