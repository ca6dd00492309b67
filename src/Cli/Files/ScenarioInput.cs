using TraceTools.Scenarios;

namespace TraceTools.Cli.Files;

/// <summary>Reads and compiles a scenario file; a missing or unreadable file is one <see cref="FileError"/> line.</summary>
public static class ScenarioInput
{
    /// <summary>Compiles <paramref name="path"/> with the <c>--set</c> overrides.</summary>
    public static CompiledScenario Compile(string verb, string path, IReadOnlyDictionary<string, ulong>? overrides)
    {
        Kind(verb, path);
        // Read a line at a time as the compiler goes (an error on line 5 is reported without reading line 6),
        // so a read failure can come in the middle of compiling: the reader reports it.
        using var reader = ScenarioFileReader.Open(verb, path);
        return ScenarioCompiler.Compile(reader, path, overrides);
    }

    /// <summary>
    /// The file a scenario argument names: <c>-</c> is stdin, read as <c>/dev/stdin</c> (a pipe is spooled for
    /// <c>gen</c>'s second reading), as <c>replay</c>, <c>info</c> and <c>dump</c> read <c>-</c>; <c>./-</c> names a file.
    /// </summary>
    public static string PathOf(string argument) => argument == "-" ? "/dev/stdin" : argument;

    /// <summary>What <paramref name="path"/> is; a missing file or a directory is a <see cref="FileError"/>.</summary>
    internal static FileKind Kind(string verb, string path)
    {
        StandardStreams.CheckRead(verb, path, path, dashIsStdin: false);
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) throw new FileError($"tracetools {verb}: cannot read '{path}': no such file");
        if (kind == FileKind.Directory) throw new FileError($"tracetools {verb}: cannot read '{path}': it is a directory");
        return kind;
    }
}
