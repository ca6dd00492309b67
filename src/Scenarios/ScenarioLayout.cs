using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// The declarations of a scenario without steps (arch, agents, regions, tables, lets): the system an imported
/// trace ran on. Compiled by <see cref="ScenarioCompiler.CompileLayout(string, string)"/>.
/// </summary>
public sealed class ScenarioLayout
{
    internal ScenarioLayout(TraceMetadata metadata, string fileName, Dictionary<string, ulong> lets, Dictionary<string, int> declared)
    {
        Metadata = metadata;
        FileName = fileName;
        Lets = lets;
        Declared = declared;
    }

    /// <summary>Name, arch, agents (declaration order) and regions; no locks and no sites.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>The layout's file name, as errors name it.</summary>
    public string FileName { get; }

    /// <summary>The <c>let</c> constants, which step lines may use in expressions.</summary>
    internal Dictionary<string, ulong> Lets { get; }

    /// <summary>Every declared name and its line.</summary>
    internal Dictionary<string, int> Declared { get; }
}
