using System.Globalization;
using TraceTools.Cli.Exporting;
using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools export TRACE --format perfetto -o OUT.json [--from N] [--count N | --around I]</c>.</summary>
public static class ExportVerb
{
    const string Usage = """
        usage: tracetools export TRACE --format perfetto -o OUT.json [--from N] [--count N] [--around I] [--quiet]

        Writes the trace as Chrome trace-event JSON, which Perfetto UI (ui.perfetto.dev) and chrome://tracing
        open: one track per agent, each event a slice with its fields, each hb edge of the replay a flow
        arrow, each finding a slice on a "findings" track with a global mark and arrows from its trigger and
        related events. Time is the trace index (event i at i µs).
          --format perfetto   the output format (the only one)
          -o FILE             the JSON file (written beside it, then renamed); '-' for stdout
          --from N            first event to write (default 0)
          --count N           number of events to write (default: all; 1000 with --around)
          --around I          write --count events centred on event I (a finding's trigger)
          --quiet             no progress bar
        The replay always runs from event 0 (hb needs the whole history), up to the window's end.
        """;

    /// <summary>Default window size of --around.</summary>
    const long AroundCount = 1000;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        // Every option is read before any is judged, so a mistyped one is named as such, not as a missing --format.
        string? format = args.Option("--format");
        string? output = args.Option("-o", "--output");
        bool quiet = args.Flag("--quiet");
        string? around = args.Option("--around");
        string? from = args.Option("--from");
        long count = args.Long("--count", around is null ? long.MaxValue : AroundCount);
        string path = args.Finish(1, 1)[0];
        if (format is null) CliThrow.Usage("--format is required (perfetto)");
        if (format != "perfetto") CliThrow.Usage($"unknown --format '{format}' (perfetto)");
        if (output is null) CliThrow.Usage("-o OUT.json is required");
        if (around is not null && from is not null) CliThrow.Usage("--around and --from exclude each other");
        long centre = around is null ? -1 : ParseIndex("--around", around);
        var window = around is not null ? ExportWindow.Around(centre, count)
            : ExportWindow.Of(from is null ? 0 : ParseIndex("--from", from), count);

        using var trace = TraceInput.Open("export", path, rereadable: true);
        using var reader = trace.OpenReader();
        long total = reader.IndexedEventCount;
        if (total >= 0 && window.From >= total && total > 0)
            CliThrow.Usage($"the window starts at event {window.From}, but {path} has {total} events");
        // A centre past the end would still make a window (the trace's last events), for an event that is not there.
        if (centre >= 0 && total > 0 && centre >= total)
            CliThrow.Usage($"--around {centre} names no event: {path} has {total} events");
        ReplayLength.Check(reader, window.End);
        using var lookup = new TraceEventLookup(trace.OpenReader());
        var bar = !quiet && output != "-" && !Console.IsErrorRedirected && args.Error == Console.Error
            ? new ProgressBar(args.Error, total >= 0 ? Math.Min(total, window.End) : -1) : null;

        var summary = WriteOutput(output, path, args.Out, stream =>
            PerfettoExport.Write(reader, lookup, window, stream, bar is null ? null : bar.Report));
        bar?.Done();
        if (summary.Truncated)
            args.Error.WriteLine($"{path}: warning: the trace is truncated; exported the events of its complete chunks");
        if (output != "-" && !quiet)
        {
            args.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{output}: {Plural.Of(summary.Events, "event")}, {Plural.Of(summary.Flows, "hb arrow")}, {Plural.Of(summary.Findings, "finding")}"));
        }
        return CommandLine.Ok;
    }

    static long ParseIndex(string option, string text)
    {
        if (!VerbArgs.TryParseLong(text, out long v) || v < 0) CliThrow.Usage($"option {option} takes a non-negative integer, not '{text}'");
        return v;
    }

    /// <summary>Writes through <see cref="OutputTarget"/>: a file is replaced only once complete, a device or FIFO is written in place.</summary>
    static ExportSummary WriteOutput(string output, string input, TextWriter stdout, Func<Stream, ExportSummary> write)
    {
        if (output == "-") stdout.Flush();
        using var target = OutputTarget.Open("export", output, input);
        ExportSummary summary = default;
        target.Write(stream => summary = write(stream));
        target.Commit();
        return summary;
    }
}
