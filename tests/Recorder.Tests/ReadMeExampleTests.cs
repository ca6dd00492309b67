using System.Text.Json;
using TraceTools.Tests.Recorder.Support;

namespace TraceTools.Tests.Recorder;

/// <summary>recorder/c/README.md's whole program compiles, runs and is reported as the README says.</summary>
[TestClass]
public sealed class ReadMeExampleTests
{
    [TestMethod]
    public void ReadMe_WholeProgram_ReplayReportsTheStaleReadAtTheLinesItNames()
    {
        string readme = File.ReadAllText(Path.Combine(CProgram.LibraryDir, "README.md"));
        const string start = "```c\n";
        int at = readme.IndexOf(start, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, "the README lost its C program");
        at += start.Length;
        string source = readme[at..readme.IndexOf("```", at, StringComparison.Ordinal)];
        string dir = Directory.CreateTempSubdirectory("tt-readme-c-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "mailbox.c"), source);
            using var program = new CProgram(dir, "mailbox.c");
            var (exit, _, err) = program.Run();
            Assert.AreEqual(0, exit, err);
            string trace = Path.Combine(program.Dir, "mailbox.trace");

            var (replayExit, json, _) = CProgram.Cli("replay", trace, "--format", "json");
            Assert.AreEqual(1, replayExit);
            using var doc = JsonDocument.Parse(json);
            var finding = doc.RootElement.GetProperty("findings")[0];
            Assert.AreEqual(1, doc.RootElement.GetProperty("findings").GetArrayLength());
            Assert.AreEqual("stale-dma-read", finding.GetProperty("kind").GetString());
            var related = finding.GetProperty("instances")[0].GetProperty("related");
            var sites = related.EnumerateArray().Select(r => r.GetProperty("site").GetString()).ToList();
            // The README's sentence under the program names these two lines.
            CollectionAssert.AreEqual(new[] { "mailbox.c:13", "mailbox.c:14" }, sites);
            StringAssert.Contains(readme, "`mailbox.c:13` and `mailbox.c:14`");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
