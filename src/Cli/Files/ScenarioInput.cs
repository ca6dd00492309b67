using TraceTools.Scenarios;

namespace TraceTools.Cli.Files;

/// <summary>Reads and compiles a scenario file; a missing or unreadable file is one <see cref="FileError"/> line.</summary>
public static class ScenarioInput
{
    /// <summary>Compiles <paramref name="path"/> with the <c>--set</c> overrides.</summary>
    public static CompiledScenario Compile(string verb, string path, IReadOnlyDictionary<string, ulong>? overrides)
    {
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) throw new FileError($"tracetools {verb}: cannot read '{path}': no such file");
        if (kind == FileKind.Directory) throw new FileError($"tracetools {verb}: cannot read '{path}': it is a directory");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(verb, path, e);
        }
        return ScenarioCompiler.Compile(text, path, overrides);
    }
}
