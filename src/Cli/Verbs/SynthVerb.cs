namespace TraceTools.Cli.Verbs;

/// <summary>The `synth` verb (not built yet).</summary>
public static class SynthVerb
{
    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        args.Error.WriteLine("tracetools synth: not built yet");
        return CommandLine.BadInput;
    }
}
