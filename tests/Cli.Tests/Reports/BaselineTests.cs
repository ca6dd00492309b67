using System.Text.Json.Nodes;
using TraceTools.Tests.EndToEnd;
using TraceTools.Tests.Hardening;

namespace TraceTools.Tests.Reports;

/// <summary><c>--baseline previous.json</c>: only findings whose kind and sites are not in the earlier report.</summary>
[TestClass]
public sealed class BaselineTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-base").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    static string Sample(string name) => Path.Combine(RepoPaths.Samples, name);

    string Baseline(string trace)
    {
        string path = Path.Combine(_dir, "old.json");
        var (exit, _, err) = RepoPaths.Run("replay", trace, "--format", "json", "-o", path);
        Assert.AreEqual(1, exit, err);
        return path;
    }

    [TestMethod]
    public void Baseline_SameTrace_NothingNewExitZero()
    {
        string old = Baseline(Sample("vtd-pasid-clear-mangle.trace"));
        var (exit, output, err) = RepoPaths.Run("replay", Sample("vtd-pasid-clear-mangle.trace"), "--baseline", old);
        Assert.AreEqual(0, exit, err);
        StringAssert.StartsWith(output, "0 errors, 0 warnings in 0 groups\n2 not shown: already in the baseline");
    }

    [TestMethod]
    public void Baseline_IndicesShifted_StillMatchesByKindAndSites()
    {
        // The same code recorded again with an extra event in front: every index moves by one.
        string scn = Path.Combine(_dir, "shifted.scn"), trace = Path.Combine(_dir, "shifted.trace");
        string text = File.ReadAllText(Sample("hisi-qm-mailbox.scn"));
        int first = text.IndexOf("cpu0:", StringComparison.Ordinal);
        File.WriteAllText(scn, text[..first] + "cpu0: barrier dmb.ish\n" + text[first..]);
        Assert.AreEqual(0, RepoPaths.Run("gen", scn, "-o", trace).Exit);
        string old = Baseline(Sample("hisi-qm-mailbox.trace"));
        var (exit, output, _) = RepoPaths.Run("replay", trace, "--baseline", old, "--format", "json");
        Assert.AreEqual(0, exit, output);
        var root = JsonNode.Parse(output)!;
        Assert.AreEqual(0, root["findings"]!.AsArray().Count);
        Assert.AreEqual(1, (int)root["in_baseline"]!);
    }

    [TestMethod]
    public void Baseline_SchemaOneWithoutIdentities_EventsWithoutSiteMatchAsDash()
    {
        // A schema-1 report has no "identity": reports.md matches it by its first instance's sites, "-" standing for
        // no site. The vtd sample's torn-entry-fetch has a trigger and a first-granule fetch without sites
        // ("site": null), so its group matches only when a null site reads as "-", as the finding's own identity has it.
        string old = Baseline(Sample("vtd-pasid-clear-mangle.trace"));
        var root = JsonNode.Parse(File.ReadAllText(old))!.AsObject();
        root["schema"] = 1;
        foreach (var g in root["findings"]!.AsArray()) g!.AsObject().Remove("identity");
        var torn = root["findings"]!.AsArray().Single(g => (string)g!["kind"]! == "torn-entry-fetch")!;
        Assert.IsNull(torn["instances"]![0]!["trigger"]!["site"]);
        File.WriteAllText(old, root.ToJsonString());

        var (exit, output, err) = RepoPaths.Run("replay", Sample("vtd-pasid-clear-mangle.trace"), "--baseline", old);
        Assert.AreEqual(0, exit, output + err);
        StringAssert.StartsWith(output, "0 errors, 0 warnings in 0 groups\n2 not shown: already in the baseline");
    }

    [TestMethod]
    public void Baseline_StartsWithByteOrderMark_Accepted()
    {
        // A report saved again by an editor that writes a UTF-8 byte order mark: refused as "'0xEF' is an invalid
        // start of a value" at 1:1; layouts and steps files already skipped one.
        string old = Baseline(Sample("vtd-pasid-clear-mangle.trace"));
        File.WriteAllBytes(old, [.. "\uFEFF"u8, .. File.ReadAllBytes(old)]);
        var (exit, output, err) = RepoPaths.Run("replay", Sample("vtd-pasid-clear-mangle.trace"), "--baseline", old);
        Assert.AreEqual(0, exit, err);
        StringAssert.StartsWith(output, "0 errors, 0 warnings in 0 groups\n2 not shown: already in the baseline");
    }

    [TestMethod]
    public void Baseline_OtherTrace_NewFindingsReportedExitOne()
    {
        string old = Baseline(Sample("hisi-qm-mailbox.trace"));
        var (exit, output, _) = RepoPaths.Run("replay", Sample("vtd-pasid-clear-mangle.trace"), "--baseline", old, "--format", "json");
        Assert.AreEqual(1, exit);
        Assert.AreEqual(2, JsonNode.Parse(output)!["findings"]!.AsArray().Count);
    }

    [TestMethod]
    [DataRow("not json", "1:2: not a JSON report: 'not json' is an invalid JSON literal")]
    [DataRow("{\n  \"findings\": [,]\n}", "2:16: not a JSON report: ")]
    [DataRow("{\"tool\":\"x\"}", ": not a tracetools JSON report (replay --format json): no \"findings\" array")]
    [DataRow("{\"findings\":[{\"kind\":7}]}", ": not a tracetools JSON report (replay --format json): findings[0].kind is number, not string")]
    [DataRow("{\"findings\":[{\"kind\":\"dma-race\",\"instances\":[]}]}", ": not a tracetools JSON report (replay --format json): findings[0].instances has no first instance")]
    [DataRow("{\"findings\":[{\"identity\":\"a\"},{\"kind\":\"dma-race\",\"instances\":[{\"trigger\":{},\"related\":[{}]}]}]}", ": not a tracetools JSON report (replay --format json): findings[1].instances[0].related[0] has no \"role\"")]
    [DataRow("[1]", ": not a tracetools JSON report")]
    [DataRow("{\"findings\": [{\"identity\": \"\\ud800\"}]}", "1:28: not a JSON report: a string is not valid Unicode")]
    [DataRow("{\"findings\": [{\"kind\": \"dma-race\", \"instances\": [{\"trigger\":\n {\"site\": \"a\\udc00b\"}, \"related\": []}]}]}", "2:11: not a JSON report: a string is not valid Unicode")]
    // After a byte order mark, columns count from after it, as an editor shows them (the mark was the error at 1:1).
    [DataRow("\uFEFFnot json", "1:2: not a JSON report: 'not json' is an invalid JSON literal")]
    [DataRow("\uFEFF{\"findings\": [{\"identity\": \"\\ud800\"}]}", "1:28: not a JSON report: a string is not valid Unicode")]
    public void Baseline_NotAReport_ExitTwoOneLine(string content, string message)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, content);
        var (exit, _, err) = RepoPaths.Run("replay", Sample("hisi-qm-mailbox.trace"), "--baseline", path);
        Assert.AreEqual(2, exit);
        StringAssert.StartsWith(err, path + (message.StartsWith(':') ? "" : ":") + message);
        HardeningAsserts.CleanMessages(err);
        Assert.DoesNotContain("LineNumber", err);
        Assert.AreEqual(1, err.TrimEnd().Split('\n').Length, err);
    }

    [TestMethod]
    public void Baseline_InvalidUtf8InAString_LineAndColumnNotInternalError()
    {
        // The parser passes invalid UTF-8 inside a string; reading it as text threw InvalidOperationException.
        string path = Path.Combine(_dir, "bytes.json");
        File.WriteAllBytes(path, [.. "{\n  \"findings\": [{\"identity\": \""u8, 0xff, 0xfe, .. "\"}]}"u8]);
        var (exit, _, err) = RepoPaths.Run("replay", Sample("hisi-qm-mailbox.trace"), "--baseline", path);
        HardeningAsserts.OneLineError(exit, err, path + ":2:29: not a JSON report: a string is not valid Unicode (invalid UTF-8");
    }
}
