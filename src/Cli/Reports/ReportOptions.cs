using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>Which report <c>replay</c> writes.</summary>
public enum ReportFormat
{
    /// <summary>Compiler-style text with ladders (default).</summary>
    Text,
    /// <summary>The JSON schema of cli.md.</summary>
    Json,
    /// <summary>SARIF 2.1.0.</summary>
    Sarif,
}

/// <summary>
/// The report options of <c>replay</c>: <c>--format text|json|sarif</c>, <c>-o FILE</c> (<c>-</c> or none:
/// stdout), <c>--all</c>, <c>--stats</c>, <c>--fail-on error|warning|none</c> (default error) and
/// <c>--detectors LIST</c> (comma-separated kinds; default all).
/// </summary>
/// <param name="Format">Report format.</param>
/// <param name="Output">Output file, or null for stdout.</param>
/// <param name="All">List every instance of a group, not the first ten.</param>
/// <param name="Stats">Add timing.</param>
/// <param name="FailOn">Lowest severity that makes the exit code 1; null: never.</param>
/// <param name="Detectors">Kinds to report; null: all.</param>
public sealed record ReportOptions(
    ReportFormat Format = ReportFormat.Text, string? Output = null, bool All = false, bool Stats = false,
    Severity? FailOn = Severity.Error, IReadOnlySet<FindingKind>? Detectors = null)
{
    /// <summary>Findings to leave out (<c>--suppressions FILE</c>), or null.</summary>
    public Suppressions? Suppressions { get; init; }

    /// <summary>Findings of an earlier report to leave out (<c>--baseline previous.json</c>), or null.</summary>
    public Baseline? Baseline { get; init; }

    /// <summary>The <c>--suppressions</c> file, or null: the report's <c>-o</c> may not replace it.</summary>
    public string? SuppressionsFile { get; init; }

    /// <summary>The <c>--baseline</c> file, or null: the report's <c>-o</c> may not replace it.</summary>
    public string? BaselineFile { get; init; }

    /// <summary>The options' lines for a verb's <c>--help</c>.</summary>
    public const string HelpText =
        "  --format text|json|sarif   report format (default text)\n" +
        "  -o FILE                    write the report to FILE (default or '-': stdout)\n" +
        "  --all                      list every instance of a group (default: the first 10)\n" +
        "  --stats                    add replay time and events per second\n" +
        "  --fail-on error|warning|none  exit 1 when findings at or above this severity exist (default error)\n" +
        "  --detectors LIST           run only these kinds (comma-separated; 'none': hb/ob only)\n" +
        "  --suppressions FILE        leave out the findings FILE names (lines 'KIND SITE  # reason'); counts are shown;\n" +
        "                             SARIF keeps them as results marked suppressed (with the reason)\n" +
        "  --baseline PREVIOUS.json   report only findings not in an earlier 'replay --format json' report";

    /// <summary>Reads the report options from a verb's arguments (throws <see cref="UsageException"/> on bad values).</summary>
    public static ReportOptions Parse(VerbArgs args)
    {
        var format = args.Option("--format") switch
        {
            null or "text" => ReportFormat.Text,
            "json" => ReportFormat.Json,
            "sarif" => ReportFormat.Sarif,
            var f => CliThrow.Usage<ReportFormat>($"unknown format '{f}' (expected text, json or sarif)"),
        };
        string? output = args.Option("-o", "--output");
        if (output == "-") output = null;
        Severity? failOn = args.Option("--fail-on") switch
        {
            null or "error" => Severity.Error,
            "warning" => Severity.Warning,
            "none" => null,
            var s => CliThrow.Usage<Severity?>($"unknown --fail-on level '{s}' (expected error, warning or none)"),
        };
        HashSet<FindingKind>? detectors = null;
        if (args.Option("--detectors") is { } list)
        {
            detectors = [];
            foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (name == "none") continue; // an empty set: replay hb/ob only (benchmarks)
                if (!FindingKinds.TryParse(name, out var k))
                    CliThrow.Usage($"unknown detector '{name}' (expected {string.Join(", ", FindingKinds.All.Select(x => x.Name()))})");
                detectors.Add(k);
            }
        }
        string? suppressions = args.Option("--suppressions"), baseline = args.Option("--baseline");
        return new ReportOptions(format, output, args.Flag("--all"), args.Flag("--stats"), failOn, detectors)
        {
            Suppressions = suppressions is null ? null : Reports.Suppressions.Load(suppressions),
            Baseline = baseline is null ? null : Reports.Baseline.Load(baseline),
            SuppressionsFile = suppressions,
            BaselineFile = baseline,
        };
    }
}
