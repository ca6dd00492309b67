using System.Reflection;

namespace TraceTools.Cli.Reports;

/// <summary>What reports say about the tool itself: its version and where it is published.</summary>
public static class ToolInfo
{
    /// <summary>
    /// The project's repository, from the Cli project's <c>RepositoryUrl</c> (also the package's): rule help
    /// links in SARIF and the JSON report point into its docs/.
    /// </summary>
    public static string RepositoryUrl { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryUrl")?.Value?.TrimEnd('/') ?? "https://github.com/tracetools/tracetools";
}
