using System.Text.RegularExpressions;

namespace TraceTools.Tests.Qemu;

/// <summary>
/// docs/recording.md's qemu section stays true: its <c>tracetools</c> commands run as written (paths under
/// samples/ from the repository, outputs in a temporary directory), and each replay prints exactly the
/// report shown after it.
/// </summary>
[TestClass]
public sealed partial class RecordingDocTests
{
    [GeneratedRegex(@"```(\w*)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    static string QemuSection()
    {
        string doc = File.ReadAllText(Path.Combine(QemuLogs.RepoRoot, "docs", "recording.md"));
        int start = doc.IndexOf("\n### `qemu`", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, "docs/recording.md has no '### `qemu`' section");
        int end = new[] { doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal), doc.IndexOf("\n### ", start + 1, StringComparison.Ordinal) }
            .Where(i => i > 0).DefaultIfEmpty(doc.Length).Min();
        return doc[start..end];
    }

    [TestMethod]
    public void RecordingDoc_QemuCommands_PrintTheReportsShown()
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "addr2line"))))
            Assert.Inconclusive("addr2line (binutils) is not installed (.ci/run installs it)");
        using var h = new ImportHarness();
        var blocks = Fence().Matches(QemuSection()).Select(m => (Lang: m.Groups[1].Value, Text: m.Groups[2].Value)).ToList();
        int replays = 0;
        for (int b = 0; b < blocks.Count; b++)
        {
            if (blocks[b].Lang != "sh") continue;
            foreach (string line in blocks[b].Text.Split('\n').Where(l => l.StartsWith("tracetools ", StringComparison.Ordinal)))
            {
                var args = line["tracetools ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(QemuLogs.RepoRoot, a)
                        : a.EndsWith(".trace", StringComparison.Ordinal) ? Path.Combine(h.Dir, a) : a)
                    .ToArray();
                var o = new StringWriter();
                var e = new StringWriter();
                int exit = TraceTools.Cli.CommandLine.Run(args, o, e);
                if (args[0] != "replay")
                {
                    Assert.AreEqual(0, exit, $"{line}\n{e}");
                    continue;
                }
                Assert.IsTrue(b + 1 < blocks.Count && blocks[b + 1].Lang == "", $"no report shown after '{line}'");
                Assert.AreEqual(blocks[b + 1].Text.TrimEnd('\n'), o.ToString().TrimEnd('\n'), line);
                replays++;
            }
        }
        Assert.AreEqual(2, replays, "the section shows the replay of both recordings");
    }
}
