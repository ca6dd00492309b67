using System.Text;
using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Writes the chosen report and computes <c>replay</c>'s exit code. A report to a file is written to a
/// temporary file beside it and renamed into place, so a failure never leaves half a report.
/// </summary>
public static class ReportWriter
{
    /// <summary>
    /// Filters by <see cref="ReportOptions.Detectors"/>, groups, writes the report to
    /// <see cref="ReportOptions.Output"/> or <paramref name="stdout"/>, and returns the exit code.
    /// </summary>
    public static int Write(ReportInput input, ReportOptions options, TextWriter stdout)
    {
        var findings = options.Detectors is { } only ? KeptFindings.OfKinds(input.Findings, only.Contains) : input.Findings;
        // Suppressions, the baseline and grouping read only the sites of every finding's events: read once in trace
        // order and kept as numbers until the groups are built, not as events in the lookup for the whole report.
        var sites = EventSites.Read(findings, input.Events);
        int suppressed = 0, known = 0;
        // Text and JSON leave suppressed findings out; SARIF keeps them as results marked suppressed (docs/reports.md).
        IReadOnlyList<Finding>? dropped = null;
        if (options.Suppressions is { } supp)
        {
            int before = findings.Count;
            (findings, dropped) = supp.Split(findings, sites, input.Metadata, keepSuppressed: options.Format == ReportFormat.Sarif);
            suppressed = before - findings.Count;
        }
        if (options.Baseline is { } baseline) (findings, known) = baseline.Apply(findings, sites, input.Metadata);
        input = input with { Findings = findings, Stats = options.Stats ? input.Stats : null, Suppressed = suppressed, InBaseline = known };
        var groups = FindingGroup.Build(findings, sites, options.All);
        var suppressedGroups = dropped is null ? null : SuppressedGroup.Build(dropped, sites, input, options.Suppressions!, options.All);
        // The writers look up the events of the instances shown (ten a group, or all with --all), not in trace order.
        input.Events.Prefetch(IEventLookup.NamedBy(Shown(groups, suppressedGroups)));

        if (options.Output is null)
        {
            if (options.Format == ReportFormat.Text) TextReport.Write(stdout, input, groups, options.Suppressions, options.Detectors);
            else
            {
                using (var text = new Files.TextWriterStream(stdout)) WriteBinary(text, input, groups, suppressedGroups, options.Format);
                stdout.WriteLine();
            }
        }
        else
        {
            using var target = Files.OutputTarget.Open("replay", options.Output);
            target.Write(fs =>
            {
                if (options.Format == ReportFormat.Text)
                {
                    using var tw = new StreamWriter(fs, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    TextReport.Write(tw, input, groups, options.Suppressions, options.Detectors);
                }
                else WriteBinary(fs, input, groups, suppressedGroups, options.Format);
            });
            target.Commit();
        }
        return ExitCode(findings, options.FailOn);
    }

    static IEnumerable<Finding> Shown(List<FindingGroup> groups, List<SuppressedGroup>? suppressed) =>
        groups.Concat(suppressed?.Select(s => s.Group) ?? []).SelectMany(g => g.Instances);

    static void WriteBinary(Stream s, ReportInput input, IReadOnlyList<FindingGroup> groups, IReadOnlyList<SuppressedGroup>? suppressed,
        ReportFormat format)
    {
        if (format == ReportFormat.Json) JsonReport.Write(s, input, groups);
        else SarifReport.Write(s, input, groups, suppressed);
    }

    /// <summary>1 when some finding's severity is at or above <paramref name="failOn"/>, else 0 (never 1 for null).</summary>
    public static int ExitCode(IReadOnlyList<Finding> findings, Severity? failOn)
    {
        if (failOn is not { } level) return CommandLine.Ok;
        for (int i = 0; i < findings.Count; i++)
            if (FindingFields.SeverityAt(findings, i) >= level) return CommandLine.Findings;
        return CommandLine.Ok;
    }
}
