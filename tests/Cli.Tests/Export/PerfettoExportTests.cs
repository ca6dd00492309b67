using System.Text.Json;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Export;

/// <summary>
/// <c>export --format perfetto</c>: every event a slice on its agent's track, every hb edge of the replay
/// a flow arrow, every finding a slice, a global mark and arrows from its events.
/// </summary>
[TestClass]
public sealed class PerfettoExportTests
{
    static string s_dir = null!;

    [ClassInitialize]
    public static void MakeDir(TestContext _) => s_dir = Directory.CreateTempSubdirectory("tt-export-").FullName;

    [ClassCleanup]
    public static void RemoveDir() => Directory.Delete(s_dir, recursive: true);

    static string Temp(string name) => Path.Combine(s_dir, name);

    /// <summary>Compiles a sample and exports it; returns (trace, json).</summary>
    static (string Trace, string Json) Export(string sample, params string[] extra)
    {
        // Unique names: tests run in parallel and may export the same sample.
        string tag = Guid.NewGuid().ToString("N")[..8];
        string trace = Temp($"{sample}-{tag}.trace"), json = Temp($"{sample}-{tag}.json");
        var (gen, _, genErr) = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace);
        Assert.AreEqual(0, gen, genErr);
        var (exit, _, err) = RepoPaths.Run(["export", trace, "--format", "perfetto", "-o", json, "--quiet", .. extra]);
        Assert.AreEqual(0, exit, err);
        return (trace, json);
    }

    /// <summary>Compiles a scenario given as text and exports it; returns the json's path.</summary>
    static string ExportScenario(string text)
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        string scn = Temp($"inline-{tag}.scn"), trace = Temp($"inline-{tag}.trace"), json = Temp($"inline-{tag}.json");
        File.WriteAllText(scn, text);
        var (gen, _, genErr) = RepoPaths.Run("gen", scn, "-o", trace);
        Assert.AreEqual(0, gen, genErr);
        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "-o", json, "--quiet");
        Assert.AreEqual(0, exit, err);
        return json;
    }

    // The hb edges of each sample, worked out by hand from model.md §2 (release → acquiring event).
    [TestMethod]
    [DataRow("lock-handoff-doorbell", "2>3 5>7")]                 // unlock → lock; doorbell → the engine's next event
    [DataRow("dma-buffer-reuse-after-irq", "2>3 4>5 8>9")]        // doorbell, raise_irq → take_irq, doorbell
    [DataRow("arm64-status-readl", "0>1 4>5")]                    // the device's last write → the status read
    [DataRow("hisi-qm-mailbox", "1>3")]
    [DataRow("arm64-pasid-clear-wmb-invalidate", "11>27 17>27 23>27 14>27 20>28 26>29")] // invalidates → next fetch; present → fetch
    public void Export_Sample_OneFlowPerHbEdgeBetweenTheRightTracks(string sample, string edges)
    {
        var (trace, json) = Export(sample);
        var agentOf = AgentsByIndex(trace);
        var flows = ChromeJson.Parse(json).Flows("hb");
        var actual = flows.Select(f => $"{f.From.Index}>{f.To.Index}").ToList();
        CollectionAssert.AreEquivalent(edges.Split(' '), actual);
        foreach (var (from, to, _) in flows)
        {
            Assert.AreEqual(agentOf[(int)from.Index] + 1, from.Tid);
            Assert.AreEqual(agentOf[(int)to.Index] + 1, to.Tid);
            Assert.AreEqual(1, from.Pid);
        }
        Assert.AreEqual(flows.Count, ChromeJson.Parse(json).OtherData.GetProperty("hb_flows").GetInt32());
    }

    /// <summary>
    /// An agent that reads its own release takes no edge between agents, so no arrow: cpu0's load of the flag it
    /// released is program order (its track); cpu1's load of it is the one hb edge (model.md §2).
    /// </summary>
    [TestMethod]
    public void Export_CpuReadingItsOwnRelease_NoArrowToItself()
    {
        var doc = ChromeJson.Parse(ExportScenario("""
            scenario "own release read back"
            arch arm64
            cpu cpu0, cpu1
            sync flag 0x9000_0000 size 8
            cpu0: store_release flag size 8 = 1
            cpu0: load flag size 8
            cpu1: load flag size 8
            """));
        CollectionAssert.AreEqual(new[] { "0>2" }, doc.Flows("hb").Select(f => $"{f.From.Index}>{f.To.Index}").ToList());
    }

    /// <summary>
    /// Slices are named like report lines, a store's value shown when it has up to 8 bytes (docs/export.md): the
    /// two xchgs of acqrel-xchg-handoff-riscv64 (owner word, offset 0) and its doorbell (the register at its
    /// region's base, named bare) carry their values; the 64-byte fill and the DMA read none.
    /// </summary>
    [TestMethod]
    public void Export_XchgHandoff_SlicesNamedWithTheValuesStored()
    {
        var (_, json) = Export("acqrel-xchg-handoff-riscv64");
        var names = ChromeJson.Parse(json).Slices.Select(s => s.GetProperty("name").GetString()).ToList();
        CollectionAssert.AreEqual(
            new[] { "store txbuf+0x0", "xchg owner+0x0 = 0x1", "xchg owner+0x0 = 0x0", "mmio_write regs = 0x1", "dma_read txbuf+0x0" },
            names.Where(n => !n!.StartsWith("barrier ", StringComparison.Ordinal)).ToList());
    }

    public static IEnumerable<object[]> Samples =>
        Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileNameWithoutExtension(f) });

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Export_Sample_EveryEventAndEveryFindingWithItsArrows(string sample)
    {
        var (trace, json) = Export(sample);
        var doc = ChromeJson.Parse(json);
        using var reader = TraceReader.Open(trace);
        var md = reader.Metadata;

        // Tracks: one named thread per agent.
        var names = doc.Events.Where(e => ChromeJson.Ph(e) == "M" && e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("pid").GetInt32() == 1)
            .ToDictionary(e => e.GetProperty("tid").GetInt32(), e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.HasCount(md.Agents.Count, names);
        for (int a = 0; a < md.Agents.Count; a++) Assert.AreEqual(md.Agents[a].Name, names[a + 1]);

        // Events: one slice each, in trace order, on its agent's track, with its fields.
        var slices = doc.Slices.ToList();
        var batch = new EventBatch();
        int n = 0;
        var engine = DetectorRegistry.CreateEngine(md);
        while (reader.ReadBatch(batch))
        {
            engine.Process(batch);
            for (int i = 0; i < batch.Count; i++, n++)
            {
                var s = slices[n];
                var e = batch[i];
                var args = s.GetProperty("args");
                Assert.AreEqual(n, args.GetProperty("index").GetInt64());
                Assert.AreEqual(n, s.GetProperty("ts").GetDouble());
                Assert.AreEqual(e.Agent + 1, s.GetProperty("tid").GetInt32());
                Assert.AreEqual(e.Kind.OpName(), args.GetProperty("op").GetString());
                // A firmware call is named by its conduit (smc, hvc).
                StringAssert.StartsWith(s.GetProperty("name").GetString(), e.Kind == EventKind.FirmwareCall ? ((FirmwareConduit)e.Aux).Name() : e.Kind.OpName());
                if (e.Kind.HasAddress()) Assert.AreEqual($"0x{e.Address:x}", args.GetProperty("addr").GetString());
                if (e.Site >= 0) Assert.AreEqual(md.Sites[e.Site], args.GetProperty("site").GetString());
                else Assert.IsFalse(args.TryGetProperty("site", out _));
            }
        }
        Assert.HasCount(n, slices);

        // Findings: as the replay reports them, each a slice, a global instant and an arrow per event.
        var findings = engine.Complete();
        var findingSlices = doc.FindingSlices.ToList();
        var marks = doc.Events.Where(e => ChromeJson.Ph(e) == "i").ToList();
        var arrows = doc.Flows("finding");
        Assert.HasCount(findings.Count, findingSlices);
        Assert.HasCount(findings.Count, marks);
        Assert.AreEqual(findings.Count, doc.OtherData.GetProperty("findings").GetInt32());
        Assert.HasCount(findings.Sum(f => 1 + f.Related.Length), arrows);
        var agentOf = AgentsByIndex(trace);
        for (int k = 0; k < findings.Count; k++)
        {
            var f = findings[k];
            var args = findingSlices[k].GetProperty("args");
            Assert.AreEqual(f.Kind.Name(), args.GetProperty("kind").GetString());
            Assert.AreEqual(f.Trigger, args.GetProperty("trigger").GetInt64());
            Assert.AreEqual(f.Trigger, findingSlices[k].GetProperty("ts").GetDouble());
            Assert.AreEqual((int)f.Kind + 1, findingSlices[k].GetProperty("tid").GetInt32());
            Assert.AreEqual("g", marks[k].GetProperty("s").GetString());
            var related = args.GetProperty("related").EnumerateArray().Select(r => (r.GetProperty("role").GetString(), r.GetProperty("index").GetInt64()));
            CollectionAssert.AreEqual(f.Related.Select(r => (r.Role.Name(), r.Index)).ToList(), related.ToList());
            foreach (var (role, index) in f.Related.Select(r => (r.Role.Name(), r.Index)).Prepend(("trigger", f.Trigger)))
            {
                var ev = new ChromeJson.Point(1, agentOf[(int)index] + 1, index);
                var mine = new ChromeJson.Point(2, (int)f.Kind + 1, f.Trigger);
                Assert.IsTrue(arrows.Any(a => a.Name == role && (index <= f.Trigger ? a.From == ev && a.To == mine : a.From == mine && a.To == ev)),
                    $"no arrow for {role} #{index} of {f}");
            }
        }
    }

    [TestMethod]
    [DataRow("--from", "6", "--count", "4", 6, 10)]
    [DataRow("--around", "8", "--count", "4", 6, 10)]
    [DataRow("--around", "1", "--count", "10", 0, 10)]
    [DataRow("--from", "8", "--count", "100", 8, 10)]
    [DataRow("--around", "1", "--count", "4", 0, 4)]    // clipped at event 0
    [DataRow("--from", "0", "--count", "3", 0, 3)]      // the doorbell at 2 inside, the device's next event (3) outside
    [DataRow("--from", "3", "--count", "7", 3, 10)]     // the doorbell at 2 outside, the device's next event (3) inside
    [DataRow("--from", "5", "--count", "5", 5, 10)]     // raise_irq at 4 outside, take_irq at 5 inside
    public void Export_Window_OnlyItsEventsAndTheEdgesInsideIt(string option, string value, string countOption, string count, int from, int end)
    {
        // dma-buffer-reuse-after-irq: 10 events, edges 2>3 4>5 8>9, a finding at 6 (reuse before the read).
        var (_, json) = Export("dma-buffer-reuse-after-irq", option, value, countOption, count);
        var doc = ChromeJson.Parse(json);
        CollectionAssert.AreEqual(Enumerable.Range(from, end - from).ToList(),
            doc.Slices.Select(s => s.GetProperty("args").GetProperty("index").GetInt32()).ToList());
        var all = new[] { (2, 3), (4, 5), (8, 9) };
        var inside = all.Where(e => e.Item1 >= from && e.Item2 < end).Select(e => $"{e.Item1}>{e.Item2}").ToList();
        CollectionAssert.AreEquivalent(inside, doc.Flows("hb").Select(f => $"{f.From.Index}>{f.To.Index}").ToList());
        int cut = all.Count(e => (e.Item1 >= from && e.Item1 < end) != (e.Item2 >= from && e.Item2 < end));
        Assert.AreEqual(cut, doc.OtherData.GetProperty("hb_edges_cut_by_window").GetInt32());
        foreach (var f in doc.FindingSlices)
        {
            long trigger = f.GetProperty("args").GetProperty("trigger").GetInt64();
            Assert.IsTrue(trigger >= from && trigger < end);
        }
        Assert.IsTrue(doc.Flows("finding").All(a => a.From.Index >= from && a.To.Index < end));
    }

    /// <summary>
    /// A window holding a finding's trigger but not all its events: hisi-qm-mailbox's stale-dma-read at #3 names the
    /// store #0 and the publish #1; the window [1, 4) draws its slice, the trigger's and the publish's arrows and no
    /// arrow from the store outside, whose role and index its args still carry.
    /// </summary>
    [TestMethod]
    public void Export_WindowWithoutAFindingsStore_ArrowsOnlyFromItsEventsInside()
    {
        var (_, json) = Export("hisi-qm-mailbox", "--from", "1", "--count", "3");
        var doc = ChromeJson.Parse(json);
        var finding = doc.FindingSlices.Single();
        Assert.AreEqual(3, finding.GetProperty("args").GetProperty("trigger").GetInt64());
        CollectionAssert.AreEqual(new[] { "store 0", "publish 1" }, finding.GetProperty("args").GetProperty("related").EnumerateArray()
            .Select(r => $"{r.GetProperty("role").GetString()} {r.GetProperty("index").GetInt64()}").ToList());
        CollectionAssert.AreEquivalent(new[] { "trigger 3>3", "publish 1>3" },
            doc.Flows("finding").Select(f => $"{f.Name} {f.From.Index}>{f.To.Index}").ToList());
    }

    /// <summary>
    /// An edge to an agent's next event that never comes is cut like one leaving the window. In this sample (x86_64)
    /// the present store #1 reaches both fetches (1>2, 1>5) and the invalidation #4 the iommu's next event, its fetch
    /// #5 (4>5); the invalidation also hands the iommu's earlier events to cpu0's events after it (model.md §7
    /// "dev_invalidate"), but cpu0 has none: that edge is left out and counted.
    /// </summary>
    [TestMethod]
    public void Export_EdgeToANextEventThatNeverComes_CountedAsCut()
    {
        var (_, json) = Export("entries-context-rewrite-invalidate");
        var doc = ChromeJson.Parse(json);
        CollectionAssert.AreEquivalent(new[] { "1>2", "1>5", "4>5" }, doc.Flows("hb").Select(f => $"{f.From.Index}>{f.To.Index}").ToList());
        Assert.AreEqual(1, doc.OtherData.GetProperty("hb_edges_cut_by_window").GetInt32());
    }

    /// <summary>
    /// A trace cut off after its last chunk (a recorder that died before the index and footer) exports every event
    /// of its complete chunks with what the whole trace gives, says so in <c>otherData.truncated</c> and warns.
    /// </summary>
    [TestMethod]
    public void Export_TraceCutAfterItsLastChunk_EveryEventMarkedTruncatedAndWarned()
    {
        var (trace, whole) = Export("hisi-qm-mailbox");
        var bytes = File.ReadAllBytes(trace);
        long index = BitConverter.ToInt64(bytes, bytes.Length - 24); // the trailer's index offset: where the chunks end
        string cut = Temp($"cut-{Guid.NewGuid():N}.trace"), json = cut + ".json";
        File.WriteAllBytes(cut, bytes[..(int)index]);
        var (exit, _, err) = RepoPaths.Run("export", cut, "--format", "perfetto", "-o", json, "--quiet");
        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(err, "warning: the trace is truncated");
        var expected = ChromeJson.Parse(whole).OtherData;
        var got = ChromeJson.Parse(json).OtherData;
        Assert.IsFalse(expected.GetProperty("truncated").GetBoolean());
        Assert.IsGreaterThan(0, expected.GetProperty("findings").GetInt32(), "the sample's finding");
        Assert.IsTrue(got.GetProperty("truncated").GetBoolean());
        Assert.AreEqual(AgentsByIndex(trace).Count, got.GetProperty("events").GetInt32());
        foreach (var key in new[] { "hb_flows", "findings" })
            Assert.AreEqual(expected.GetProperty(key).GetInt32(), got.GetProperty(key).GetInt32(), key);
    }

    [TestMethod]
    [DataRow("--from 50 --count 5", "the window starts at event 50, but")]
    [DataRow("--format json", "unknown --format 'json' (perfetto)")]
    [DataRow("--around 3 --from 2", "--around and --from exclude each other")]
    [DataRow("--around 50", "--around 50 names no event: ")]
    [DataRow("--from x", "option --from takes a non-negative integer")]
    public void Export_BadUsage_OneLineExit2AndNoOutput(string options, string message)
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        string trace = Temp($"bad-{tag}.trace"), json = Temp($"bad-{tag}.json");
        Assert.AreEqual(0, RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.scn"), "-o", trace).Exit);
        var args = new List<string> { "export", trace, "-o", json };
        if (!options.StartsWith("--format", StringComparison.Ordinal)) args.AddRange(["--format", "perfetto"]);
        args.AddRange(options.Split(' '));
        var (exit, _, err) = RepoPaths.Run([.. args]);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, message);
        Assert.IsFalse(File.Exists(json));
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(json)!, $"{Path.GetFileName(json)}*"), "temp file (OUT.tmp-PID-X) left behind");
    }

    static List<int> AgentsByIndex(string trace)
    {
        using var reader = TraceReader.Open(trace);
        var batch = new EventBatch();
        var agents = new List<int>();
        while (reader.ReadBatch(batch))
            for (int i = 0; i < batch.Count; i++) agents.Add(batch.Agents[i]);
        return agents;
    }
}
