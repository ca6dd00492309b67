using TraceTools.Cli.Checking;
using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools check SCENARIO.scn ...</c>: compile in memory, replay, verify every <c>expect</c>.</summary>
public static class CheckVerb
{
    const string Usage = """
        usage: tracetools check SCENARIO.scn|DIR ... [--set NAME=VALUE ...] [--max-events N] [--quiet]

        Compiles each scenario in memory, replays it with every detector and verifies its expect lines.
        Prints one line per scenario: `PASS name` or `FAIL name: expected ..., got ...`. A directory
        stands for the .scn files in it, in name order. Exit 1 when an expectation failed, 2 when a
        scenario has an error (the others are still checked). --max-events N (default 2^32) refuses, as
        gen does, a scenario that expands to more events or runs more repeat iterations.
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        var overrides = GenVerb.ParseSets(args.Options("--set"));
        bool quiet = args.Flag("--quiet");
        long maxEvents = args.Long("--max-events", ScenarioBudget.DefaultMaxEvents);
        var inputs = args.Finish(1, int.MaxValue);
        int exit = CommandLine.Ok;
        int passed = 0, failed = 0;
        foreach (var path in Expand(inputs))
        {
            try
            {
                var scenario = ScenarioInput.Compile("check", path, overrides);
                ScenarioBudget.Check(scenario, path, maxEvents, "not checked");
                var findings = Replay(scenario);
                string name = scenario.Metadata.Name.Length > 0 ? scenario.Metadata.Name : path;
                var verdict = ExpectationVerdict.Judge(scenario.Expectations, findings);
                if (verdict is null)
                {
                    passed++;
                    if (!quiet) args.Out.WriteLine($"PASS {name}");
                }
                else
                {
                    failed++;
                    args.Out.WriteLine($"FAIL {name}: {verdict}");
                    if (exit == CommandLine.Ok) exit = CommandLine.Findings;
                }
            }
            catch (BadInputException e)
            {
                args.Error.WriteLine(e.Message);
                exit = CommandLine.BadInput;
            }
        }
        if (!quiet && passed + failed > 1) args.Out.WriteLine($"{passed} passed, {failed} failed");
        return exit;
    }

    /// <summary>Replays a compiled scenario in memory with every detector.</summary>
    public static IReadOnlyList<Finding> Replay(CompiledScenario scenario)
    {
        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        var sink = new BatchingSink(engine.Process);
        scenario.Generate(sink);
        sink.Flush();
        return engine.Complete();
    }

    static IEnumerable<string> Expand(List<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var files = Directory.GetFiles(input, "*.scn");
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var f in files) yield return f;
            }
            else yield return input;
        }
    }
}
