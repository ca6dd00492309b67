using System.Text.RegularExpressions;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// docs/reports.md and docs/model.md list the ladder's markers and SARIF's primary location per kind; this keeps
/// the lists whole. The markers are read from the report code's string literals, so a new marker written anywhere
/// in src/Cli/Reports fails here until the docs name it.
/// </summary>
[TestClass]
public sealed partial class MarkerDocTests
{
    /// <summary>A marker literal: <c>"&lt;- stale"</c>, <c>$"&lt;- before the store #{...}"</c>, <c>$"-&gt; {...}"</c>.</summary>
    [GeneratedRegex(@"\$?""((?:<-|->) (?:[^""\\]|\\.)*)""")]
    private static partial Regex MarkerLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Hole();

    /// <summary>Every marker literal in the report code, with the file it is in.</summary>
    public static IEnumerable<object[]> Markers =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "Cli", "Reports"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => MarkerLiteral().Matches(File.ReadAllText(file)).Select(m => new object[] { m.Groups[1].Value, Path.GetFileName(file) }))
            .DistinctBy(row => (string)row[0])
            .OrderBy(row => (string)row[0], StringComparer.Ordinal);

    /// <summary>The docs' code spans that show <paramref name="marker"/>, its interpolation holes standing for any text.</summary>
    static Regex ShownIn(string marker)
    {
        var parts = Hole().Split(marker).Select(Regex.Escape);
        return new Regex("`" + string.Join("[^`]+?", parts) + "`");
    }

    /// <summary>The lines of <paramref name="doc"/> from the heading <paramref name="heading"/> to the next heading of its level.</summary>
    static string Section(string doc, string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", doc));
        int at = Array.IndexOf(lines, heading);
        Assert.IsGreaterThanOrEqualTo(0, at, $"docs/{doc} has no heading '{heading}'");
        string level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        int end = Array.FindIndex(lines, at + 1, l => l.StartsWith(level, StringComparison.Ordinal));
        return string.Join("\n", lines[at..(end < 0 ? lines.Length : end)]);
    }

    [TestMethod]
    public void Markers_FoundInTheCode() =>
        Assert.IsGreaterThanOrEqualTo(20, Markers.Count(), "the marker literals were not found: has the report code moved?");

    [TestMethod]
    [DynamicData(nameof(Markers))]
    public void ReportsDoc_LadderSection_ShowsEveryMarker(string marker, string file) =>
        Assert.IsTrue(ShownIn(marker).IsMatch(Section("reports.md", "## The text ladder")),
            $"docs/reports.md, 'The text ladder', does not show the marker \"{marker}\" ({file})");

    /// <summary>model.md §6 lists the trigger's markers, the ones FindingText puts on the trigger row.</summary>
    [TestMethod]
    [DynamicData(nameof(Markers))]
    public void ModelDoc_ReadingAReport_ShowsEveryTriggerMarker(string marker, string file)
    {
        if (!file.StartsWith("FindingText", StringComparison.Ordinal)) return;
        Assert.IsTrue(ShownIn(marker).IsMatch(Section("model.md", "## 6. Reading a report")),
            $"docs/model.md §6 does not show the trigger marker \"{marker}\" ({file})");
    }

    [TestMethod]
    public void ReportsDoc_SarifPrimaryLocation_NamesEveryKind()
    {
        string sarif = Section("reports.md", "## SARIF (`replay --format sarif`)");
        int at = sarif.IndexOf("**The primary location is where the fix goes**", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, "docs/reports.md has no primary-location paragraph");
        int end = sarif.IndexOf("\n- **", at, StringComparison.Ordinal);
        string paragraph = sarif[at..(end < 0 ? sarif.Length : end)];
        var missing = FindingKinds.AllNames.Where(k => !Regex.IsMatch(paragraph, $@"(?<![\w-]){Regex.Escape(k)}(?![\w-])")).ToList();
        Assert.IsEmpty(missing, "kinds without a primary location in docs/reports.md: " + string.Join(", ", missing));
    }
}
