using System.Text;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The engine against the reference on thousands of random small traces (fixed seeds): the findings
/// (kind, trigger, related with roles) must be identical.
/// </summary>
[TestClass]
public sealed class DifferentialTests
{
    const int Cases = 3000;

    /// <summary>The reading of model.md the engine is held to (flip a switch here once the team decides).</summary>
    static readonly ReferenceReadings Readings = ReferenceReadings.Literal;

    /// <summary>The reference's findings on seed <paramref name="seed"/>'s trace <paramref name="t"/>, canonical; shared between the rows under the literal readings.</summary>
    static List<Finding> Expected(int seed, RefTrace t) =>
        Canonical(Readings == ReferenceReadings.Literal ? GeneratedReference.Of(seed) : ReferenceModel.Run(t, Readings));

    static List<Finding> RunEngine(RefTrace t, int maxBatch, ReplayOptions? options = null, Action<ReplayEngine>? after = null)
    {
        var engine = DetectorRegistry.CreateEngine(t.Metadata, options ?? ReplayOptions.Default);
        FindingLists.Process(engine, t, maxBatch);
        after?.Invoke(engine);
        return [.. engine.Complete()];
    }

    static string Describe(int seed, RefTrace t, List<Finding> expected, List<Finding> actual, string what) =>
        new StringBuilder()
            .Append($"seed {seed}: {what}\n")
            .Append(ScenarioText.Print(t))
            .Append("reference: ").Append(string.Join(" ", expected)).Append('\n')
            .Append("engine:    ").Append(string.Join(" ", actual)).Append('\n')
            .ToString();

    /// <summary>
    /// The random traces under each clock kernel (the kernels differ exactly where clocks are joined, copied and
    /// compared; one this machine cannot accelerate still runs, emulated, so every row runs everywhere). Every
    /// fourth trace is replayed in random batches, so splits are held to the reference too, not only to one batch.
    /// The fourth row shares release slots from the first release (the arena does past its threshold). The last
    /// compacts every cpu's edge log from its first entry on (the replay does from 65,536, which no random trace reaches), so
    /// what compaction keeps is held to the reference's full history, and the queries' block summaries to the edges
    /// compaction moved.
    /// </summary>
    [TestMethod]
    [DataRow(ClockSimd.Scalar, false, 0)]
    [DataRow(ClockSimd.V256, false, 0)]
    [DataRow(ClockSimd.V512, false, 0)]
    [DataRow(ClockSimd.V512, true, 0)]
    [DataRow(ClockSimd.V512, false, 1)]
    public void Engine_RandomTraces_SameFindingsAsReference(ClockSimd simd, bool shareSlots, int compactEdgeLogsAt)
    {
        var options = new ReplayOptions
        {
            Simd = simd,
            ShareReleasesAbove = shareSlots ? 0 : null,
            CompactEdgeLogsAt = compactEdgeLogsAt == 0 ? null : compactEdgeLogsAt,
        };
        long shared = 0, compactions = 0, dropped = 0;
        var failures = new List<string>();
        for (int seed = 0; seed < Cases && failures.Count < 6; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            int maxBatch = seed % 4 == 0 ? 1 + seed % 7 : 0;
            var expected = Expected(seed, t);
            var actual = RunEngine(t, maxBatch, options, e =>
            {
                shared += e.Hb.SharedCount;
                compactions += e.Hb.EdgeLogCompactions.Runs;
                dropped += e.Hb.EdgeLogCompactions.Dropped;
            });
            var sorted = Canonical(actual);
            if (!Same(expected, sorted))
            {
                string under = $"{simd}{(shareSlots ? ", slots shared" : "")}{(compactEdgeLogsAt != 0 ? $", edge logs compacted from {compactEdgeLogsAt}" : "")}";
                failures.Add(Describe(seed, t, expected, sorted, $"findings differ under {under}"));
                var small = TraceShrinker.Shrink(t, c => !Same(Canonical(ReferenceModel.Run(c, Readings)), Canonical(RunEngine(c, maxBatch, options))));
                failures.Add(Describe(seed, small, Canonical(ReferenceModel.Run(small, Readings)), Canonical(RunEngine(small, maxBatch, options)), "the same difference, shrunk"));
            }
            else if (actual.Select(f => f.Trigger).Zip(actual.Skip(1).Select(f => f.Trigger)).Any(p => p.First > p.Second))
                failures.Add(Describe(seed, t, expected, actual, "engine findings not ordered by trigger index"));
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        if (shareSlots) Assert.IsTrue(shared > 1_000, $"the traces exercise shared slots ({shared} releases shared)");
        if (compactEdgeLogsAt != 0) Assert.IsTrue(compactions > 1_000 && dropped > 1_000, $"the traces exercise edge-log compaction ({compactions} compactions dropping {dropped} entries)");
        else Assert.AreEqual(0, compactions, "the default replay compacts no random trace's edge log");
    }

    /// <summary>
    /// Seeds <paramref name="first"/>.. of the random traces, <paramref name="count"/> of them, against the reference with
    /// this process's kernels, every fourth in random batches as above; each is also written as a binary trace (every fourth in chunks of 1..7 events) and replayed from what the reader decodes, so
    /// the decode kernels are held to the reference too; a trace the writer refuses (the generator makes accesses past
    /// the format's 4 KiB, which the engine takes) is replayed directly only. Returns the failures, described (none:
    /// empty), and how many traces went through the writer.
    /// </summary>
    internal static (List<string> Failures, int Decoded) Check(int first, int count)
    {
        var failures = new List<string>();
        int decodedTraces = 0;
        for (int seed = first; seed < first + count && failures.Count < 6; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            int maxBatch = seed % 4 == 0 ? 1 + seed % 7 : 0;
            var expected = Expected(seed, t);
            var direct = Canonical(RunEngine(t, maxBatch));
            if (!Same(expected, direct)) failures.Add(Describe(seed, t, expected, direct, "findings differ"));
            if (RunDecoded(t, maxBatch == 0 ? TraceWriterOptions.MaxChunkEvents : maxBatch) is not { } found) continue;
            decodedTraces++;
            var decoded = Canonical(found);
            if (!Same(expected, decoded)) failures.Add(Describe(seed, t, expected, decoded, "findings differ, replayed from the written trace"));
        }
        return (failures, decodedTraces);
    }

    /// <summary>
    /// Writes <paramref name="t"/> as a binary trace in chunks of <paramref name="chunkEvents"/> and replays what the
    /// reader decodes, chunk by chunk; null when the writer refuses an event.
    /// </summary>
    static List<Finding>? RunDecoded(RefTrace t, int chunkEvents)
    {
        using var stream = new MemoryStream();
        try
        {
            using var writer = new TraceWriter(stream, t.Metadata, new TraceWriterOptions { ChunkEvents = chunkEvents });
            foreach (var e in t.Events) writer.Append(e.E, e.Data);
            writer.Complete();
        }
        catch (ArgumentException)
        {
            return null;
        }
        stream.Position = 0;
        using var reader = TraceReader.Open(stream, "random trace");
        var engine = DetectorRegistry.CreateEngine(reader.Metadata, ReplayOptions.Default);
        var batch = new EventBatch(chunkEvents);
        while (reader.ReadBatch(batch)) engine.Process(batch);
        return [.. engine.Complete()];
    }

    /// <summary>
    /// The random traces with the scalar twins of the kernels <c>TRACETOOLS_SIMD</c> picks once per process (the
    /// shadow's word cells and whole-word runs, the decode's), which the rows above cannot reach: in a child process
    /// started with <c>TRACETOOLS_SIMD=scalar</c> (<see cref="TestEntry"/>), directly and through a written trace.
    /// The kernels are static readonly fields the JIT may fold into code, so setting them in this process would not
    /// be sound. 300 seeds, not 3,000, to keep the child near 10 s on two cores; the rows above hold the vector
    /// kernels to all 3,000.
    /// </summary>
    [TestMethod]
    public void Engine_RandomTracesUnderScalarKernels_SameFindingsAsReference()
    {
        var (exit, output, err) = TestEntry.RunChild(["differential", "0", "300"],
            new Dictionary<string, string?> { ["TRACETOOLS_SIMD"] = "scalar" }, TimeSpan.FromSeconds(300));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.IsNotEmpty(lines, err);
        Assert.AreEqual("kernels: word cells scalar, clocks Scalar", lines[0], "TRACETOOLS_SIMD=scalar reached the child");
        Assert.AreEqual(0, exit, output + err);
        var summary = System.Text.RegularExpressions.Regex.Match(lines[^1], @"^0 failures; (\d+) traces also replayed from a written trace$");
        Assert.IsTrue(summary.Success, lines[^1]);
        Assert.IsGreaterThan(200, int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), "most traces went through the writer (254 of 300 when written)");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(7)]
    public void Engine_EventsSplitAcrossManyBatches_SameFindingsAsOneBatch(int maxBatch)
    {
        var failures = new List<string>();
        for (int seed = 0; seed < Cases / 6 && failures.Count < 3; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var whole = Canonical(RunEngine(t, 0));
            var split = Canonical(RunEngine(t, maxBatch));
            if (!Same(whole, split)) failures.Add(Describe(seed, t, whole, split, $"batches of 1..{maxBatch} differ from one batch"));
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
    }
}
