namespace TraceTools.Cli.Verbs;

/// <summary>The `check` verb (not built yet).</summary>
public static class CheckVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools check: not built yet");
        return CommandLine.BadInput;
    }
}
