using System.Text.Json;
using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// recorder/c/examples/desc_ring.c, compiled in the test run: a driver thread and a NIC-model thread
/// record a descriptor ring in which descriptor 0 lacks its dma_wmb.
/// </summary>
[TestClass]
public sealed class DescRingTests
{
    static CProgram s_ring = null!;

    static string ExamplesDir => Path.Combine(CProgram.LibraryDir, "examples");

    [ClassInitialize]
    public static void Build(TestContext _) => s_ring = new CProgram(ExamplesDir, "desc_ring.c");

    [ClassCleanup]
    public static void Clean() => s_ring.Dispose();

    /// <summary>The 1-based line of desc_ring.c holding <paramref name="marker"/>.</summary>
    static int LineOf(string marker)
    {
        var lines = File.ReadAllLines(Path.Combine(ExamplesDir, "desc_ring.c"));
        int i = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, i, $"marker '{marker}' not in desc_ring.c");
        return i + 1;
    }

    [TestMethod]
    public void DescRing_OneMissingDmaWmb_ReplayReportsExactlyThatFindingAtItsCLine()
    {
        string trace = Path.Combine(s_ring.Dir, "ring.trace");
        var (exit, _, err) = s_ring.Run(trace);
        Assert.AreEqual(0, exit, err);

        var (replayExit, json, replayErr) = CProgram.Cli("replay", trace, "--format", "json");
        Assert.AreEqual(1, replayExit, replayErr);
        using var doc = JsonDocument.Parse(json);
        var groups = doc.RootElement.GetProperty("findings");
        Assert.AreEqual(1, groups.GetArrayLength(), json);
        var group = groups[0];
        Assert.AreEqual("present-before-payload", group.GetProperty("kind").GetString());
        Assert.AreEqual(1, group.GetProperty("count").GetInt32());
        var trigger = group.GetProperty("instances")[0].GetProperty("trigger");
        Assert.AreEqual($"desc_ring.c:{LineOf("BUG: OWN without dma_wmb")}", trigger.GetProperty("site").GetString());
        Assert.AreEqual("cpu0", trigger.GetProperty("agent").GetString());

        // recorder/c/README.md shows this report.
        var (_, text, _) = CProgram.Cli("replay", trace);
        string readme = File.ReadAllText(Path.Combine(CProgram.LibraryDir, "README.md"));
        int at = readme.IndexOf("```\nerror[present-before-payload]", StringComparison.Ordinal) + 4;
        Assert.IsGreaterThan(3, at, "the README lost its example report");
        StringAssert.Contains(text.ReplaceLineEndings("\n"), readme[at..readme.IndexOf("```", at, StringComparison.Ordinal)]);
    }

    [TestMethod]
    public void DescRing_TwoThreads_NicEventsFollowTheDoorbellInTraceOrder()
    {
        string trace = Path.Combine(s_ring.Dir, "order.trace");
        Assert.AreEqual(0, s_ring.Run(trace).Exit);
        using var reader = TraceReader.Open(trace);
        var batch = new EventBatch();
        var kinds = new List<(EventKind Kind, string Agent)>();
        while (reader.ReadBatch(batch))
            for (int i = 0; i < batch.Count; i++) kinds.Add((batch.Kinds[i], reader.Metadata.Agents[batch.Agents[i]].Name));
        Assert.IsFalse(reader.Truncated);
        int doorbell = kinds.FindIndex(k => k.Kind == EventKind.MmioWrite);
        int firstNic = kinds.FindIndex(k => k.Agent == "nic");
        Assert.IsGreaterThan(doorbell, firstNic, "the NIC thread recorded before the doorbell it waits for");
        // 2 × (frame, addr, own) + 1 dma_wmb + wmb + doorbell; then per descriptor fetch, frame read, write-back.
        Assert.AreEqual(9 + 6, kinds.Count);
    }

    [TestMethod]
    public void KilledWriter_Sigkill_LeavesCompleteChunksThatInfoAndReplayRead()
    {
        string trace = Path.Combine(s_ring.Dir, "killed.trace");
        using (var p = s_ring.Start(trace, "--forever"))
        {
            // 200 rounds of 10 events in chunks of 64: at least 31 chunks are on disk when it says so.
            string? line = p.StandardOutput.ReadLine();
            Assert.AreEqual("recording", line);
            p.Kill(); // SIGKILL: no atexit, no flush
            p.WaitForExit();
        }
        using (var reader = TraceReader.Open(trace))
        {
            var batch = new EventBatch();
            long events = 0;
            while (reader.ReadBatch(batch)) events += batch.Count;
            Assert.IsTrue(reader.Truncated);
            Assert.IsFalse(reader.HasIndex);
            Assert.IsGreaterThanOrEqualTo(200L * 10 / 64 * 64, events);
            Assert.AreEqual(0, events % 64, "only complete chunks of 64 events come back");
        }
        var (infoExit, info, _) = CProgram.Cli("info", trace);
        Assert.AreEqual(0, infoExit);
        StringAssert.Contains(info, "truncated    yes: recovered");
        var (replayExit, report, replayErr) = CProgram.Cli("replay", trace);
        Assert.AreEqual(0, replayExit, report + replayErr);
        StringAssert.Contains(report, "0 errors, 0 warnings");
        StringAssert.Contains(replayErr, "truncated");
        string json = Path.Combine(s_ring.Dir, "killed.json");
        var (exportExit, _, exportErr) = CProgram.Cli("export", trace, "--format", "perfetto", "-o", json, "--quiet");
        Assert.AreEqual(0, exportExit, exportErr);
        StringAssert.Contains(exportErr, "truncated");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.IsTrue(doc.RootElement.GetProperty("otherData").GetProperty("truncated").GetBoolean());
    }
}
