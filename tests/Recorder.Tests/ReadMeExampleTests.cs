using System.Text.Json;
using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

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

    /// <summary>
    /// The README's used-bits program (the C block after "**Used bits.**") compiles, runs, and its trace holds the
    /// three rules its comments spell in the scenario language; `dump` prints the `used` lines the README shows.
    /// </summary>
    [TestMethod]
    public void ReadMe_UsedBitsProgram_HeaderHoldsItsRulesAndDumpShowsThem()
    {
        string readme = File.ReadAllText(Path.Combine(CProgram.LibraryDir, "README.md")).ReplaceLineEndings("\n");
        int at = readme.IndexOf("**Used bits.**", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, "the README lost its used-bits paragraph");
        at = readme.IndexOf("```c\n", at, StringComparison.Ordinal) + "```c\n".Length;
        string source = readme[at..readme.IndexOf("```", at, StringComparison.Ordinal)];
        string dir = Directory.CreateTempSubdirectory("tt-readme-used-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ste.c"), source);
            using var program = new CProgram(dir, "ste.c");
            var (exit, _, err) = program.Run();
            Assert.AreEqual(0, exit, err);
            string trace = Path.Combine(program.Dir, "ste.trace");

            using (var reader = TraceReader.Open(trace))
            {
                static EntryBits B(uint high, uint low) => new(low, high);
                var expected = new UsedBits([
                    new UsedRule([B(3, 1)], []),
                    new UsedRule([B(109, 108)], [new(B(3, 1), 0x1, 0x1), new(B(65, 64), 0x3, 0x1)]),
                    new UsedRule([B(109, 108), B(243, 196)], [new(B(3, 1), 0x2, 0x2)]),
                ]);
                Assert.AreEqual(expected, reader.Metadata.Regions.Single(r => r.Name == "ste").UsedBits);
            }
            var (dumpExit, dump, dumpErr) = CProgram.Cli("dump", trace);
            Assert.AreEqual(0, dumpExit, dumpErr);
            CProgram.AssertReadmeShows(dump, "used ste");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
