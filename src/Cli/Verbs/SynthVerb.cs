using System.Diagnostics;
using System.Globalization;
using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Cli.Reports;
using TraceTools.Replay;
using TraceTools.Scenarios;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary>
/// The <c>synth</c> verb: streams a large synthetic driver trace (docs/synth.md) straight into the trace
/// writer, and writes the injected bugs' findings to <c>OUT.trace.truth.json</c>.
/// </summary>
public static class SynthVerb
{
    const string Usage = """
        usage: tracetools synth --profile driver-mix --events N [--seed S] [--arch A] [--inject RATE] -o OUT.trace

        Writes a synthetic trace of exactly N events: 4 cpus driving a NIC (tx/rx rings), an NVMe-like
        queue pair, an IOMMU PASID table and a noncoherent dsp, with locks between the cpus.

          --profile NAME   workload profile: driver-mix
          --events N       number of events (decimal, 0x hex, _ separators)
          --seed S         generator seed (default 1); the same options give the same trace
          --arch A         arm64 (default), x86_64, riscv64 or sc
          --inject RATE    fraction 0..1 of protocol instances turned into bugs (default 0)
          -o OUT.trace     the trace; the findings the bugs must produce go to OUT.trace.truth.json
          --max-events N   refuse --events above N (default 2^32 - 1, the most replay takes); the free disk space is checked too
          --quiet          no summary line
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        string? profile = args.Option("--profile");
        string? events = args.Option("--events");
        long seed = args.Long("--seed", 1);
        string archName = args.Option("--arch") ?? "arm64";
        double rate = args.Double("--inject", 0);
        string? output = args.Option("-o", "--output");
        bool quiet = args.Flag("--quiet");
        // Default: the replay's limit, so synth never writes by default a trace replay refuses.
        long maxEvents = args.Long("--max-events", ReplayEngine.MaxEvents);
        args.Finish(0, 0);

        if (profile is null) CliThrow.Usage("missing --profile (known: " + string.Join(", ", SynthProfile.Names) + ")");
        if (!SynthProfile.IsKnown(profile)) CliThrow.Usage($"unknown profile '{profile}' (known: {string.Join(", ", SynthProfile.Names)})");
        if (events is null) CliThrow.Usage("missing --events N");
        if (!VerbArgs.TryParseLong(events, out long count) || count < 1) CliThrow.Usage($"option --events takes a positive integer, not '{events}'");
        if (!ArchNames.TryParse(archName, out var arch)) CliThrow.Usage($"unknown arch '{archName}' (known: sc, x86_64, arm64, riscv64){NearMiss.ArchSuffix(archName)}");
        if (output is null or "-") CliThrow.Usage("synth needs -o OUT.trace (the truth file goes beside it)");

        if (count > maxEvents) throw new ScenarioLimitException($"tracetools synth: --events {count} is more than --max-events {maxEvents}; nothing was written");
        string truthPath = TruthFileWriter.PathFor(output);
        OutputTarget.Check("synth", output);
        OutputTarget.Check("synth", truthPath);
        DiskSpace.Require("synth", output, count > long.MaxValue / DiskSpace.SynthBytesPerEvent ? long.MaxValue : count * DiskSpace.SynthBytesPerEvent, $"--events {count}");

        var options = new SynthOptions { Events = count, Seed = (ulong)seed, Arch = arch, InjectRate = rate };
        if (options.Validate() is { } problem) CliThrow.Usage(problem);

        var clock = Stopwatch.StartNew();
        // Both files are written to temporary files and renamed only once both are complete: a trace
        // never sits beside a truth file that is not its own.
        using var traceTarget = OutputTarget.Open("synth", output);
        using var truthTarget = OutputTarget.Open("synth", truthPath);
        using var truth = new TruthFileWriter(truthTarget.Stream);
        var generator = new DriverMixGenerator(options, truth);
        bool progress = !quiet && !Console.IsErrorRedirected && ReferenceEquals(args.Error, Console.Error);
        traceTarget.Write(stream =>
        {
            using var writer = new TraceWriter(stream, generator.Metadata, null);
            if (!progress) generator.Run(writer);
            else
            {
                var shown = new SynthProgressSink(writer, args.Error, count);
                generator.Run(shown);
                shown.Done();
            }
            writer.Complete();
        });
        truthTarget.Write(_ => truth.Commit());
        truthTarget.Commit();
        traceTarget.Commit();
        double seconds = clock.Elapsed.TotalSeconds;

        if (!quiet)
        {
            var s = generator.Stats;
            args.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"synth: {Plural.Of(s.Events, "event")}, {Plural.Of(s.Instances, "protocol instance")}, {s.InjectedInstances} injected, {Plural.Of(truth.Count, "expected finding")}, {seconds:F2} s, {s.Events / Math.Max(seconds, 1e-9) / 1e6:F1} M events/s"));
        }
        return CommandLine.Ok;
    }
}
