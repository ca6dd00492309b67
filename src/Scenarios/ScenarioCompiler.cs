using TraceTools.Scenarios.Internals.Generation;
using TraceTools.Scenarios.Internals.Syntax;

namespace TraceTools.Scenarios;

/// <summary>Compiles <c>.scn</c> scenario text (docs/scenario-language.md) into a <see cref="CompiledScenario"/>.</summary>
public static class ScenarioCompiler
{
    /// <summary>
    /// Reads and compiles <paramref name="path"/>. Each entry of <paramref name="overrides"/> replaces the value of
    /// the <c>let</c> of that name (<c>--set NAME=VALUE</c>); naming no <c>let</c> is an error.
    /// </summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    public static CompiledScenario CompileFile(string path, IReadOnlyDictionary<string, ulong>? overrides = null)
    {
        using var reader = new StreamReader(path);
        return Compile(reader, path, overrides);
    }

    /// <summary>Compiles scenario <paramref name="text"/>; <paramref name="fileName"/> prefixes every error message.</summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    public static CompiledScenario Compile(string text, string fileName, IReadOnlyDictionary<string, ulong>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Compile(new StringReader(text), fileName, overrides);
    }

    /// <summary>
    /// Compiles the scenario <paramref name="reader"/> holds, reading it a line at a time: an error is reported
    /// when its line is read (the lines after it are not read), and the text is never held whole.
    /// <paramref name="fileName"/> prefixes every error message.
    /// </summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static CompiledScenario Compile(TextReader reader, string fileName, IReadOnlyDictionary<string, ulong>? overrides = null) =>
        Compile(reader, fileName, overrides, LineReader.DefaultBufferChars);

    /// <summary>As <see cref="Compile(TextReader, string, IReadOnlyDictionary{string, ulong}?)"/>, reading <paramref name="bufferChars"/> at a time (tests vary it).</summary>
    internal static CompiledScenario Compile(TextReader reader, string fileName, IReadOnlyDictionary<string, ulong>? overrides, int bufferChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(fileName);
        return new Parser(new LineReader(reader, bufferChars), fileName, overrides).ParseScenario();
    }

    /// <summary>
    /// Compiles the scenario <paramref name="open"/> reads for <c>gen</c>, holding its steps only up to
    /// <see cref="StreamedScenario.DefaultHeldSteps"/>: past them it counts and drops them, and
    /// <see cref="StreamedScenario.Generate"/> calls <paramref name="open"/> again to read the same text a second
    /// time. Errors are those of <see cref="Compile(TextReader, string, IReadOnlyDictionary{string, ulong}?)"/>;
    /// <paramref name="sizeLimit"/> is the limit <see cref="StreamedScenario.Measure"/> counts to (<c>--max-events</c>).
    /// </summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static StreamedScenario CompileStreamed(Func<TextReader> open, string fileName, IReadOnlyDictionary<string, ulong>? overrides, long sizeLimit) =>
        CompileStreamed(open, fileName, overrides, sizeLimit, StreamedScenario.DefaultHeldSteps);

    /// <summary>As <see cref="CompileStreamed(Func{TextReader}, string, IReadOnlyDictionary{string, ulong}?, long)"/>, holding up to <paramref name="heldSteps"/> steps (tests and one-reading inputs vary it).</summary>
    public static StreamedScenario CompileStreamed(Func<TextReader> open, string fileName, IReadOnlyDictionary<string, ulong>? overrides, long sizeLimit, int heldSteps)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(heldSteps, 1);
        using var reader = open();
        var lines = new LineReader(reader);
        var tally = new StepTally(heldSteps, sizeLimit);
        var firstReading = new Parser(lines, fileName, overrides).ParseScenario(tally);
        return new StreamedScenario(open, overrides, firstReading, tally, sizeLimit, lines.CharsRead, heldSteps);
    }

    /// <summary>Reads and compiles a layout: a scenario's declarations without steps, <c>repeat</c> or <c>expect</c>.</summary>
    /// <exception cref="ScenarioException">The layout has an error, or holds a step.</exception>
    public static ScenarioLayout CompileLayoutFile(string path)
    {
        using var reader = new StreamReader(path);
        return new Parser(new LineReader(reader), path, null).ParseLayout();
    }

    /// <summary>Compiles layout <paramref name="text"/>; <paramref name="fileName"/> prefixes every error message.</summary>
    /// <exception cref="ScenarioException">The layout has an error, or holds a step.</exception>
    public static ScenarioLayout CompileLayout(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return new Parser(new LineReader(new StringReader(text)), fileName, null).ParseLayout();
    }

    /// <summary>
    /// Parses a <c>--set</c> argument <c>NAME=VALUE</c>: NAME a scenario name, VALUE a number as the language
    /// writes it (<c>4096</c>, <c>0x1000</c>, <c>1_000_000</c>). False for anything else.
    /// </summary>
    public static bool TryParseOverride(string assignment, out string name, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        name = "";
        value = 0;
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) return false;
        try
        {
            var n = Lexer.Tokenize(assignment[..eq], "--set");
            var v = Lexer.Tokenize(assignment[(eq + 1)..], "--set");
            if (n.Count != 3 || n[0].Kind != TokenKind.Name || v.Count != 3 || v[0].Kind != TokenKind.Number) return false;
            if (n[0].Length != eq || v[0].Length != assignment.Length - eq - 1) return false;
            name = n[0].Text!;
            value = v[0].Number;
            return true;
        }
        catch (ScenarioException)
        {
            return false;
        }
    }
}
