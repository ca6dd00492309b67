using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals;

/// <summary>The project's throw helpers: keeps throw sites out of hot loops and stack traces.</summary>
[StackTraceHidden]
static class ScenarioThrow
{
    [DoesNotReturn]
    public static void At(string file, int line, int column, string detail) =>
        throw new ScenarioException(file, line, column, QuoteCap.Apply(detail));

    [DoesNotReturn]
    public static T At<T>(string file, int line, int column, string detail) =>
        throw new ScenarioException(file, line, column, QuoteCap.Apply(detail));

    [DoesNotReturn]
    public static void At(in SourcePos pos, string detail) =>
        throw new ScenarioException(pos.File, pos.Line, pos.Column, QuoteCap.Apply(detail));

    /// <summary>An address outside the declared regions: <see cref="ScenarioException.Unmapped"/> says why.</summary>
    [DoesNotReturn]
    public static void Unmapped(in SourcePos pos, string reason, string detail) =>
        throw new ScenarioException(pos.File, pos.Line, pos.Column, QuoteCap.Apply(detail)) { Unmapped = reason };

    /// <summary>
    /// Rethrows an error raised in iteration <paramref name="i"/> of <paramref name="loop"/>'s body with that
    /// iteration appended: the line alone does not say which pass failed when the operands read the variable.
    /// Nested loops add theirs after it, innermost first.
    /// </summary>
    [DoesNotReturn]
    public static void InIteration(ScenarioException e, Step loop, ulong i)
    {
        string here = $"iteration {i + 1} of the repeat at line {loop.Pos.Line}, {loop.VarName} = {i}";
        string trail = e.IterationTrail is null ? here : $"{e.IterationTrail}; {here}";
        string reason = e.DetailWithoutIterations ?? e.Detail;
        throw new ScenarioException(e.File, e.Line, e.Column, $"{reason} (in {trail})")
        {
            Unmapped = e.Unmapped,
            IterationTrail = trail,
            DetailWithoutIterations = reason,
        };
    }

    /// <summary>The second reading of a scenario (gen's, for a long one) found other text than the first.</summary>
    [DoesNotReturn]
    public static void ChangedWhileRead(string file) =>
        throw new ScenarioException(file, 0, 0, "the scenario changed while it was read: gen reads a long scenario twice (the trace header first, then the events)");

    /// <summary>A bad argument from the library's caller (not the scenario's author).</summary>
    [DoesNotReturn]
    public static void Argument(string message, string paramName) => throw new ArgumentException(message, paramName);

    /// <summary>An enum value outside the ones the code knows.</summary>
    [DoesNotReturn]
    public static T OutOfRange<T>(string paramName, object value) => throw new ArgumentOutOfRangeException(paramName, value, null);

    /// <summary>A call out of order, or a broken internal invariant (a bug, not bad input).</summary>
    [DoesNotReturn]
    public static void Invalid(string message) => throw new InvalidOperationException(message);

    /// <summary>A case two tables must agree on, missing from one of them.</summary>
    [DoesNotReturn]
    public static void Unreachable(string message) => throw new UnreachableException(message);

    [DoesNotReturn]
    public static void Override(string file, string detail) => throw new ScenarioException(file, 0, 0, QuoteCap.Apply(detail));
}

/// <summary>Where something was written: file, 1-based line and column.</summary>
readonly record struct SourcePos(string File, int Line, int Column);
