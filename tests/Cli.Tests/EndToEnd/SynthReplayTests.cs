using System.Text.Json;

namespace TraceTools.Tests.EndToEnd;

/// <summary>synth → replay through the verbs: the report names exactly the truth file's findings, on one thread or two.</summary>
[TestClass]
public sealed class SynthReplayTests
{
    [TestMethod]
    [DataRow("arm64", 1)]
    [DataRow("arm64", 2)]
    [DataRow("riscv64", 1)]
    [DataRow("x86_64", 2)]
    public void SynthThenReplay_InjectedBugs_ReportEqualsTruth(string arch, int threads)
    {
        string dir = Directory.CreateTempSubdirectory("tt-synth").FullName;
        try
        {
            string trace = Path.Combine(dir, "mix.trace");
            var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "150000", "--arch", arch,
                "--seed", "7", "--inject", "0.05", "-o", trace);
            Assert.AreEqual(0, synth.Exit, synth.Err);
            var truth = Truth(trace + ".truth.json");
            Assert.IsGreaterThan(10, truth.Count, "the injection produced findings to look for");

            var replay = RepoPaths.Run("replay", trace, "--format", "json", "--all", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet");
            Assert.AreEqual(1, replay.Exit, replay.Err);
            CollectionAssert.AreEquivalent(truth, Reported(replay.Out));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SynthThenReplay_NoInjection_ExitsZeroWithNoFindings()
    {
        string dir = Directory.CreateTempSubdirectory("tt-synth").FullName;
        try
        {
            string trace = Path.Combine(dir, "clean.trace");
            Assert.AreEqual(0, RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "100000", "-o", trace).Exit);
            var replay = RepoPaths.Run("replay", trace, "--quiet");
            Assert.AreEqual(0, replay.Exit, replay.Out + replay.Err);
            Assert.AreEqual("0 errors, 0 warnings in 0 groups", replay.Out.Trim().Split('\n')[^1]);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The truth file's findings as <c>kind@trigger</c>.</summary>
    internal static List<string> Truth(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.GetProperty("bugs").EnumerateArray().Select(b => $"{b.GetProperty("kind").GetString()}@{b.GetProperty("trigger").GetInt64()}")];
    }

    /// <summary>A json report's findings as <c>kind@trigger</c>, one per instance.</summary>
    internal static List<string> Reported(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().SelectMany(g =>
            g.GetProperty("instances").EnumerateArray().Select(i => $"{g.GetProperty("kind").GetString()}@{i.GetProperty("trigger").GetProperty("index").GetInt64()}"))];
    }
}
