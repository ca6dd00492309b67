using System.Text.RegularExpressions;
using TraceTools.Replay.Findings;

namespace TraceTools.Tests.EndToEnd;

/// <summary>The README's two commands must keep working (the main job on a bundled sample, and the tests), and what it says of the samples stays true.</summary>
[TestClass]
public sealed partial class ReadMeTests
{
    [GeneratedRegex(@"```sh\n(?<cmd>[^\n]+)\n```")]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"```\n(?<report>error\[.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleReport();

    [GeneratedRegex(@"`tracetools check samples/traces` runs the (?<n>\d+) sample scenarios")]
    private static partial Regex SampleCount();

    static string ReadMe => File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    static List<string> Commands() =>
        [.. ShellBlock().Matches(ReadMe).Select(m => m.Groups["cmd"].Value)];

    [TestMethod]
    public void ReadMe_MainJob_ReplaysBundledSampleAndShowsTheFinding()
    {
        var main = Commands()[0];
        const string prefix = "dotnet run --project src/Cli -- ";
        StringAssert.StartsWith(main, prefix);
        var args = main[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(RepoPaths.Root, a) : a).ToArray();
        var (exit, output, error) = RepoPaths.Run(args);
        Assert.AreEqual(1, exit, "the sample holds a real bug, so replay exits 1: " + error);
        StringAssert.Contains(output, "error[stale-dma-read]");
        Assert.AreEqual(ExampleReport().Match(ReadMe).Groups["report"].Value.ReplaceLineEndings("\n"),
            output.ReplaceLineEndings("\n"), "the README's example report is what the main job prints");
    }

    [TestMethod]
    public void ReadMe_SampleCount_IsTheBundledScenarios()
    {
        var m = SampleCount().Match(ReadMe);
        Assert.IsTrue(m.Success, "the README says how many sample scenarios `check` runs");
        Assert.AreEqual(Directory.GetFiles(RepoPaths.Samples, "*.scn").Length, int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void ReadMe_DetectorList_NamesEveryKind()
    {
        int at = ReadMe.IndexOf("- **Detectors**:", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, "the README lists the detectors");
        string list = ReadMe[at..ReadMe.IndexOf("\n- **", at + 1, StringComparison.Ordinal)];
        foreach (var kind in FindingKinds.All)
            Assert.Contains($"`{kind.Name()}`", list, $"the README's detector list leaves out {kind.Name()}");
    }

    [TestMethod]
    public void ReadMe_TestCommand_IsWhatCiRuns()
    {
        Assert.AreEqual("dotnet test", Commands()[1]);
        StringAssert.Contains(File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run")), "dotnet test");
    }
}
