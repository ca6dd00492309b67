using TraceTools.Cli.Checking;
using TraceTools.Cli.Verbs;
using TraceTools.Scenarios;

namespace TraceTools.Tests.EndToEnd;

/// <summary>Every sample scenario is a regression test: its expect lines must hold under replay.</summary>
[TestClass]
public sealed class SampleCheckTests
{
    /// <summary>Each .scn file in samples/traces.</summary>
    public static IEnumerable<object[]> Samples =>
        Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Check_Sample_ExpectationsHold(string file)
    {
        var scenario = ScenarioCompiler.CompileFile(Path.Combine(RepoPaths.Samples, file));
        Assert.IsNotEmpty(scenario.Expectations, $"{file} has no expect line");
        var verdict = ExpectationVerdict.Judge(scenario.Expectations, CheckVerb.Replay(scenario));
        Assert.IsNull(verdict, $"{file}: {verdict}");
    }

    [TestMethod]
    public void Judge_CountBelowTheFindings_Fails()
    {
        // The hisi_qm seed case has exactly one stale-dma-read (scenario-language.md, "The seed cases"), and
        // 'expect K count N' means exactly N: count 0 fails as surely as count 2 does.
        string text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.scn"))
            .Replace("expect stale-dma-read count 1", "expect stale-dma-read count 0", StringComparison.Ordinal);
        var scenario = ScenarioCompiler.Compile(text, "q.scn");
        var verdict = ExpectationVerdict.Judge(scenario.Expectations, CheckVerb.Replay(scenario));
        Assert.IsNotNull(verdict);
        StringAssert.StartsWith(verdict.Text, "expected stale-dma-read count 0, got 1");
        Assert.AreEqual("expect stale-dma-read count 0", verdict.At?.ToString());
    }

    [TestMethod]
    public void CheckVerb_SamplesFolder_PrintsPassPerScenarioAndExitsZero()
    {
        var (exit, output, error) = RepoPaths.Run("check", RepoPaths.Samples);
        int scenarios = Directory.GetFiles(RepoPaths.Samples, "*.scn").Length;
        Assert.AreEqual(0, exit, output + error);
        Assert.AreEqual(scenarios, output.Split('\n').Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)));
        StringAssert.Contains(output, $"{scenarios} passed, 0 failed");
    }

    [TestMethod]
    public void CheckVerb_WrongExpectation_FailsWithExitOneAndSaysWhatWasFound()
    {
        string dir = Directory.CreateTempSubdirectory("tt-check").FullName;
        try
        {
            string text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.scn"))
                .Replace("expect stale-dma-read count 1", "expect stale-dma-read count 2", StringComparison.Ordinal);
            string path = Path.Combine(dir, "wrong.scn");
            File.WriteAllText(path, text);
            var (exit, output, _) = RepoPaths.Run("check", path);
            Assert.AreEqual(1, exit);
            // The failing expect line's place as editors open it (file:line:column), where the contract's "name" is.
            int line = Array.IndexOf(text.Split('\n'), "expect stale-dma-read count 2") + 1;
            Assert.IsGreaterThan(0, line, text);
            string name = ScenarioCompiler.Compile(text, path).Metadata.Name;
            StringAssert.StartsWith(output, $"FAIL {name} ({path}:{line}:1): expected stale-dma-read count 2, got 1 (stale-dma-read ×1)");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void CheckVerb_ScenarioWithError_ExitsTwoWithFileLineColumn()
    {
        string dir = Directory.CreateTempSubdirectory("tt-check").FullName;
        try
        {
            string path = Path.Combine(dir, "bad.scn");
            File.WriteAllText(path, "arch arm64\ncpu cpu0\ncpu0: barrier dmb.oshs\n");
            var (exit, _, error) = RepoPaths.Run("check", path);
            Assert.AreEqual(2, exit);
            StringAssert.Contains(error, "bad.scn:3:");
            Assert.DoesNotContain("   at ", error, "no stack trace");
        }
        finally { Directory.Delete(dir, true); }
    }
}
