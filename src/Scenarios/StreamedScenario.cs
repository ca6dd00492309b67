using TraceTools.Scenarios.Internals;
using TraceTools.Scenarios.Internals.Generation;
using TraceTools.Scenarios.Internals.Syntax;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// A scenario compiled for <c>gen</c> in memory bounded by what its text declares, not by its length: the first
/// reading keeps its metadata (the trace header lists every site and lock before the first event) and its size, and
/// holds its steps only up to a budget. A scenario within the budget generates from the held steps, read once, as a
/// <see cref="CompiledScenario"/> does; a longer one drops its steps as it is compiled and <see cref="Generate"/>
/// reads the text again, generating a batch of steps at a time (docs/scenario-language.md, "Reading the text").
/// </summary>
public sealed class StreamedScenario
{
    /// <summary>Steps held before a scenario is read twice: about 450 bytes a step at most, so about 7 MB.</summary>
    public const int DefaultHeldSteps = 1 << 14;

    readonly Func<TextReader> _open;
    readonly IReadOnlyDictionary<string, ulong>? _overrides;
    readonly CompiledScenario _firstReading;
    readonly StepTally _tally;
    readonly long _limit, _chars;
    readonly int _heldSteps;

    internal StreamedScenario(Func<TextReader> open, IReadOnlyDictionary<string, ulong>? overrides, CompiledScenario firstReading, StepTally tally, long limit, long chars, int heldSteps)
    {
        _heldSteps = heldSteps;
        _open = open;
        _overrides = overrides;
        _firstReading = firstReading;
        _tally = tally;
        _limit = limit;
        _chars = chars;
        PeakHeldSteps = tally.PeakHeld;
    }

    /// <summary>Arch, agents, regions, lock names (first-use order) and every site string (first appearance).</summary>
    public TraceMetadata Metadata => _firstReading.Metadata;

    /// <summary>The file name errors are reported against.</summary>
    public string FileName => _firstReading.FileName;

    /// <summary>True when the steps were dropped in the first reading, so <see cref="Generate"/> reads the text again.</summary>
    public bool ReadsTwice => _tally.Dropped;

    /// <summary>The most steps held at once by the last reading (tests check that it stays bounded).</summary>
    internal int PeakHeldSteps { get; private set; }

    /// <summary>
    /// Events and loop iterations, as <see cref="CompiledScenario.Measure"/> gives them with the limit the scenario
    /// was compiled with: counted during the first reading when its steps were dropped.
    /// </summary>
    /// <exception cref="ScenarioException">A repeat count's expression fails (overflow, division by zero).</exception>
    public ScenarioSize Measure() => ReadsTwice ? _tally.Size : _firstReading.Measure(_limit);

    /// <summary>
    /// Streams every event, in trace order, into <paramref name="sink"/>, as <see cref="CompiledScenario.Generate"/>
    /// does: the same events, and the same errors after some events were appended (a caller writing a file must
    /// discard it). When the text is read again, a read failure is the reader's exception, and text that is not
    /// what the first reading found (a file rewritten in between) is a <see cref="ScenarioException"/>.
    /// </summary>
    public void Generate(IEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!ReadsTwice)
        {
            _firstReading.Generate(sink);
            return;
        }
        using var reader = _open();
        var lines = new LineReader(reader);
        StepStreamer? streamer = null;
        CompiledScenario again;
        try
        {
            var parser = new Parser(lines, FileName, _overrides); // reads the first line
            streamer = new StepStreamer(Metadata, parser.Sites, parser.Locks, FileName, _heldSteps, sink);
            again = parser.ParseScenario(streamer);
        }
        catch (ScenarioException) when (streamer is not { Generating: true })
        {
            // The first reading compiled this text without an error: the text is another.
            ScenarioThrow.ChangedWhileRead(FileName);
            throw;
        }
        PeakHeldSteps = streamer!.PeakHeld;
        if (lines.CharsRead != _chars || again.Metadata.Sites.Count != Metadata.Sites.Count || again.Metadata.Locks.Count != Metadata.Locks.Count)
            ScenarioThrow.ChangedWhileRead(FileName);
    }
}
