using System.Text.Json;
using TraceTools.Cli;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class ReportWriterTests
{
    static ReportOptions Parse(params string[] args) => ReportOptions.Parse(new VerbArgs("replay", args, TextWriter.Null, TextWriter.Null));

    [TestMethod]
    public void ReportOptions_Defaults_TextStdoutFailOnError()
    {
        var o = Parse();
        Assert.AreEqual(new ReportOptions(), o);
    }

    [TestMethod]
    public void ReportOptions_AllOptions_Parsed()
    {
        var o = Parse("--format=sarif", "-o", "r.sarif", "--all", "--stats", "--fail-on", "warning", "--detectors", "dma-race, stale-dma-read");
        Assert.AreEqual(ReportFormat.Sarif, o.Format);
        Assert.AreEqual("r.sarif", o.Output);
        Assert.IsTrue(o.All && o.Stats);
        Assert.AreEqual(Severity.Warning, o.FailOn);
        CollectionAssert.AreEquivalent(new[] { FindingKind.DmaRace, FindingKind.StaleDmaRead }, o.Detectors!.ToArray());
    }

    [TestMethod]
    [DataRow("--format", "xml")]
    [DataRow("--fail-on", "fatal")]
    [DataRow("--detectors", "stale-read")]
    public void ReportOptions_BadValue_UsageError(string option, string value) =>
        Assert.ThrowsExactly<UsageException>(() => Parse(option, value));

    [TestMethod]
    [DataRow(null, FindingKind.TornEntryUpdate, 0)]
    [DataRow(Severity.Error, FindingKind.TornEntryUpdate, 0)]
    [DataRow(Severity.Warning, FindingKind.TornEntryUpdate, 1)]
    [DataRow(Severity.Error, FindingKind.DmaRace, 1)]
    [DataRow(null, FindingKind.DmaRace, 0)]
    public void ReportWriter_ExitCode_FollowsFailOn(Severity? failOn, FindingKind kind, int expected) =>
        Assert.AreEqual(expected, ReportWriter.ExitCode([new Finding(kind, 0, [])], failOn));

    [TestMethod]
    public void ReportWriter_NoFindings_ExitZero() =>
        Assert.AreEqual(0, ReportWriter.ExitCode([], Severity.Warning));

    [TestMethod]
    public void ReportWriter_JsonToFile_WholeDocumentAndNoTempLeft()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tt-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "r.json");
            var stdout = new StringWriter();
            int code = ReportWriter.Write(SeedTraces.HisiQm().Input(), Parse("--format", "json", "-o", path), stdout);
            Assert.AreEqual(1, code);
            Assert.AreEqual("", stdout.ToString());
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            Assert.AreEqual("stale-dma-read", doc.RootElement.GetProperty("findings")[0].GetProperty("kind").GetString());
            CollectionAssert.AreEqual(new[] { "r.json" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ReportWriter_DetectorsFilter_DropsOtherKindsAndTheirExitCode()
    {
        var stdout = new StringWriter();
        int code = ReportWriter.Write(SeedTraces.VtdPasid().Input(), Parse("--detectors", "torn-entry-fetch", "--format", "json"), stdout);
        Assert.AreEqual(1, code);
        using var doc = JsonDocument.Parse(stdout.ToString());
        var kinds = doc.RootElement.GetProperty("findings").EnumerateArray().Select(g => g.GetProperty("kind").GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "torn-entry-fetch" }, kinds);
    }

    [TestMethod]
    public void ReportWriter_StatsFlagAbsent_NoStatsEvenWhenMeasured()
    {
        var stdout = new StringWriter();
        ReportWriter.Write(SeedTraces.HisiQm().Input(stats: new ReportStats(1, 4)), Parse("--format", "json"), stdout);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.IsFalse(doc.RootElement.TryGetProperty("stats", out _));
    }
}
