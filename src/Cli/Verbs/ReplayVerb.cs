using System.Diagnostics;
using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Cli.Replaying;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools replay TRACE [--detectors LIST] [--format text|json|sarif] [-o FILE] [--all] [--stats]</c>.</summary>
public static class ReplayVerb
{
    static readonly string Usage = $"""
        usage: tracetools replay TRACE [--detectors LIST] [--format text|json|sarif] [-o FILE] [--all]
                                 [--stats] [--fail-on error|warning|none] [--suppressions FILE]
                                 [--baseline PREVIOUS.json] [--threads N] [--decode-only] [--quiet]

        Replays a trace, reconstructing happens-before across all agents, and reports the orderings the
        code failed to guarantee. Exit 0: nothing at or above --fail-on; 1: findings; 2: bad input.
        {ReportOptions.HelpText}
          --threads N                1: decode and replay on one thread; N >= 2: decode on its own (light) thread and
                                     N replay threads (N = 2 with dma-race among other data detectors: dma-race on
                                     one, the rest on the other; else each runs hb and the data checks of its share
                                     of the pages)
                                     (default: 2 when there are 2+ cores, 1 when the trace's chunks hold fewer than
                                     256 events on average); the findings are the same for every N
          --decode-only              read and decode every chunk, replay nothing (measures the decoder)
          --quiet                    no progress bar
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        var options = ReportOptions.Parse(args);
        bool quiet = args.Flag("--quiet");
        bool decodeOnly = args.Flag("--decode-only");
        long threads = args.Long("--threads", -1); // -1: not given, the default depends on the trace's chunks
        if (threads is 0 or > 64) CliThrow.Usage("--threads takes 1 to 64");
        var path = args.Finish(1, 1)[0];

        // A report over its own trace, suppressions or baseline would replace it once written: refused before the replay.
        if (options.Output is { } report) OutputTarget.Check("replay", report, path, options.SuppressionsFile, options.BaselineFile);
        // A report to a closed stdout is refused before the replay, not once it is done.
        else if (ReferenceEquals(args.Out, StandardStreams.ClosedOutput)) StandardStreams.CheckWrite("replay", "-");
        using var trace = TraceInput.Open("replay", path, rereadable: true);
        using var reader = trace.OpenReader();
        if (!decodeOnly) ReplayLength.Check(reader);
        var layout = threads > 0 ? ReplayLayout.For((int)threads)
            : ReplayLayout.Default(Environment.ProcessorCount, reader.IndexedEventCount, reader.IndexedChunkCount);
        // A v4 trace carries its census (written with the events): the engine skips the data work of cpu accesses
        // no rule can judge. Without one (older or cut-off traces) every access is judged, with the same findings.
        using var engine = DetectorRegistry.CreateEngine(reader.Metadata, new ReplayOptions { Detectors = options.Detectors, DataShards = layout.DataShards, Census = reader.Census });
        var bar = !quiet && !Console.IsErrorRedirected && args.Error == Console.Error
            ? new ProgressBar(args.Error, reader.IndexedEventCount) : null;

        double startup = StartupSeconds();
        var phases = new ReplayPhases();
        var clock = Stopwatch.StartNew();
        long events = decodeOnly
            ? TraceReplay.DecodeOnly(reader, bar is null ? null : bar.Report, phases)
            : TraceReplay.Run(reader, engine, layout.DecodeThread, bar is null ? null : bar.Report, phases);
        long completeStart = Stopwatch.GetTimestamp();
        var findings = decodeOnly ? [] : engine.Complete();
        phases.ReplayTicks += Stopwatch.GetTimestamp() - completeStart;
        clock.Stop();
        bar?.Done();
        if (reader.Truncated)
            args.Error.WriteLine($"{trace.Shown}: warning: the trace is truncated; replayed the {Plural.Of(events, "event")} of its complete chunks");

        double seconds = clock.Elapsed.TotalSeconds;
        using var lookup = new TraceEventLookup(trace.OpenReader());
        var stats = new ReportStats(seconds, events / Math.Max(seconds, 1e-9))
        {
            StartupSeconds = startup,
            DecodeSeconds = phases.DecodeSeconds,
            ReplaySeconds = phases.ReplaySeconds,
            Overlapped = phases.Overlapped,
            ReportClock = Stopwatch.StartNew(),
        };
        var input = new ReportInput(reader.Metadata, findings, lookup, trace.Shown, events, stats)
        {
            HbPath = engine.HbPath, HopInto = engine.HopInto, TraceFromStdin = trace.IsStandardInput,
        };
        return ReportWriter.Write(input, options, args.Out);
    }

    /// <summary>Seconds since the process started (runtime start-up, JIT, opening the trace, building the engine); -1 when unknown.</summary>
    static double StartupSeconds()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return (DateTime.Now - self.StartTime).TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
