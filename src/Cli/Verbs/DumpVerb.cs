namespace TraceTools.Cli.Verbs;

/// <summary>The `dump` verb (not built yet).</summary>
public static class DumpVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools dump: not built yet");
        return CommandLine.BadInput;
    }
}
