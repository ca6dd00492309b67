using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>Replay timing for <c>--stats</c>.</summary>
/// <param name="Seconds">Wall-clock seconds of the replay phase (first chunk read to last finding), start-up excluded.</param>
/// <param name="EventsPerSecond">Events replayed per second of <paramref name="Seconds"/>.</param>
public sealed record ReportStats(double Seconds, double EventsPerSecond)
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Seconds from process start to the first chunk read (runtime, JIT, opening the trace, building the engine); -1 unknown.</summary>
    public double StartupSeconds { get; init; } = -1;

    /// <summary>Seconds spent reading and decoding chunks (on the decode thread when <see cref="Overlapped"/>).</summary>
    public double DecodeSeconds { get; init; }

    /// <summary>Seconds spent in the engine (clocks, shadow, detectors), findings sorted included.</summary>
    public double ReplaySeconds { get; init; }

    /// <summary>True when decoding ran on a second core, overlapping the replay.</summary>
    public bool Overlapped { get; init; }

    /// <summary>Started when the report began: the report phase is its time when the stats are written.</summary>
    public Stopwatch? ReportClock { get; init; }

    /// <summary>Seconds spent on the report so far.</summary>
    public double ReportSeconds => ReportClock?.Elapsed.TotalSeconds ?? 0;

    /// <summary>The text report's stats line.</summary>
    public string Line(long events) => string.Create(Inv,
        $"replayed {Plural.Of(events, "event")} in {Seconds:0.###} s ({EventsPerSecond:0.###e0} events/s, start-up excluded); ") + Phases;

    /// <summary><c>phases: start-up 0.081 s, decode 0.010 s, replay 0.020 s, report 0.001 s</c>.</summary>
    public string Phases => string.Create(Inv,
        $"phases: start-up {(StartupSeconds < 0 ? "?" : StartupSeconds.ToString("0.000", Inv))} s, decode {DecodeSeconds:0.000} s{(Overlapped ? " (2nd core)" : "")}, replay {ReplaySeconds:0.000} s, report {ReportSeconds:0.000} s");

    /// <summary>Writes the phase times into the JSON report's <c>stats</c> object.</summary>
    public void WritePhases(Utf8JsonWriter w)
    {
        if (StartupSeconds >= 0) w.WriteNumber("startup_seconds", StartupSeconds);
        w.WriteNumber("decode_seconds", DecodeSeconds);
        w.WriteNumber("replay_seconds", ReplaySeconds);
        w.WriteNumber("report_seconds", ReportSeconds);
        w.WriteBoolean("decode_overlapped", Overlapped);
    }
}

/// <summary>Everything a report is made from.</summary>
/// <param name="Metadata">The trace's declarations (agents, regions, sites).</param>
/// <param name="Findings">The findings, ordered by trigger index.</param>
/// <param name="Events">Looks up the trigger and related events.</param>
/// <param name="TracePath">The trace's path as the user gave it.</param>
/// <param name="EventCount">Events in the trace.</param>
/// <param name="Stats">Timing, printed only when given (<c>--stats</c>).</param>
public sealed record ReportInput(
    TraceMetadata Metadata, IReadOnlyList<Finding> Findings, IEventLookup Events,
    string TracePath, long EventCount, ReportStats? Stats = null)
{
    /// <summary>
    /// The hb path between two events (<see cref="TraceTools.Replay.ReplayEngine.HbPath"/>: from agent, index, to
    /// agent, index), so the ladder shows a hand-off's agents; null when no replay state is at hand.
    /// </summary>
    public Func<int, long, int, long, IReadOnlyList<TraceTools.Replay.HbHop>>? HbPath { get; init; }

    /// <summary>
    /// The hop from another cpu's release that an event (agent, index) acquired, or null (<see cref="TraceTools.Replay.ReplayEngine.HopInto"/>),
    /// so a help line names the read barrier for that releaser and a stale-cpu-read's ladder shows the hop; null when
    /// no replay state is at hand.
    /// </summary>
    public Func<int, long, TraceTools.Replay.HbHop?>? HopInto { get; init; }

    FixAdvice? _fixes;

    /// <summary>What the help lines share across the report's findings (built on first use; a <c>with</c> copy builds its own).</summary>
    public FixAdvice Fixes => _fixes is { } f && f.IsFor(this) ? f : _fixes = new FixAdvice(this);

    /// <summary>
    /// True when the trace was read from standard input: <see cref="TracePath"/> is then only a name for messages
    /// (<c>stdin</c>), not a file, and SARIF gives the trace no physical location.
    /// </summary>
    public bool TraceFromStdin { get; init; }

    /// <summary>Findings left out by <c>--suppressions</c> (reports show the count).</summary>
    public int Suppressed { get; init; }

    /// <summary>Findings left out because <c>--baseline</c> already had them.</summary>
    public int InBaseline { get; init; }
}
