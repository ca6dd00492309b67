using System.Text.Json;
using TraceTools.Tests.Hardening;

namespace TraceTools.Tests.EndToEnd;

/// <summary>
/// Findings under every <c>TRACETOOLS_SIMD</c> setting equal the default's, end to end: decode, shadow and clocks.
/// The decode kernels (<c>SimdSetting</c>) and the shadow's word-cell kernels (<c>WordCells.Vectorized</c>, which
/// also picks <c>WholeWords</c>' vector path) are static readonly fields read once per process, and the JIT may fold
/// them into the code, so each setting runs in a child process started with it (the default with the variable
/// removed), never by setting the field in this one.
/// </summary>
[TestClass]
public sealed class SimdSettingFindingsTests
{
    /// <summary>
    /// The values the code accepts other than the default (ClockSimdSelector.Pick, SimdSetting, WordCells):
    /// <c>scalar</c> forces every kernel's scalar twin (decode, word cells, clocks); <c>v256</c> the 256-bit clock
    /// kernel (decode and word cells keep their widest, as no setting but scalar changes them). The default on
    /// an AVX-512 machine is <c>v512</c>'s.
    /// </summary>
    static readonly string[] Settings = ["scalar", "v256"];

    static Dictionary<string, string?> Simd(string? setting) => new() { ["TRACETOOLS_SIMD"] = setting };

    /// <summary>The clock kernel a setting picks, as the child reports it: proof the variable reached the child.</summary>
    static string KernelOf(string? setting) => setting switch
    {
        "scalar" => "Scalar",
        "v256" => "V256",
        _ => TraceTools.Replay.Clocks.ClockSimdSelector.Pick(null).ToString(),
    };

    /// <summary>Each trace of <paramref name="dir"/> to its findings (compact json), replayed in one child under <paramref name="setting"/>.</summary>
    static Dictionary<string, string> ReplayEach(string dir, string? setting)
    {
        var (exit, output, err) = ChildTool.RunTestEntry(["replay-each", dir, "--all", "--quiet"], Simd(setting), TimeSpan.FromSeconds(120));
        Assert.AreEqual(0, exit, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual($"kernel: {KernelOf(setting)}", lines[0], $"TRACETOOLS_SIMD={setting} reached the child");
        var findings = new Dictionary<string, string>();
        for (int i = 1; i + 1 < lines.Length; i += 2)
        {
            var head = lines[i].Split(' ');
            Assert.IsTrue(head is ["#", _, "0" or "1"], $"{lines[i]}: {lines[i + 1]}");
            findings[head[1]] = lines[i + 1];
        }
        return findings;
    }

    /// <summary>
    /// Every sample (each .scn compiled by <c>gen</c> in this process, and the sample .trace files) replayed under each
    /// setting: the same findings as the default, kind, severity, trigger, related and text (the report's whole
    /// <c>findings</c>). Three children in all (about 10 s on two cores).
    /// </summary>
    [TestMethod]
    public void Samples_EachSimdSetting_SameFindingsAsDefault()
    {
        string dir = Directory.CreateTempSubdirectory("tt-simd-samples").FullName;
        try
        {
            var scenarios = Directory.GetFiles(RepoPaths.Samples, "*.scn");
            foreach (var scn in scenarios)
            {
                var gen = RepoPaths.Run("gen", scn, "-o", Path.Combine(dir, Path.GetFileNameWithoutExtension(scn) + ".scn.trace"));
                Assert.AreEqual(0, gen.Exit, $"{scn}: {gen.Err}");
            }
            var traces = Directory.GetFiles(RepoPaths.Samples, "*.trace");
            foreach (var trace in traces) File.Copy(trace, Path.Combine(dir, Path.GetFileName(trace)));

            var byDefault = ReplayEach(dir, null);
            Assert.HasCount(scenarios.Length + traces.Length, byDefault);
            Assert.IsGreaterThan(50, byDefault.Values.Count(f => f != "[]"), "most samples have findings to compare");
            foreach (var setting in Settings)
            {
                var other = ReplayEach(dir, setting);
                Assert.HasCount(byDefault.Count, other);
                foreach (var (name, findings) in byDefault)
                    Assert.AreEqual(findings, other[name], $"{name}: TRACETOOLS_SIMD={setting} finds otherwise than the default");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// A synth driver-mix trace with injected bugs replayed by the built tracetools under the default and each setting:
    /// each report names exactly the truth file's findings, and its <c>findings</c> equal the default's.
    /// </summary>
    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    [DataRow("x86_64")]
    public void SynthDriverMix_EachSimdSetting_FindingsEqualTruthAndDefault(string arch)
    {
        string dir = Directory.CreateTempSubdirectory("tt-simd-synth").FullName;
        try
        {
            string trace = Path.Combine(dir, "mix.trace");
            var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "150000", "--arch", arch,
                "--seed", "7", "--inject", "0.05", "-o", trace);
            Assert.AreEqual(0, synth.Exit, synth.Err);
            var truth = SynthReplayTests.Truth(trace + ".truth.json");
            Assert.IsGreaterThan(10, truth.Count, "the injection produced findings to look for");

            string? defaultFindings = null;
            foreach (var setting in (string?[])[null, .. Settings])
            {
                var replay = ChildTool.Run(["replay", trace, "--format", "json", "--all", "--quiet"], timeout: TimeSpan.FromSeconds(120), environment: Simd(setting));
                string under = setting is null ? "the default" : $"TRACETOOLS_SIMD={setting}";
                Assert.AreEqual(1, replay.Exit, $"{under}: {replay.Err}");
                CollectionAssert.AreEquivalent(truth, SynthReplayTests.Reported(replay.Out), $"{under}: the findings are not the truth");
                using var report = JsonDocument.Parse(replay.Out);
                string findings = JsonSerializer.Serialize(report.RootElement.GetProperty("findings"));
                defaultFindings ??= findings;
                Assert.AreEqual(defaultFindings, findings, $"{under} finds otherwise than the default");
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
