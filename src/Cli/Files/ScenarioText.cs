using TraceTools.Scenarios;

namespace TraceTools.Cli.Files;

/// <summary>
/// The text of a scenario <c>gen</c> may read twice (<see cref="StreamedScenario"/>): a regular file is opened
/// again; anything else (a pipe, a device, <c>/dev/stdin</c> from a pipe) cannot be, so the first reading copies
/// what it reads to a spool file in the system's temporary directory, never beside the user's files, which the
/// second reading reads and <see cref="Dispose"/> deletes (as <c>replay</c> spools a piped trace).
/// </summary>
sealed class ScenarioText : IDisposable
{
    readonly string _verb, _path;
    readonly string? _spool;
    bool _read;

    ScenarioText(string verb, string path, string? spool)
    {
        _verb = verb;
        _path = path;
        _spool = spool;
    }

    /// <summary>The text of <paramref name="path"/>; a missing file or a directory is a <see cref="FileError"/>.</summary>
    public static ScenarioText Of(string verb, string path) =>
        new(verb, path, ScenarioInput.Kind(verb, path) == FileKind.Regular ? null : TempFiles.Create(Path.Combine(Path.GetTempPath(), "tracetools-" + verb)));

    /// <summary>
    /// The steps <c>gen</c> holds before it reads a scenario twice: <see cref="StreamedScenario.DefaultHeldSteps"/>,
    /// or <c>TRACETOOLS_GEN_HELD_STEPS</c> when set to a positive number: 1 sends every scenario through two
    /// readings, so that the comparison of every sample's trace with the build before
    /// (bench/probes/gen-compare-builds.sh) covers the second reading.
    /// </summary>
    public static int HeldSteps() =>
        int.TryParse(Environment.GetEnvironmentVariable("TRACETOOLS_GEN_HELD_STEPS"), out int n) && n > 0 ? n : StreamedScenario.DefaultHeldSteps;

    /// <summary>A reader from the text's start: the file itself, or, after the first, the spool the first copied.</summary>
    public TextReader Open()
    {
        bool first = !_read;
        _read = true;
        if (_spool is null) return ScenarioFileReader.Open(_verb, _path);
        return first ? ScenarioFileReader.OpenCopying(_verb, _path, _spool) : ScenarioFileReader.Open(_verb, _spool, _path);
    }

    /// <summary>Deletes the spool.</summary>
    public void Dispose()
    {
        if (_spool is not null) TempFiles.Delete(_spool);
    }
}
