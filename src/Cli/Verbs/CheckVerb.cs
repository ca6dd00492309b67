using TraceTools.Cli.Checking;
using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools check SCENARIO.scn ...</c>: compile in memory, replay, verify every <c>expect</c>.</summary>
public static class CheckVerb
{
    const string Usage = """
        usage: tracetools check SCENARIO.scn|DIR ... [--set NAME=VALUE ...] [--exact] [--no-expect]
                                [--suppressions FILE] [--max-events N] [--quiet] [--explain]

        Compiles each scenario in memory, replays it with every detector and verifies its expect lines.
        Prints one line per scenario, `PASS name` or `FAIL name (file:line:col): expected ..., got ...`
        (file:line:col: the expect line that failed, as editors open it), then `N passed, N failed`. A
        directory stands for the .scn files in it, in name order; '-' is stdin. A scenario without expect lines, one that
        does not compile, a missing file and a folder without .scn files count as failed; the others are
        still checked.
          --exact               fail on any finding of a kind no `expect K` / `expect K count N` line names
                                (what `expect exactly` in a scenario does)
          --no-expect           allow scenarios without expect lines: print their findings instead
          --suppressions FILE   leave out the findings FILE names before judging (see `replay --help`)
          --set NAME=VALUE      override a `let` constant (repeatable)
          --max-events N        refuse, as gen does, a scenario that expands to more events or runs more
                                repeat iterations (default 2^32)
          --quiet               print only FAIL lines
          --explain             under each FAIL line, print the scenario's findings with their ladders
                                and help, as replay does (the contract's one line per scenario otherwise)
        Exit 0: all passed; 1: an expectation failed; 2: an error (no expect lines, does not compile,
        over --max-events, missing file, empty folder).
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        var overrides = GenVerb.ParseSets(args.Options("--set"));
        var options = new CheckOptions(
            Exact: args.Flag("--exact"),
            NoExpect: args.Flag("--no-expect"),
            Quiet: args.Flag("--quiet"),
            Suppressions: args.Option("--suppressions") is { } supp ? Suppressions.Load(supp) : null,
            MaxEvents: args.Long("--max-events", ScenarioBudget.DefaultMaxEvents),
            Explain: args.Flag("--explain"));
        var inputs = args.Finish(1, int.MaxValue);
        var tally = new CheckTally();
        foreach (var input in inputs.Select(ScenarioInput.PathOf))
        {
            if (Directory.Exists(input))
            {
                var files = Directory.GetFiles(input, "*.scn");
                if (files.Length == 0)
                {
                    // Exit 2 always comes with its one-line message on stderr; the FAIL line keeps the tally readable.
                    args.Error.WriteLine($"tracetools check: '{input}': the folder has no .scn files");
                    args.Out.WriteLine($"FAIL {input}: the folder has no .scn files");
                    tally.Error();
                    continue;
                }
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var f in files) CheckOne(f, overrides, options, args, tally);
            }
            else CheckOne(input, overrides, options, args, tally);
        }
        if (!options.Quiet) args.Out.WriteLine(tally.Summary);
        return tally.Exit;
    }

    static void CheckOne(string path, Dictionary<string, ulong> overrides, CheckOptions options, VerbArgs args, CheckTally tally)
    {
        CompiledScenario scenario;
        try
        {
            scenario = ScenarioInput.Compile("check", path, overrides);
            ScenarioBudget.Check(scenario, path, options.MaxEvents, "not checked");
        }
        catch (FileError e)
        {
            args.Error.WriteLine(e.Message);
            args.Out.WriteLine($"FAIL {path}: {(File.Exists(path) || Directory.Exists(path) ? "cannot read it" : "no such file")}");
            tally.Error();
            return;
        }
        catch (ScenarioLimitException e)
        {
            args.Error.WriteLine(e.Message);
            args.Out.WriteLine($"FAIL {path}: too large (--max-events)");
            tally.Error();
            return;
        }
        catch (BadInputException e)
        {
            args.Error.WriteLine(e.Message);
            args.Out.WriteLine($"FAIL {path}: does not compile");
            tally.Error();
            return;
        }

        string name = scenario.Metadata.Name.Length > 0 ? scenario.Metadata.Name : path;
        string named = name == path ? path : $"{name} ({path})";
        try
        {
            Judge(scenario, path, name, named, options, args, tally);
        }
        catch (ScenarioException e)
        {
            // A step that fails only when its loop runs (an address out of its region at iteration 3, a division by
            // zero) is found while the events are made: a compile error like any other, so the rest still run.
            args.Error.WriteLine(e.Message);
            args.Out.WriteLine($"FAIL {named}: does not compile");
            tally.Error();
        }
    }

    /// <summary>Replays a compiled scenario and judges its findings against its expect lines (or shows them).</summary>
    static void Judge(CompiledScenario scenario, string path, string name, string named, CheckOptions options, VerbArgs args, CheckTally tally)
    {
        bool hasExpect = ExpectationVerdict.HasExpectations(scenario.Expectations);
        if (!hasExpect && !options.NoExpect)
        {
            args.Error.WriteLine($"{path}: no expect lines: add `expect none` or `expect KIND ...`, or run check with --no-expect");
            args.Out.WriteLine($"FAIL {named}: no expect lines (add `expect none`, `expect KIND ...`, or run with --no-expect)");
            tally.Error();
            return;
        }

        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        var findings = Replay(scenario, engine);
        IEventLookup? events = null;
        int suppressed = 0;
        if (options.Suppressions is { } supp && findings.Count > 0)
        {
            events = ScenarioEvents.Capture(scenario, findings);
            (findings, suppressed) = supp.Apply(findings, events, scenario.Metadata);
            tally.Suppressed += suppressed;
        }
        string suppressedNote = suppressed > 0 ? $" ({suppressed} suppressed)" : "";

        if (!hasExpect)
        {
            var counts = new long[FindingKinds.All.Length];
            foreach (var f in findings) counts[(int)f.Kind]++;
            args.Out.WriteLine($"FOUND {named}: {ExpectationVerdict.Summary(counts)}{suppressedNote} (no expect lines)");
            WriteFindings(args.Out, scenario, engine, findings, events, path);
            tally.Reported++;
            return;
        }

        var verdict = ExpectationVerdict.Judge(scenario.Expectations, findings, options.Exact);
        if (verdict is null)
        {
            tally.Passed++;
            if (!options.Quiet) args.Out.WriteLine($"PASS {name}{suppressedNote}");
        }
        else
        {
            tally.Failed++;
            args.Out.WriteLine($"FAIL {Located(name, path, verdict.At)}: {verdict.Text}{suppressedNote}");
            if (options.Explain) WriteFindings(args.Out, scenario, engine, findings, events, path);
        }
    }

    /// <summary>
    /// A failing scenario as its FAIL line names it: <c>name (file:line:col)</c>, the expect line that failed in the
    /// form editors and terminals open at (<c>file:line:col</c> alone when the scenario has no name); the file alone
    /// when no line failed (<c>--exact</c>).
    /// </summary>
    static string Located(string name, string path, Expectation? at)
    {
        string where = at is null ? path : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}:{at.Line}:{at.Column}");
        return name == path ? where : $"{name} ({where})";
    }

    /// <summary>A scenario's findings as replay's text report draws them: each group's ladder and help.</summary>
    static void WriteFindings(TextWriter w, CompiledScenario scenario, Replay.ReplayEngine engine, IReadOnlyList<Finding> findings, IEventLookup? events, string path)
    {
        if (findings.Count == 0) return;
        events ??= ScenarioEvents.Capture(scenario, findings);
        var report = new ReportInput(scenario.Metadata, findings, events, path, scenario.CountEvents()) { HbPath = engine.HbPath, HopInto = engine.HopInto };
        foreach (var g in FindingGroup.Build(findings, events, all: false))
        {
            TextReport.WriteGroup(w, report, g);
            w.WriteLine();
        }
    }

    /// <summary>Replays a compiled scenario in memory with every detector.</summary>
    public static IReadOnlyList<Finding> Replay(CompiledScenario scenario) =>
        Replay(scenario, DetectorRegistry.CreateEngine(scenario.Metadata));

    /// <summary>Replays a compiled scenario in memory with <paramref name="engine"/> (kept for the ladder's hb paths).</summary>
    static IReadOnlyList<Finding> Replay(CompiledScenario scenario, Replay.ReplayEngine engine)
    {
        var sink = new BatchingSink(engine.Process);
        scenario.Generate(sink);
        sink.Flush();
        return engine.Complete();
    }
}
