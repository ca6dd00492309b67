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

    /// <summary>The report's first <c>help:</c> line, without its indentation.</summary>
    public static string Help(string[] lines) => lines.First(l => l.TrimStart().StartsWith("help:", StringComparison.Ordinal)).Trim();
}
