using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>A scenario's text report, through the CLI as a user runs it: <c>gen</c>, then <c>replay</c>.</summary>
static class ScenarioReplay
{
    /// <summary>Generates <paramref name="scenario"/> in <paramref name="dir"/> and replays it: the exit code (0 or 1) and the report's lines.</summary>
    public static (int Exit, string[] Lines) Of(string dir, string scenario)
    {
        string scn = Path.Combine(dir, "s.scn"), trace = Path.Combine(dir, "s.trace");
        File.WriteAllText(scn, scenario);
        var gen = RepoPaths.Run("gen", scn, "-o", trace);
        Assert.AreEqual(0, gen.Exit, gen.Err);
        var (exit, output, err) = RepoPaths.Run("replay", trace);
        Assert.AreNotEqual(2, exit, err);
        return (exit, output.Split('\n'));
    }

    /// <summary>Compiles <paramref name="scenario"/> (written to <paramref name="dir"/>) and replays it in memory: the engine, completed, for its queries.</summary>
    public static ReplayEngine Engine(string dir, string scenario)
    {
        string scn = Path.Combine(dir, "s.scn");
        File.WriteAllText(scn, scenario);
        var compiled = ScenarioCompiler.CompileFile(scn);
        var engine = DetectorRegistry.CreateEngine(compiled.Metadata);
        var sink = new BatchingSink(engine.Process);
        compiled.Generate(sink);
        sink.Flush();
        engine.Complete();
        return engine;
    }

    /// <summary>The report's first <c>help:</c> line, without its indentation.</summary>
    public static string Help(string[] lines) => lines.First(l => l.TrimStart().StartsWith("help:", StringComparison.Ordinal)).Trim();
}
