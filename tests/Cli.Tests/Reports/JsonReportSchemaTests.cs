using System.Text.Json.Nodes;
using Json.Schema;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>Every JSON report the CLI writes follows docs/report.schema.json (which forbids fields it does not name).</summary>
[TestClass]
public sealed class JsonReportSchemaTests
{
    static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "report.schema.json")));

    static EvaluationResults Evaluate(string json) =>
        Schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    static string Problems(EvaluationResults r) =>
        string.Join("\n", (r.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    public static IEnumerable<object[]> SampleTraces =>
        Directory.GetFiles(RepoPaths.Samples, "*.trace").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(SampleTraces))]
    public void Schema_SampleTraceReportWithStatsAndAll_Valid(string trace)
    {
        var (exit, output, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, trace), "--format", "json", "--stats", "--all");
        Assert.AreEqual(1, exit, err);
        var r = Evaluate(output);
        Assert.IsTrue(r.IsValid, Problems(r));
    }

    [TestMethod]
    [DataRow("smccc-ffa-direct-req64-blind-copy")]   // registers
    [DataRow("kexec-smmuv2-bypass")]                 // a doorbell's value, three related roles
    public void Schema_ScenarioReportWithValuesAndRegisters_Valid(string sample)
    {
        using var s = new Hardening.Scratch();
        string trace = s.Path(sample + ".trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace).Exit);
        var (exit, output, err) = RepoPaths.Run("replay", trace, "--format", "json", "--all");
        Assert.AreEqual(1, exit, err);
        StringAssert.Contains(output, sample.StartsWith("smccc", StringComparison.Ordinal) ? "\"registers\"" : "\"value\"");
        var r = Evaluate(output);
        Assert.IsTrue(r.IsValid, Problems(r));
    }

    [TestMethod]
    public void Schema_SynthReportWithSuppressionsAndBaseline_Valid()
    {
        string dir = Directory.CreateTempSubdirectory("tt-schema").FullName;
        try
        {
            string trace = Path.Combine(dir, "dm.trace");
            Assert.AreEqual(0, RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "30000", "--inject", "0.1", "-o", trace, "--quiet").Exit); // 0.1: every kind, torn-entry-update included
            string baseline = Path.Combine(dir, "old.json");
            var first = RepoPaths.Run("replay", trace, "--format", "json", "--detectors", "stale-dma-read", "-o", baseline, "--quiet");
            Assert.AreEqual(1, first.Exit, first.Err);
            string supp = Path.Combine(dir, "supp.txt");
            File.WriteAllText(supp, "torn-entry-update *  # known\n");
            var (exit, output, err) = RepoPaths.Run("replay", trace, "--format", "json", "--baseline", baseline, "--suppressions", supp, "--quiet");
            Assert.AreEqual(1, exit, err);
            var r = Evaluate(output);
            Assert.IsTrue(r.IsValid, Problems(r));
            var root = JsonNode.Parse(output)!;
            Assert.IsGreaterThan(0, (int)root["suppressed"]!);
            Assert.IsGreaterThan(0, (int)root["in_baseline"]!);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    [DataRow("schema", null)]
    [DataRow("arch", "\"vax\"")]
    [DataRow("surprise", "1")]
    public void Schema_ReportWithAFieldChanged_Invalid(string field, string? value)
    {
        var (_, output, _) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--format", "json");
        var root = JsonNode.Parse(output)!.AsObject();
        if (value is null) root.Remove(field);
        else root[field] = JsonNode.Parse(value);
        Assert.IsFalse(Evaluate(root.ToJsonString()).IsValid, field);
    }

    [TestMethod]
    public void Schema_EventWithoutWhereForAnAddress_StillHasRegionRelativeWhere()
    {
        var (_, output, _) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--format", "json");
        var inst = JsonNode.Parse(output)!["findings"]![0]!["instances"]![0]!;
        Assert.AreEqual("xqc+0x0", (string?)inst["trigger"]!["where"]);
        Assert.AreEqual("qm_mb", (string?)inst["related"]![1]!["where"]);
        Assert.AreEqual(1L, (long)inst["fix"]!);
    }
}
