using TraceTools.Scenarios.Internals;
using TraceTools.Scenarios.Internals.Generation;
using TraceTools.Scenarios.Internals.Lines;
using TraceTools.Scenarios.Internals.Syntax;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// Compiles scenario steps one line at a time over a layout's declarations, streaming their events into a
/// sink: the <c>steps</c> import format. The steps mean exactly what they mean in a scenario (the same
/// parser, resolver, memory image and store pattern) and errors read the same, <c>file:line:column: ...</c>;
/// memory holds the image and the interned sites and locks, never the lines.
/// </summary>
public sealed class StepLineCompiler
{
    readonly Parser _parser;
    readonly EventEmitter _emitter;
    readonly List<Token> _tokens = new(32);
    readonly StepLineFastPath _fast;

    /// <summary>Creates a compiler whose steps name <paramref name="layout"/>'s agents and regions and go to <paramref name="sink"/>.</summary>
    public StepLineCompiler(ScenarioLayout layout, IEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sink);
        _parser = new Parser(layout);
        _emitter = new EventEmitter(_parser.RegionArray, sink);
        _fast = new StepLineFastPath(_parser, _emitter);
    }

    /// <summary>False to send every line through the full parser (the differential tests compare both).</summary>
    internal bool UseFastPath { get; set; } = true;

    /// <summary>Lines the fast path compiled (tests check that it is taken).</summary>
    internal long FastLines { get; private set; }

    /// <summary>Site strings in first-appearance order; an event's site id is an index here.</summary>
    public IReadOnlyList<string> Sites => _parser.Sites;

    /// <summary>Lock names in first-use order; a lock event's Aux is an index here.</summary>
    public IReadOnlyList<string> Locks => _parser.Locks;

    /// <summary>
    /// Compiles one line (without its newline) of <paramref name="file"/>: nothing for a blank or comment
    /// line, one event for a step, two for <c>writel</c>/<c>readl</c>.
    /// </summary>
    /// <exception cref="ScenarioException">The line is not a valid step over the layout.</exception>
    public void CompileLine(ReadOnlySpan<char> text, string file, int line)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (text.Contains('\n')) ScenarioThrow.Argument("one line without its newline", nameof(text));
        if (UseFastPath && _fast.TryCompile(text))
        {
            FastLines++;
            return;
        }
        _tokens.Clear();
        var nesting = new NestingGuard(file);
        Lexer.TokenizeLine(text, file, line, _tokens, ref nesting, last: true);
        _parser.ParseLine(_tokens, file);
        foreach (var s in _parser.LineSteps) Generator.EmitResolved(s, _emitter);
    }
}
