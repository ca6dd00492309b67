using TraceTools.Cli.Reports;

namespace TraceTools.Tests.Reports;

/// <summary>docs/model.md shows the seed cases' reports; this keeps them identical to what the report writer prints.</summary>
[TestClass]
public sealed class ModelDocTests
{
    static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TraceTools.sln"))) return d.FullName;
        throw new InvalidOperationException("TraceTools.sln not found above the test directory");
    }

    /// <summary>The fenced block after <c>&lt;!-- report: NAME --&gt;</c>.</summary>
    static string DocBlock(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot(), "docs", "model.md"));
        int at = Array.IndexOf(lines, $"<!-- report: {name} -->");
        Assert.IsGreaterThanOrEqualTo(0, at, $"docs/model.md has no report '{name}'");
        Assert.AreEqual("```", lines[at + 1]);
        int end = Array.IndexOf(lines, "```", at + 2);
        return string.Join("\n", lines[(at + 2)..end]);
    }

    public static IEnumerable<object[]> Seeds =>
    [
        ["hisi_qm", SeedTraces.HisiQm()],
        ["vtd", SeedTraces.VtdPasid()],
        ["context", SeedTraces.ContextEntry()],
    ];

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void ModelDoc_SeedReport_SameAsTheTextReport(string name, SeedTrace seed)
    {
        var input = seed.Input();
        var w = new StringWriter { NewLine = "\n" };
        TextReport.Write(w, input, FindingGroup.Build(input.Findings, input.Events, false));
        Assert.AreEqual(w.ToString().TrimEnd('\n'), DocBlock(name));
    }
}
