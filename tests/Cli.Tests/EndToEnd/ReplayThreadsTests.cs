using System.Globalization;
using System.Text.Json;

namespace TraceTools.Tests.EndToEnd;

/// <summary><c>replay --threads N</c>: decode, hb and the data shards as a pipeline report exactly what one thread reports.</summary>
[TestClass]
public sealed class ReplayThreadsTests
{
    /// <summary>The findings of a JSON report (everything but the run statistics).</summary>
    static string Findings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").GetRawText();
    }

    static (int Exit, string Findings) Replay(string trace, int threads)
    {
        var (exit, output, error) = RepoPaths.Run("replay", trace, "--format", "json", "--all", "--quiet",
            "--threads", threads.ToString(CultureInfo.InvariantCulture));
        Assert.IsTrue(exit is 0 or 1, error);
        return (exit, Findings(output));
    }

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void Replay_SynthTraceWithThreads123_SameFindings(string arch)
    {
        string dir = Directory.CreateTempSubdirectory("tt-threads").FullName;
        try
        {
            string trace = Path.Combine(dir, "mix.trace");
            var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "200000", "--arch", arch,
                "--seed", "11", "--inject", "0.05", "-o", trace);
            Assert.AreEqual(0, synth.Exit, synth.Err);
            var one = Replay(trace, 1);
            StringAssert.Contains(one.Findings, "\"dma-race\"", "the trace must hold findings of the shards' detector");
            StringAssert.Contains(one.Findings, "\"stale-dma-read\"", "and of the hb stage's");
            foreach (int threads in new[] { 2, 3 })
                Assert.AreEqual(one, Replay(trace, threads), $"--threads {threads}");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// The same events in 7-event chunks, which the decode thread merges into batches of thousands of events
    /// (<c>ChunkRun</c>), with byte offsets that are not multiples of 8: the findings of one thread.
    /// </summary>
    [TestMethod]
    public void Replay_SmallChunksMergedWithThreads123_SameFindings()
    {
        string dir = Directory.CreateTempSubdirectory("tt-threads").FullName;
        try
        {
            string large = Path.Combine(dir, "mix.trace"), small = Path.Combine(dir, "small.trace");
            var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "20000", "--seed", "11", "--inject", "0.05", "-o", large);
            Assert.AreEqual(0, synth.Exit, synth.Err);
            string scn = Path.Combine(dir, "small.scn");
            File.WriteAllText(scn, RepoPaths.Run("dump", large).Out);
            var gen = RepoPaths.Run("gen", scn, "-o", small, "--chunk-events", "7");
            Assert.AreEqual(0, gen.Exit, gen.Err);
            var one = Replay(large, 1);
            StringAssert.Contains(one.Findings, "\"dma-race\"", "the trace must hold findings of the shards' detector");
            StringAssert.Contains(one.Findings, "\"stale-dma-read\"", "and of the hb stage's");
            foreach (int threads in new[] { 1, 2, 3 })
                Assert.AreEqual(one, Replay(small, threads), $"7-event chunks, --threads {threads}");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// Without <c>--threads</c>, a trace of tiny chunks replays on one thread: reading them is most of the work, so two
    /// threads take as long for twice the CPU; <c>--threads 2</c> is still obeyed.
    /// </summary>
    [TestMethod]
    public void Replay_DefaultThreadsOnTinyChunks_OneThread()
    {
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("one core: the default is one thread anyway");
        string dir = Directory.CreateTempSubdirectory("tt-threads").FullName;
        try
        {
            string tiny = Path.Combine(dir, "tiny.trace"), large = Path.Combine(dir, "large.trace");
            var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "4000", "--seed", "3", "-o", large);
            Assert.AreEqual(0, synth.Exit, synth.Err);
            string scn = Path.Combine(dir, "tiny.scn");
            File.WriteAllText(scn, RepoPaths.Run("dump", large).Out);
            var gen = RepoPaths.Run("gen", scn, "-o", tiny, "--chunk-events", "4");
            Assert.AreEqual(0, gen.Exit, gen.Err);
            static string Decode(params string[] args)
            {
                var (exit, output, error) = RepoPaths.Run(["replay", .. args, "--stats", "--quiet"]);
                Assert.IsTrue(exit is 0 or 1, error);
                return output.TrimEnd().Split('\n')[^1];
            }
            Assert.DoesNotContain("(2nd core)", Decode(tiny));
            StringAssert.Contains(Decode(tiny, "--threads", "2"), "(2nd core)");
            StringAssert.Contains(Decode(large), "(2nd core)", "4,000 events in one chunk");
        }
        finally { Directory.Delete(dir, true); }
    }

    public static IEnumerable<object[]> Samples =>
        Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Replay_SampleWithThreads123_SameFindings(string sample)
    {
        string dir = Directory.CreateTempSubdirectory("tt-threads").FullName;
        try
        {
            string trace = Path.Combine(dir, "sample.trace");
            var gen = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample), "-o", trace);
            Assert.AreEqual(0, gen.Exit, gen.Err);
            var one = Replay(trace, 1);
            foreach (int threads in new[] { 2, 3 })
                Assert.AreEqual(one, Replay(trace, threads), $"{sample}: --threads {threads}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("65")]
    public void Replay_ThreadsOutOfRange_UsageError(string threads)
    {
        var (exit, _, error) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--threads", threads);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(error, "--threads takes 1 to 64");
    }
}
