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

    [ClassInitialize]
    public static void Build(TestContext _) => s_ring = new CProgram(CProgram.ExamplesDir, "desc_ring.c");

    [ClassCleanup]
    public static void Clean() => s_ring.Dispose();

    [TestMethod]
    public void DescRing_OneMissingDmaWmb_ReplayReportsExactlyThatFindingAtItsCLine()
    {
        string trace = Path.Combine(s_ring.Dir, "ring.trace");
        var (exit, _, err) = s_ring.Run(trace);
        Assert.AreEqual(0, exit, err);

        var trigger = CProgram.ReplayOneFinding(trace, "present-before-payload").GetProperty("trigger");
        Assert.AreEqual($"desc_ring.c:{CProgram.ExampleLineOf("desc_ring.c", "BUG: OWN without dma_wmb")}", trigger.GetProperty("site").GetString());
        Assert.AreEqual("cpu0", trigger.GetProperty("agent").GetString());

        // recorder/c/README.md shows this report.
        CProgram.AssertReadmeShows(CProgram.Cli("replay", trace).Out, "error[present-before-payload]");
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
