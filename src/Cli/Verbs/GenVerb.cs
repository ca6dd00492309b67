using TraceTools.Cli.Files;
using TraceTools.Cli.Limits;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools gen SCENARIO.scn -o OUT.trace [--set NAME=VALUE ...] [--codec none|lz4]</c>.</summary>
public static class GenVerb
{
    const string Usage = """
        usage: tracetools gen SCENARIO.scn -o OUT.trace [--set NAME=VALUE ...] [--codec none|lz4]
                              [--chunk-events N] [--max-events N]

        Compiles a scenario ('-' for stdin) to a binary trace. Nothing is written when the scenario has an error.
          -o FILE            output trace ('-' for stdout)
          --set NAME=VALUE   override a `let` constant (repeatable)
          --codec C          chunk codec: lz4 (default) or none
          --chunk-events N   events per chunk, 1 to 1048576 (default 65536)
          --max-events N     refuse scenarios that expand to more events (default 2^32)
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        var output = args.Option("-o", "--output");
        var overrides = ParseSets(args.Options("--set"));
        var options = new TraceWriterOptions
        {
            Codec = ParseCodec(args.Option("--codec")),
            ChunkEvents = args.ChunkEvents(),
        };
        long maxEvents = args.Long("--max-events", ScenarioBudget.DefaultMaxEvents);
        var input = ScenarioInput.PathOf(args.Finish(1, 1)[0]);
        if (output is null)
        {
            if (!Console.IsOutputRedirected) CliThrow.Usage("-o OUT.trace is required (a binary trace is not written to a terminal)");
            output = "-";
        }

        // A long scenario is read twice, the second time as the trace is written (a pipe from a spool).
        using var text = ScenarioText.Of("gen", input);
        var scenario = ScenarioCompiler.CompileStreamed(text.Open, input, overrides, maxEvents, ScenarioText.HeldSteps());
        long events = ScenarioBudget.Check(scenario.Measure(), input, maxEvents, "nothing was written");
        ScenarioBudget.CheckChunks(events, options, input, "the scenario's", "nothing was written");
        using var target = OutputTarget.OpenWhole("gen", output, input);
        target.Write(stream =>
        {
            using var writer = new TraceWriter(stream, scenario.Metadata, options);
            scenario.Generate(writer);
            writer.Complete();
        });
        target.Commit();
        return CommandLine.Ok;
    }

    /// <summary>Parses <c>--set NAME=VALUE</c> pairs with the scenario language's number syntax.</summary>
    public static Dictionary<string, ulong> ParseSets(List<string> sets)
    {
        var overrides = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var s in sets)
        {
            if (!ScenarioCompiler.TryParseOverride(s, out var name, out ulong value))
                CliThrow.Usage($"--set takes NAME=VALUE with a number VALUE, not '{s}'");
            overrides[name] = value;
        }
        return overrides;
    }

    static TraceCodec ParseCodec(string? name) => name switch
    {
        null or "lz4" => TraceCodec.Lz4,
        "none" => TraceCodec.None,
        _ => CliThrow.Usage<TraceCodec>($"--codec takes lz4 or none, not '{name}'"),
    };
}
