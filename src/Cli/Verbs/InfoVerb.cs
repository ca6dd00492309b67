namespace TraceTools.Cli.Verbs;

/// <summary>The `info` verb (not built yet).</summary>
public static class InfoVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools info: not built yet");
        return CommandLine.BadInput;
    }
}
