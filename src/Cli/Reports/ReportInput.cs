using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>Replay timing for <c>--stats</c>.</summary>
/// <param name="Seconds">Wall-clock seconds the replay took.</param>
/// <param name="EventsPerSecond">Events replayed per second.</param>
public sealed record ReportStats(double Seconds, double EventsPerSecond);

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
    /// <summary>Findings left out by <c>--suppressions</c> (reports show the count).</summary>
    public int Suppressed { get; init; }

    /// <summary>Findings left out because <c>--baseline</c> already had them.</summary>
    public int InBaseline { get; init; }
}
