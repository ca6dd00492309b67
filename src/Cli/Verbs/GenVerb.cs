namespace TraceTools.Cli.Verbs;

/// <summary>The `gen` verb (not built yet).</summary>
public static class GenVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools gen: not built yet");
        return CommandLine.BadInput;
    }
}
