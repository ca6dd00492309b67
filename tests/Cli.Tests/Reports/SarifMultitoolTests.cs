using System.Diagnostics;
using System.Text.Json;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// The SARIF of the seed cases passes Microsoft's SARIF multitool, with GitHub code scanning's rules
/// (<c>--rule-kind Gh</c>) and the SARIF spec's own. .ci/run installs the tool from npm and sets
/// SARIF_MULTITOOL; elsewhere the tests look in .ci/run's install folder and are inconclusive without it.
/// </summary>
[TestClass]
public sealed class SarifMultitoolTests
{
    static string Tool()
    {
        string? path = Environment.GetEnvironmentVariable("SARIF_MULTITOOL");
        if (path is not null)
        {
            Assert.IsTrue(File.Exists(path), $"SARIF_MULTITOOL={path} does not exist");
            return path;
        }
        string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        path = Path.Combine(cache, "tracetools-ci", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
        if (!File.Exists(path)) Assert.Inconclusive("the SARIF multitool is not installed: .ci/run installs it (npm install @microsoft/sarif-multitool)");
        return path;
    }

    /// <summary>Runs <c>validate --rule-kind KIND</c> over the files (one run: the tool is slow to start) and returns what it reported.</summary>
    static List<(string Rule, string Level, string Text)> Validate(string[] sarif, string ruleKind)
    {
        string output = Path.Combine(Path.GetDirectoryName(sarif[0])!, ruleKind + ".validation.sarif.log");
        var psi = new ProcessStartInfo(Tool(), ["validate", .. sarif, "--rule-kind", ruleKind, "-o", output, "--log", "ForceOverwrite"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.IsTrue(p.WaitForExit(120_000), "multitool timed out");
        Assert.IsTrue(File.Exists(output), "multitool wrote no log: " + stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var found = new List<(string, string, string)>();
        foreach (var run in doc.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var results)) continue;
            foreach (var r in results.EnumerateArray())
            {
                string level = r.TryGetProperty("level", out var l) ? l.GetString()! : "warning";
                string text = r.GetProperty("message").TryGetProperty("text", out var t) ? t.GetString()! : "";
                found.Add((r.GetProperty("ruleId").GetString()!, level, text));
            }
        }
        return found;
    }

    [TestMethod]
    public void Multitool_SeedCasesAndSynthTraceWithEveryKind_NoGitHubOrSpecErrors()
    {
        string dir = Directory.CreateTempSubdirectory("tt-sarif").FullName;
        try
        {
            var files = new List<string>();
            foreach (var seed in new[] { "hisi-qm-mailbox", "vtd-pasid-clear-mangle", "vtd-context-present-before-payload" })
            {
                string sarif = Path.Combine(dir, seed + ".sarif");
                var (exit, _, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, seed + ".trace"), "--format", "sarif", "-o", sarif);
                Assert.AreEqual(1, exit, err);
                files.Add(sarif);
            }
            // Suppressed groups are results with a suppressions entry: the validators must accept that shape too.
            string supp = Path.Combine(dir, "supp.txt"), suppressed = Path.Combine(dir, "suppressed.sarif");
            File.WriteAllText(supp, "stale-dma-read * # fixed in firmware 2.1\n");
            var run = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--format", "sarif", "--suppressions", supp, "-o", suppressed);
            Assert.AreEqual(0, run.Exit, run.Err);
            StringAssert.Contains(File.ReadAllText(suppressed), "\"suppressions\"");
            files.Add(suppressed);
            // A trace piped in: locations without a physicalLocation where the trace file would be named (reports.md).
            string piped = Path.Combine(dir, "stdin.sarif");
            var fromStdin = Hardening.ChildTool.Run(["replay", "-", "--format", "sarif", "-o", piped], stdin: File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace")));
            Assert.AreEqual(1, fromStdin.Exit, fromStdin.Err);
            files.Add(piped);
            string trace = Path.Combine(dir, "dm.trace"), synth = Path.Combine(dir, "dm.sarif");
            Assert.AreEqual(0, RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "200000", "--inject", "0.05", "-o", trace, "--quiet").Exit);
            Assert.AreEqual(1, RepoPaths.Run("replay", trace, "--format", "sarif", "-o", synth, "--quiet").Exit);
            using (var doc = JsonDocument.Parse(File.ReadAllText(synth)))
            {
                int kinds = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).Distinct().Count();
                Assert.IsGreaterThanOrEqualTo(8, kinds, "the synthetic trace covers (almost) every kind");
            }
            files.Add(synth);
            foreach (var kind in new[] { "Gh", "Sarif" })
            {
                var problems = Validate([.. files], kind).Where(x => x.Level == "error" || x.Rule.StartsWith("GH", StringComparison.Ordinal)).ToList();
                Assert.IsEmpty(problems, $"{kind}: " + string.Join("\n", problems));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Multitool_ResultWithoutLocation_ReportsGh1015()
    {
        // The validator must be able to fail: the shape tracetools wrote before (no locations, rules without help).
        string dir = Directory.CreateTempSubdirectory("tt-sarif").FullName;
        try
        {
            string sarif = Path.Combine(dir, "old.sarif");
            File.WriteAllText(sarif, """
                {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tracetools","rules":[{"id":"stale-dma-read","shortDescription":{"text":"s"}}]}},
                 "results":[{"ruleId":"stale-dma-read","ruleIndex":0,"level":"error","message":{"text":"m"}}]}]}
                """);
            var rules = Validate([sarif], "Gh").Select(x => x.Rule).ToHashSet();
            Assert.Contains("GH1015", rules);
            Assert.Contains("GH2012", rules);
        }
        finally { Directory.Delete(dir, true); }
    }
}
