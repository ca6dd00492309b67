using System.Text.Json;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class SarifReportTests
{
    static JsonElement Sarif(SeedTrace seed)
    {
        var input = seed.Input();
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
    public void SarifReport_VtdSeed_OneResultPerGroupWithRuleLevelAndRelated()
    {
        var results = Sarif(SeedTraces.VtdPasid()).GetProperty("runs")[0].GetProperty("results");
        Assert.AreEqual(2, results.GetArrayLength());
        var torn = results[1];
        Assert.AreEqual("torn-entry-fetch", torn.GetProperty("ruleId").GetString());
        Assert.AreEqual((int)FindingKind.TornEntryFetch, torn.GetProperty("ruleIndex").GetInt32());
        Assert.AreEqual("error", torn.GetProperty("level").GetString());
        Assert.IsFalse(torn.TryGetProperty("locations", out _), "site 'pasid_set_bits' is not file:line");
        var related = torn.GetProperty("relatedLocations");
        Assert.AreEqual(2, related.GetArrayLength());
        StringAssert.StartsWith(related[0].GetProperty("message").GetProperty("text").GetString(), "first-granule: #2 fetch pasid[7] granule 0");
        StringAssert.StartsWith(related[1].GetProperty("message").GetProperty("text").GetString(), "store: #4 store pasid[7]+0x10");
    }

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
    [DataRow("pasid.c:212", "pasid.c", 212)]
    [DataRow("drivers/x/y.c:7:3", "drivers/x/y.c", 7)]
    [DataRow("qm_mb_write+0x24", null, 0)]
    [DataRow("qm_set_and_get_xqc: memcpy", null, 0)]
    [DataRow("pasid.c:0", null, 0)]
    public void SarifReport_ParseFileLine_OnlyFileColonLine(string site, string? file, int line)
    {
        var r = SarifReport.ParseFileLine(site);
        if (file is null) Assert.IsNull(r);
        else Assert.AreEqual((file, line), r);
    }
}
