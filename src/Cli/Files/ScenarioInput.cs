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
    /// Compiles <paramref name="path"/> for <c>gen</c> (<see cref="ScenarioCompiler.CompileStreamed(Func{TextReader}, string, IReadOnlyDictionary{string, ulong}?, long)"/>):
    /// a long regular file is read twice, the second time as the trace is written. Anything else (a pipe, a device,
    /// <c>/dev/stdin</c> from a pipe) cannot be read again and is held whole, read once, as before.
    /// </summary>
    public static StreamedScenario CompileStreamed(string verb, string path, IReadOnlyDictionary<string, ulong>? overrides, long sizeLimit)
    {
        int heldSteps = Kind(verb, path) == FileKind.Regular ? HeldSteps() : int.MaxValue;
        return ScenarioCompiler.CompileStreamed(() => ScenarioFileReader.Open(verb, path), path, overrides, sizeLimit, heldSteps);
    }

    /// <summary>
    /// <see cref="StreamedScenario.DefaultHeldSteps"/>, or <c>TRACETOOLS_GEN_HELD_STEPS</c> when set to a positive
    /// number: 1 sends every scenario file through two readings, so that the comparison of every sample's trace with
    /// the one-reading path's (bench/probes/gen-compare-builds.sh) covers the second reading.
    /// </summary>
    static int HeldSteps() =>
        int.TryParse(Environment.GetEnvironmentVariable("TRACETOOLS_GEN_HELD_STEPS"), out int n) && n > 0 ? n : StreamedScenario.DefaultHeldSteps;

    /// <summary>What <paramref name="path"/> is; a missing file or a directory is a <see cref="FileError"/>.</summary>
    static FileKind Kind(string verb, string path)
    {
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) throw new FileError($"tracetools {verb}: cannot read '{path}': no such file");
        if (kind == FileKind.Directory) throw new FileError($"tracetools {verb}: cannot read '{path}': it is a directory");
        return kind;
    }
}
