using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>docs/model.md §9 shows the reports of two line samples; this keeps them identical to what gen + replay print.</summary>
[TestClass]
public sealed class LinesModelDocTests
{
    /// <summary>The fenced block after <c>&lt;!-- report: NAME --&gt;</c>.</summary>
    static string DocBlock(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "model.md"));
        int at = Array.IndexOf(lines, $"<!-- report: {name} -->");
        Assert.IsGreaterThanOrEqualTo(0, at, $"docs/model.md has no report '{name}'");
        Assert.AreEqual("```", lines[at + 1]);
        int end = Array.IndexOf(lines, "```", at + 2);
        return string.Join("\n", lines[(at + 2)..end]);
    }

    [TestMethod]
    [DataRow("lines-shared-cacheline")]
    [DataRow("lines-discarded-store")]
    public void ModelDoc_LineSampleReport_SameAsReplay(string sample)
    {
        string dir = Directory.CreateTempSubdirectory("tt-lines").FullName;
        try
        {
            string trace = Path.Combine(dir, sample + ".trace");
            var (genExit, genOut, genErr) = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace);
            Assert.AreEqual(0, genExit, genOut + genErr);
            var (exit, output, error) = RepoPaths.Run("replay", trace);
            Assert.AreEqual(1, exit, output + error);
            Assert.AreEqual(DocBlock(sample), output.TrimEnd('\n'));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
