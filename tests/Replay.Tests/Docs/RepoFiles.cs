namespace TraceTools.Tests.Docs;

/// <summary>The checkout the tests run from: its docs and samples, which several tests read.</summary>
static class RepoFiles
{
    /// <summary>The folder holding TraceTools.sln, above the test binaries.</summary>
    public static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TraceTools.sln"))) return d.FullName;
        throw new InvalidOperationException("TraceTools.sln not found above the test directory");
    }

    /// <summary>The text of <c>docs/<paramref name="name"/></c>, with Unix line ends.</summary>
    public static string Doc(string name) => File.ReadAllText(Path.Combine(Root, "docs", name)).Replace("\r\n", "\n");
}
