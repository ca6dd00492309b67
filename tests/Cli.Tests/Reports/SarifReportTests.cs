using System.Text.Json;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class SarifReportTests
{
    /// <summary>The SARIF log of <paramref name="seed"/>, as replay writes it for a file or, <paramref name="fromStdin"/>, for <c>replay -</c>.</summary>
    static JsonElement Sarif(SeedTrace seed, bool fromStdin = false)
    {
        var input = fromStdin ? seed.Input("stdin") with { TraceFromStdin = true } : seed.Input();
        using var ms = new MemoryStream();
        SarifReport.Write(ms, input, FindingGroup.Build(input.Findings, input.Events, false));
        return JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
    }

    [TestMethod]
    public void SarifReport_AnySeed_Version210WithDriverAndNineRules()
    {
        var root = Sarif(SeedTraces.HisiQm());
        Assert.AreEqual("2.1.0", root.GetProperty("version").GetString());
        Assert.AreEqual(SarifReport.Schema, root.GetProperty("$schema").GetString());
        var runs = root.GetProperty("runs");
        Assert.AreEqual(1, runs.GetArrayLength());
        var driver = runs[0].GetProperty("tool").GetProperty("driver");
        Assert.AreEqual("tracetools", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        CollectionAssert.AreEqual(FindingKinds.All.Select(k => k.Name()).ToArray(), rules.Select(r => r.GetProperty("id").GetString()).ToArray());
        Assert.AreEqual("warning", rules[(int)FindingKind.TornEntryUpdate].GetProperty("defaultConfiguration").GetProperty("level").GetString());
    }

    [TestMethod]
    public void SarifReport_VtdSeed_OneResultPerGroupPrimaryAtTheFixedStore()
    {
        var results = Sarif(SeedTraces.VtdPasid()).GetProperty("runs")[0].GetProperty("results");
        Assert.AreEqual(2, results.GetArrayLength());
        var torn = results[1];
        Assert.AreEqual("torn-entry-fetch", torn.GetProperty("ruleId").GetString());
        Assert.AreEqual((int)FindingKind.TornEntryFetch, torn.GetProperty("ruleIndex").GetInt32());
        Assert.AreEqual("error", torn.GetProperty("level").GetString());
        // The fix (the clear/invalidate/update/set protocol) goes to the cpu's store, not the iommu's fetch.
        var primary = torn.GetProperty("locations")[0];
        StringAssert.StartsWith(primary.GetProperty("message").GetProperty("text").GetString(), "store: #4 store pasid[7]+0x10");
        Assert.AreEqual("seed.trace", primary.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        var related = torn.GetProperty("relatedLocations");
        Assert.AreEqual(2, related.GetArrayLength());
        StringAssert.StartsWith(related[0].GetProperty("message").GetProperty("text").GetString(), "trigger: #5 fetch pasid[7] granule 1");
        StringAssert.StartsWith(related[1].GetProperty("message").GetProperty("text").GetString(), "first-granule: #2 fetch pasid[7] granule 0");
    }

    [TestMethod]
    public void SarifReport_SuppressedGroupBeforeAKeptOne_ResultsInTriggerOrder()
    {
        // The vtd seed's missing-flush-after-clear (trigger #4) suppressed, its torn-entry-fetch (#5) kept: SARIF lists
        // both, in the order of their first trigger (the suppressed one marked), not the kept ones first.
        var supp = Suppressions.Parse("supp.txt", ["missing-flush-after-clear pasid_set_bits  # single writer"]);
        var stdout = new StringWriter();
        int exit = ReportWriter.Write(SeedTraces.VtdPasid().Input(), new ReportOptions(ReportFormat.Sarif) { Suppressions = supp }, stdout);
        Assert.AreEqual(1, exit);
        using var doc = JsonDocument.Parse(stdout.ToString());
        var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "missing-flush-after-clear", "torn-entry-fetch" }, results.Select(r => r.GetProperty("ruleId").GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { 4L, 5L }, results.Select(r => r.GetProperty("properties").GetProperty("triggerIndex").GetInt64()).ToArray());
        Assert.AreEqual("single writer", results[0].GetProperty("suppressions")[0].GetProperty("justification").GetString());
        Assert.IsFalse(results[1].TryGetProperty("suppressions", out _));
    }

    [TestMethod]
    public void SarifReport_DmaRaceTriggeredByTheDevice_PrimaryLocationIsTheCpuAccess()
    {
        // A dma-race whose later side is the device (qm's read #3 of bytes cpu0 stored at #0, as if nothing ordered
        // them): the fix goes to the cpu's side (reports.md), the store #0, and the device's read is related.
        var seed = SeedTraces.HisiQm();
        var race = new Finding(FindingKind.DmaRace, 3, [new RelatedEvent(RelatedRole.Other, 0)]);
        var result = Sarif(seed with { Findings = [race] }).GetProperty("runs")[0].GetProperty("results")[0];
        var primary = result.GetProperty("locations")[0].GetProperty("properties");
        Assert.AreEqual((0L, "other"), (primary.GetProperty("index").GetInt64(), primary.GetProperty("role").GetString()));
        Assert.AreEqual(0L, result.GetProperty("properties").GetProperty("fixIndex").GetInt64());
        var related = result.GetProperty("relatedLocations").EnumerateArray().Select(r => r.GetProperty("properties").GetProperty("index").GetInt64()).ToArray();
        CollectionAssert.AreEqual(new[] { 3L }, related);
    }

    [TestMethod]
    public void SarifReport_EntryNameInMessage_BothBracketsEscaped()
    {
        // SARIF reads [text](id) in a message as a link (§3.11.6): the entry name pasid[7] is written pasid\[7\],
        // both brackets escaped; the links to related locations stay links.
        var torn = Sarif(SeedTraces.VtdPasid()).GetProperty("runs")[0].GetProperty("results")[1];
        string text = torn.GetProperty("message").GetProperty("text").GetString()!;
        StringAssert.Contains(text, @"fetched granule 1 of pasid\[7\] at #5");
        Assert.IsFalse(text.Replace(@"\[", "", StringComparison.Ordinal).Replace(@"\]", "", StringComparison.Ordinal).Contains("pasid[7", StringComparison.Ordinal), text);
        StringAssert.EndsWith(text, "See [trigger #5](0), [first-granule #2](1)");
    }

    [TestMethod]
    public void SarifReport_HisiSeed_PrimaryLocationIsTheDoorbellNotTheDeviceRead()
    {
        var result = Sarif(SeedTraces.HisiQm()).GetProperty("runs")[0].GetProperty("results")[0];
        var primary = result.GetProperty("locations")[0];
        Assert.AreEqual(1, primary.GetProperty("properties").GetProperty("index").GetInt64());
        Assert.AreEqual("publish", primary.GetProperty("properties").GetProperty("role").GetString());
        var roles = result.GetProperty("relatedLocations").EnumerateArray().Select(r => r.GetProperty("properties").GetProperty("role").GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "trigger", "store" }, roles);
    }

    [TestMethod]
    public void SarifReport_Rules_CarryFullDescriptionHelpAndModelLink()
    {
        var rules = Sarif(SeedTraces.HisiQm()).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules");
        foreach (var rule in rules.EnumerateArray())
        {
            string id = rule.GetProperty("id").GetString()!;
            Assert.IsGreaterThan(40, rule.GetProperty("fullDescription").GetProperty("text").GetString()!.Length, id);
            StringAssert.Contains(rule.GetProperty("help").GetProperty("text").GetString(), "Fix: ", id);
            StringAssert.Contains(rule.GetProperty("help").GetProperty("markdown").GetString(), "**Fix:**", id);
            string uri = rule.GetProperty("helpUri").GetString()!;
            Assert.IsTrue(Uri.IsWellFormedUriString(uri, UriKind.Absolute), uri);
            // The rule's own link (RuleAnchorTests holds each anchor to its docs/model.md heading).
            Assert.IsTrue(FindingKinds.TryParse(id, out var kind), id);
            Assert.AreEqual(RuleText.Of(kind).HelpUri, uri, id);
        }
    }

    [TestMethod]
    [DataRow("drivers/iommu/intel/pasid.c:212:5", "drivers/iommu/intel/pasid.c", 212, 5, null)]
    [DataRow("qm_mb_write+0x44/0x1a0", "seed.trace", 0, 0, "qm_mb_write")]
    [DataRow("qm_mb_write+0x44/0x1a0 [hisi_qm]", "seed.trace", 0, 0, "qm_mb_write")]
    [DataRow("qm_mb_write: stp", "seed.trace", 0, 0, null)]
    [DataRow("drivers/net/my driver/rx.c:120:9", "drivers/net/my%20driver/rx.c", 120, 9, null)]
    [DataRow("drivers/net/rx.c:120:3 nic_poll", "drivers/net/rx.c", 120, 3, "nic_poll")]
    public void SarifReport_SiteForms_EachMapsToAnArtifact(string site, string uri, int line, int column, string? function)
    {
        var primary = Sarif(HisiQmWithDoorbellSite(site)).GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0];
        var phys = primary.GetProperty("physicalLocation");
        Assert.AreEqual(uri, phys.GetProperty("artifactLocation").GetProperty("uri").GetString());
        if (line > 0)
        {
            Assert.AreEqual(line, phys.GetProperty("region").GetProperty("startLine").GetInt32());
            Assert.AreEqual(column, phys.GetProperty("region").GetProperty("startColumn").GetInt32());
        }
        if (function is not null)
        {
            var logical = primary.GetProperty("logicalLocations")[0];
            Assert.AreEqual(function, logical.GetProperty("name").GetString());
            // A symbol offset's whole site qualifies its function; the function after a source line is just its name.
            Assert.AreEqual(line > 0 ? function : site, logical.GetProperty("fullyQualifiedName").GetString());
            Assert.AreEqual("function", logical.GetProperty("kind").GetString());
        }
        else Assert.IsFalse(primary.TryGetProperty("logicalLocations", out _));
        StringAssert.Contains(primary.GetProperty("message").GetProperty("text").GetString(), " at " + site);
    }

    [TestMethod]
    [DataRow("qm_mb_write: stp", null)]
    [DataRow("qm_mb_write+0x44/0x1a0 [hisi_qm]", "qm_mb_write")]
    [DataRow("drivers/crypto/hisilicon/qm.c:612", null)]
    public void SarifReport_TraceFromStdin_NoFileNamedStdin(string site, string? function)
    {
        // A trace piped in (replay -) has no file: SARIF 2.1.0 §3.28.3 leaves physicalLocation out when no physical
        // location is known, where a "stdin" URI would send a viewer to a file of that name. A source line keeps its file.
        var root = Sarif(HisiQmWithDoorbellSite(site), fromStdin: true);
        var run = root.GetProperty("runs")[0];
        var primary = run.GetProperty("results")[0].GetProperty("locations")[0];

        bool sourceLine = site.EndsWith(":612", StringComparison.Ordinal);
        Assert.AreEqual(sourceLine, primary.TryGetProperty("physicalLocation", out var phys));
        if (sourceLine) Assert.AreEqual("drivers/crypto/hisilicon/qm.c", phys.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(function is not null, primary.TryGetProperty("logicalLocations", out var logical));
        if (function is not null) Assert.AreEqual(function, logical[0].GetProperty("name").GetString());
        StringAssert.Contains(primary.GetProperty("message").GetProperty("text").GetString(), " at " + site);
        // No location anywhere names a file "stdin"; the run still says where the trace came from.
        Assert.DoesNotContain("\"uri\":\"stdin\"", root.GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.AreEqual("stdin", run.GetProperty("properties").GetProperty("trace").GetString());
    }

    /// <summary>The hisi_qm seed with <paramref name="site"/> on the doorbell, the SARIF result's primary location.</summary>
    static SeedTrace HisiQmWithDoorbellSite(string site)
    {
        var seed = SeedTraces.HisiQm();
        var md = seed.Metadata;
        var sites = md.Sites.ToArray();
        sites[1] = site;
        return seed with { Metadata = new TraceMetadata { Name = md.Name, Arch = md.Arch, Agents = md.Agents, Regions = md.Regions, Sites = sites } };
    }

    [TestMethod]
    [DataRow("samples/traces/x.trace", "samples/traces/x.trace")]
    [DataRow("a dir/x.trace", "a%20dir/x.trace")]
    [DataRow("/abs/x.trace", "file:///abs/x.trace")]
    public void SarifLocations_ArtifactUri_RelativeStaysRelative(string path, string uri) =>
        Assert.AreEqual(uri, SarifLocations.ArtifactUri(path));

    [TestMethod]
    public void SarifReport_FileLineSites_PhysicalLocations()
    {
        var seed = SeedTraces.ContextEntry();
        var md = seed.Metadata;
        var withLines = new TraceMetadata
        {
            Name = md.Name, Arch = md.Arch, Agents = md.Agents, Regions = md.Regions,
            Sites = ["drivers/iommu/intel/iommu.c:1981", "iommu.c:1990"],
        };
        var loc = Sarif(seed with { Metadata = withLines }).GetProperty("runs")[0].GetProperty("results")[0];
        var phys = loc.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("iommu.c", phys.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(1990, phys.GetProperty("region").GetProperty("startLine").GetInt32());
        var rel = loc.GetProperty("relatedLocations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("drivers/iommu/intel/iommu.c", rel.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(1981, rel.GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [TestMethod]
    public void SarifReport_FileLineWithoutColumn_RegionHasNoStartColumn()
    {
        // "iommu.c:1990" names no column: the region is the line alone. SARIF columns count from 1 (§3.30.2), so
        // a startColumn there could only be made up; "drivers/x/y.c:7:3" names column 3.
        var seed = SeedTraces.ContextEntry();
        var md = seed.Metadata;
        var withLines = new TraceMetadata { Name = md.Name, Arch = md.Arch, Agents = md.Agents, Regions = md.Regions, Sites = ["drivers/x/y.c:7:3", "iommu.c:1990"] };
        var result = Sarif(seed with { Metadata = withLines }).GetProperty("runs")[0].GetProperty("results")[0];
        var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        CollectionAssert.AreEqual(new[] { "startLine", "endLine" }, region.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(1990, region.GetProperty("startLine").GetInt32());
        var related = result.GetProperty("relatedLocations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.AreEqual((7, 3), (related.GetProperty("startLine").GetInt32(), related.GetProperty("startColumn").GetInt32()));
    }

    [TestMethod]
    [DataRow("pasid.c:212", "pasid.c", 212)]
    [DataRow("drivers/x/y.c:7:3", "drivers/x/y.c", 7)]
    [DataRow("qm_mb_write+0x24", null, 0)]
    [DataRow("x.c:12:0", null, 0)]
    [DataRow("qm_set_and_get_xqc: memcpy", null, 0)]
    [DataRow("pasid.c:0", null, 0)]
    // Directories may hold spaces; a function may follow the location (docs/reports.md, "Sites map by form").
    [DataRow("drivers/net/my driver/rx.c:120", "drivers/net/my driver/rx.c", 120)]
    [DataRow("/home/me/My Src/linux/drivers/x.c:7:3", "/home/me/My Src/linux/drivers/x.c", 7)]
    [DataRow("rx.c:120 nic_poll", "rx.c", 120)]
    [DataRow("drivers/net/my driver/rx.c:120:4 nic_poll.isra.0", "drivers/net/my driver/rx.c", 120)]
    // Prose around a location stays text: it names no file.
    [DataRow("memcpy in qm.c:612", null, 0)]
    [DataRow("memcpy in drivers/qm.c:612", null, 0)]
    [DataRow("rx.c:120 after the wmb", null, 0)]
    [DataRow("drivers/my driver.c:12", null, 0)]
    [DataRow(" rx.c:120", null, 0)]
    public void SarifReport_ParseFileLine_OnlyFileColonLine(string site, string? file, int line)
    {
        var r = SarifReport.ParseFileLine(site);
        if (file is null) Assert.IsNull(r);
        else Assert.AreEqual((file, line), r);
    }

    [TestMethod]
    [DataRow("drivers/net/my driver/rx.c:120", true)]
    [DataRow("rx.c:120 nic_poll", true)]
    [DataRow("memcpy in qm.c:612", false)]
    [DataRow("memcpy in drivers/qm.c:612", false)]
    [DataRow("rx.c:120 after the wmb", false)]
    [DataRow("rx.c:120 nic_poll+0x14", false)]
    public void ReportsDoc_SiteExamples_ReadAsDocumented(string site, bool location)
    {
        // docs/reports.md quotes these sites as a location or as free text: the parser must agree.
        string doc = File.ReadAllText(Path.Combine(EndToEnd.RepoPaths.Root, "docs", "reports.md"));
        StringAssert.Contains(doc, $"`{site}`");
        Assert.AreEqual(location, SarifReport.ParseFileLine(site) is not null, site);
    }
}
