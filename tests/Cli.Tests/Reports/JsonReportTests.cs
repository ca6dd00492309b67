using System.Text.Json;
using TraceTools.Cli.Reports;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class JsonReportTests
{
    static JsonElement Report(SeedTrace seed, bool all = false, ReportStats? stats = null)
    {
        var input = seed.Input("qm.trace", stats);
        using var ms = new MemoryStream();
        JsonReport.Write(ms, input, FindingGroup.Build(input.Findings, input.Events, all));
        return JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
    }

    static void AssertEvent(JsonElement e, string? role, long index, string agent, string op, string addr, int size, string? site)
    {
        if (role is null) Assert.IsFalse(e.TryGetProperty("role", out _));
        else Assert.AreEqual(role, e.GetProperty("role").GetString());
        Assert.AreEqual(index, e.GetProperty("index").GetInt64());
        Assert.AreEqual(agent, e.GetProperty("agent").GetString());
        Assert.AreEqual(op, e.GetProperty("op").GetString());
        Assert.AreEqual(addr, e.GetProperty("addr").GetString());
        Assert.AreEqual(size, e.GetProperty("size").GetInt32());
        if (site is null) Assert.AreEqual(JsonValueKind.Null, e.GetProperty("site").ValueKind);
        else Assert.AreEqual(site, e.GetProperty("site").GetString());
    }

    [TestMethod]
    public void JsonReport_HisiQmSeed_MatchesCliMdFieldByField()
    {
        var root = Report(SeedTraces.HisiQm());
        string[] top = [.. root.EnumerateObject().Select(p => p.Name)];
        CollectionAssert.AreEqual(new[] { "tool", "version", "schema", "trace", "arch", "events", "agents", "findings" }, top);
        Assert.AreEqual(2, root.GetProperty("schema").GetInt32());
        Assert.AreEqual("arm64", root.GetProperty("arch").GetString());
        Assert.AreEqual("tracetools", root.GetProperty("tool").GetString());
        Assert.AreEqual("qm.trace", root.GetProperty("trace").GetString());
        Assert.AreEqual(4, root.GetProperty("events").GetInt64());
        CollectionAssert.AreEqual(new[] { "cpu0", "qm" }, root.GetProperty("agents").EnumerateArray().Select(a => a.GetString()).ToArray());

        var findings = root.GetProperty("findings");
        Assert.AreEqual(1, findings.GetArrayLength());
        var g = findings[0];
        CollectionAssert.AreEqual(new[] { "kind", "severity", "count", "message", "help", "help_uri", "identity", "instances" }, g.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("put a store barrier (dma_wmb / dmb oshst) between #0 and #1", g.GetProperty("help").GetString());
        StringAssert.EndsWith(g.GetProperty("help_uri").GetString(), "docs/model.md#stale-dma-read-error");
        Assert.AreEqual("stale-dma-read|trigger=qm: mailbox fetch|store=qm_set_and_get_xqc: memcpy|publish=qm_mb_write: stp", g.GetProperty("identity").GetString());
        Assert.AreEqual("stale-dma-read", g.GetProperty("kind").GetString());
        Assert.AreEqual("error", g.GetProperty("severity").GetString());
        Assert.AreEqual(1, g.GetProperty("count").GetInt32());
        Assert.AreEqual(
            "qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #1 (no store barrier between them)",
            g.GetProperty("message").GetString());

        var inst = g.GetProperty("instances");
        Assert.AreEqual(1, inst.GetArrayLength());
        AssertEvent(inst[0].GetProperty("trigger"), null, 3, "qm", "dma_read", "0x80000000", 64, "qm: mailbox fetch");
        var related = inst[0].GetProperty("related");
        Assert.AreEqual(2, related.GetArrayLength());
        AssertEvent(related[0], "store", 0, "cpu0", "store", "0x80000000", 64, "qm_set_and_get_xqc: memcpy");
        AssertEvent(related[1], "publish", 1, "cpu0", "mmio_write", "0xfe000000", 16, "qm_mb_write: stp");
    }

    [TestMethod]
    public void JsonReport_VtdSeed_TwoGroupsInTriggerOrderWithNullSites()
    {
        var findings = Report(SeedTraces.VtdPasid()).GetProperty("findings");
        Assert.AreEqual(2, findings.GetArrayLength());
        Assert.AreEqual("missing-flush-after-clear", findings[0].GetProperty("kind").GetString());
        var i0 = findings[0].GetProperty("instances")[0];
        AssertEvent(i0.GetProperty("trigger"), null, 4, "cpu0", "store", "0x1001d0", 8, "pasid_set_bits");
        AssertEvent(i0.GetProperty("related")[0], "clear", 3, "cpu0", "store", "0x1001c0", 8, "pasid_clear_entry");

        Assert.AreEqual("torn-entry-fetch", findings[1].GetProperty("kind").GetString());
        var i1 = findings[1].GetProperty("instances")[0];
        AssertEvent(i1.GetProperty("trigger"), null, 5, "iommu", "fetch", "0x1001d0", 16, null);
        AssertEvent(i1.GetProperty("related")[0], "first-granule", 2, "iommu", "fetch", "0x1001c0", 16, null);
        AssertEvent(i1.GetProperty("related")[1], "store", 4, "cpu0", "store", "0x1001d0", 8, "pasid_set_bits");
    }

    [TestMethod]
    public void JsonReport_GroupOfTwoInstances_EachInstanceItsOwnFixIndex()
    {
        // The hisi mailbox twice at the same sites: store #4, doorbell #5, read #6 repeat #0, #1, #3. One group of two;
        // each instance's "fix" is its own publish (reports.md: the cpu-side event the fix goes to), #1 and #5.
        var seed = SeedTraces.HisiQm();
        var payload = seed.Events.GetData(0).ToArray();
        seed.Events.Append(new TraceFormat.TraceEvent(TraceFormat.EventKind.Store, 0, 0x8000_0000, 0x40, 0, 0), payload);
        seed.Events.Append(new TraceFormat.TraceEvent(TraceFormat.EventKind.MmioWrite, 0, 0xfe00_0000, 16, 0, 1), seed.Events.GetData(1).ToArray());
        seed.Events.Append(new TraceFormat.TraceEvent(TraceFormat.EventKind.DmaRead, 1, 0x8000_0000, 0x40, 0, 3), payload);
        seed.Findings.Add(new Replay.Findings.Finding(Replay.Findings.FindingKind.StaleDmaRead, 6,
            [new(Replay.Findings.RelatedRole.Store, 4), new(Replay.Findings.RelatedRole.Publish, 5)]));
        var g = Report(seed).GetProperty("findings");
        Assert.AreEqual(1, g.GetArrayLength());
        Assert.AreEqual(2, g[0].GetProperty("count").GetInt32());
        var instances = g[0].GetProperty("instances");
        Assert.AreEqual((3L, 1L), (instances[0].GetProperty("trigger").GetProperty("index").GetInt64(), instances[0].GetProperty("fix").GetInt64()));
        Assert.AreEqual((6L, 5L), (instances[1].GetProperty("trigger").GetProperty("index").GetInt64(), instances[1].GetProperty("fix").GetInt64()));
    }

    [TestMethod]
    public void JsonReport_ContextSeed_PresentBeforePayloadWithPayloadRole()
    {
        var g = Report(SeedTraces.ContextEntry()).GetProperty("findings")[0];
        Assert.AreEqual("present-before-payload", g.GetProperty("kind").GetString());
        var i = g.GetProperty("instances")[0];
        AssertEvent(i.GetProperty("trigger"), null, 1, "cpu0", "store", "0x200030", 8, "context_set_present");
        AssertEvent(i.GetProperty("related")[0], "payload", 0, "cpu0", "store", "0x200038", 8, "context_set_address_root");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void JsonReport_Stats_PresentOnlyWhenGiven(bool withStats)
    {
        var root = Report(SeedTraces.HisiQm(), stats: withStats ? new ReportStats(0.5, 8) : null);
        Assert.AreEqual(withStats, root.TryGetProperty("stats", out var s));
        if (withStats)
        {
            Assert.AreEqual(0.5, s.GetProperty("seconds").GetDouble());
            Assert.AreEqual(8, s.GetProperty("events_per_second").GetDouble());
        }
    }
}
