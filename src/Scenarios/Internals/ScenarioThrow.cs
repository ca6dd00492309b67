using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

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

    [DoesNotReturn]
    public static void Override(string file, string detail) => throw new ScenarioException(file, 0, 0, QuoteCap.Apply(detail));
}

/// <summary>Where something was written: file, 1-based line and column.</summary>
readonly record struct SourcePos(string File, int Line, int Column);
