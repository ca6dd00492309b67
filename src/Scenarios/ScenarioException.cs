using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// A scenario with an error. The message is one line, <c>file.scn:12:17: what is wrong (did you mean ...)</c>;
/// the CLI prints it and exits 2. Thrown by <see cref="ScenarioCompiler"/> and, for errors that depend on
/// loop variables, by <see cref="CompiledScenario.Generate"/> and <see cref="CompiledScenario.CountEvents"/>.
/// </summary>
public sealed class ScenarioException : BadInputException
{
    /// <summary>The scenario file name as given to the compiler.</summary>
    public string File { get; }
    /// <summary>1-based line of the error (0 when the error is about a command-line override).</summary>
    public int Line { get; }
    /// <summary>1-based column of the error (0 when the error is about a command-line override).</summary>
    public int Column { get; }
    /// <summary>The message without the <c>file:line:column: </c> prefix.</summary>
    public string Detail { get; }

    /// <summary>
    /// For an address outside the declared regions, why, in the importers' words (<c>outside every region</c>,
    /// <c>straddles a region's end</c>, <c>memory access to an mmio region</c>, <c>mmio access outside mmio
    /// regions</c>): <c>import steps --skip-unmapped</c> counts such a line under it. Null for every other error.
    /// </summary>
    public string? Unmapped { get; init; }

    /// <summary>The repeat iterations the error was raised in, innermost first, or null outside loops.</summary>
    internal string? IterationTrail { get; init; }

    /// <summary>The detail before the iterations were appended (null when none were).</summary>
    internal string? DetailWithoutIterations { get; init; }

    /// <summary>Creates the error for <paramref name="file"/> at <paramref name="line"/>:<paramref name="column"/>.</summary>
    public ScenarioException(string file, int line, int column, string detail)
        : base(line > 0 ? $"{file}:{line}:{column}: {detail}" : $"{file}: {detail}")
    {
        File = file;
        Line = line;
        Column = column;
        Detail = detail;
    }
}
