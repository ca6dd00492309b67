namespace TraceTools.Tests.EndToEnd;

/// <summary>Paths in the repository the tests run from.</summary>
static class RepoPaths
{
    /// <summary>The folder holding TraceTools.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>samples/traces.</summary>
    public static string Samples => Path.Combine(Root, "samples", "traces");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TraceTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TraceTools.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs the CLI in-process and captures its streams.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = Cli.CommandLine.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }
}
