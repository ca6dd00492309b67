using TraceTools.Scenarios.Writing;
using TraceTools.Cli.Files;
using TraceTools.Cli.Validation;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary>The <c>dump</c> verb: a trace's events as a scenario that <c>gen</c> compiles back.</summary>
public static class DumpVerb
{
    const string Usage = """
        usage: tracetools dump TRACE [--from N] [--count N]

        Prints the trace as a scenario: its declarations, then one step per event
        (`AGENT: op ARGS [@ "site"]`). The output compiles again with `tracetools gen`.
          --from N    first event to print (default 0); seeks through the chunk index
          --count N   number of events to print (default: all)
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        long from = args.Long("--from", 0);
        long count = args.Long("--count", long.MaxValue);
        string path = args.Finish(1, 1)[0];

        using var trace = TraceInput.Open("dump", path, rereadable: false);
        using var reader = trace.OpenReader();
        var printer = new ScenarioWriter(reader.Metadata);
        var output = args.Out;
        printer.WriteDeclarations(output);
        // A pipe cannot seek: the loop below then reads forward and skips the events before --from.
        if (from > 0 && trace.Rereadable) reader.SeekToEvent(from);
        var batch = new EventBatch();
        var check = new TraceEventCheck(reader.Metadata, trace.Shown);
        long left = count;
        while (left > 0 && reader.ReadBatch(batch))
        {
            check.Check(batch);
            int skip = (int)Math.Max(0, from - batch.FirstIndex);
            int n = (int)Math.Min(batch.Count - skip, left);
            if (n <= 0) continue;
            printer.WriteSteps(output, batch, skip, n);
            left -= n;
        }
        output.Flush();
        if (reader.Truncated)
            args.Error.WriteLine($"{trace.Shown}: the trace is truncated (no footer); dumped the events of its complete chunks");
        return CommandLine.Ok;
    }
}
