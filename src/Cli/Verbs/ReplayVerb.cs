namespace TraceTools.Cli.Verbs;

/// <summary>The `replay` verb (not built yet).</summary>
public static class ReplayVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools replay: not built yet");
        return CommandLine.BadInput;
    }
}
