using TraceTools.Cli;

namespace TraceTools.Tests;

/// <summary>The README's "Recording a trace" commands run as written (so the section cannot rot).</summary>
[TestClass]
public sealed class ReadmeRecordingTests
{
    static string Root
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "TraceTools.sln"))) dir = Path.GetDirectoryName(dir)!;
            return dir;
        }
    }

    static List<string[]> Commands()
    {
        var readme = File.ReadAllLines(Path.Combine(Root, "README.md"));
        int start = Array.IndexOf(readme, "## Recording a trace");
        Assert.IsGreaterThanOrEqualTo(0, start, "README has a 'Recording a trace' section");
        var commands = new List<string[]>();
        for (int i = start + 1; i < readme.Length && !readme[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            const string prefix = "dotnet run --project src/Cli -- ";
            if (readme[i].StartsWith(prefix, StringComparison.Ordinal))
                commands.Add(readme[i][prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        return commands;
    }

    [TestMethod]
    public void Readme_RecordingCommands_ImportEveryFormat()
    {
        var commands = Commands();
        CollectionAssert.AreEquivalent(new[] { "ftrace", "mmiotrace", "steps", "qemu" }, commands.Select(c => c[1]).ToArray());
        using var h = new ImportHarness();
        foreach (var args in commands)
        {
            // Inputs relative to the repository root; the output into a temporary directory.
            var fixedArgs = args.Select((a, i) => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(Root, a)
                : i > 0 && args[i - 1] == "-o" ? Path.Combine(h.Dir, a) : a).ToArray();
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int rc = CommandLine.Run(fixedArgs, stdout, stderr);
            Assert.AreEqual(0, rc, stderr.ToString());
            StringAssert.StartsWith(stderr.ToString(), "imported ");
            var events = h.Read(fixedArgs[Array.IndexOf(fixedArgs, "-o") + 1]);
            Assert.IsNotEmpty(events, string.Join(' ', args));
        }
    }

    [TestMethod]
    public void Readme_StepsSample_ReplayFindsTheMissingClean()
    {
        using var h = new ImportHarness();
        string trace = Path.Combine(h.Dir, "nic-steps.trace");
        var stderr = new StringWriter();
        Assert.AreEqual(0, CommandLine.Run(["import", "steps", Path.Combine(Root, "samples/recording/nic.steps.txt"),
            "--layout", Path.Combine(Root, "samples/recording/nic-layout.scn"), "-o", trace, "--quiet"], new StringWriter(), stderr));
        Assert.AreEqual("", stderr.ToString());
        var report = new StringWriter();
        Assert.AreEqual(CommandLine.Findings, CommandLine.Run(["replay", trace], report, new StringWriter()));
        StringAssert.Contains(report.ToString(), "error[missing-cache-clean]");
    }
}
