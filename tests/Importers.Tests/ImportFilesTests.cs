using System.Diagnostics;
using TraceTools.Cli;
using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>
/// The import verb's files: <c>-o</c> goes through the CLI's output target (a symlink written through, a FIFO
/// written in place, never replaced by a file), and an input, layout or symbols file that cannot be read is one
/// line naming it, exit 2, before any reading.
/// </summary>
[TestClass]
public sealed class ImportFilesTests
{
    static readonly string Line = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a+0x1/0x2", "b+0x1/0x2", 32, 1, 0xffff800010000000));

    static (int Exit, string Err) Import(ImportHarness h, string output, params string[] extra)
    {
        var err = new StringWriter();
        int exit = CommandLine.Run(["import", "ftrace", h.File("trace", Line), "--layout", h.File("layout.scn", NicLayout),
            "-o", output, "--quiet", .. extra], new StringWriter(), err);
        return (exit, err.ToString());
    }

    [TestMethod]
    public void Import_OutputSymlink_WritesThroughAndKeepsTheLink()
    {
        using var h = new ImportHarness();
        string real = h.File("real.trace", "old");
        string link = Path.Combine(h.Dir, "link.trace");
        File.CreateSymbolicLink(link, "real.trace");

        var (exit, err) = Import(h, link);

        Assert.AreEqual(0, exit, err);
        Assert.IsNotNull(new FileInfo(link).LinkTarget, "the symlink was replaced by a file");
        AssertTheWrite(h.Read(real));
    }

    [TestMethod]
    public void Import_OutputFifo_StreamsIntoItAndKeepsTheFifo()
    {
        using var h = new ImportHarness();
        string fifo = Path.Combine(h.Dir, "out.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var reader = Task.Run(() =>
        {
            using var f = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            using var copy = new MemoryStream();
            f.CopyTo(copy);
            return copy.ToArray();
        });

        var (exit, err) = Import(h, fifo);

        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(reader.Wait(TimeSpan.FromSeconds(20)), "nothing was written into the fifo");
        File.WriteAllBytes(Path.Combine(h.Dir, "copy.trace"), reader.Result);
        AssertTheWrite(h.Read(Path.Combine(h.Dir, "copy.trace")));
        Assert.AreEqual("fifo", TypeOf(fifo), "the fifo was replaced by a file");
        CollectionAssert.AreEquivalent(new[] { "trace", "out.fifo", "copy.trace" }, h.Leftovers());
    }

    /// <summary>The one writel of <see cref="Line"/>: its implied barrier, then the MMIO write of 1.</summary>
    static void AssertTheWrite(List<ImportedEvent> events)
    {
        CollectionAssert.AreEqual(new[] { EventKind.Barrier, EventKind.MmioWrite }, events.Select(e => e.Kind).ToArray());
        Assert.AreEqual(1UL, events[1].Value);
    }

    static string TypeOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        string type = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return type;
    }

    [TestMethod]
    [DataRow("input")]
    [DataRow("layout")]
    [DataRow("symbols")]
    public void Import_MissingFile_OneLineNamingItNothingWritten(string which)
    {
        using var h = new ImportHarness();
        string missing = Path.Combine(h.Dir, "missing");
        string output = Path.Combine(h.Dir, "out.trace");
        var err = new StringWriter();
        string input = which == "input" ? missing : h.File("trace", Line);
        string layout = which == "layout" ? missing : h.File("layout.scn", NicLayout);
        string[] symbols = which == "symbols" ? ["--symbols", missing] : [];

        int exit = CommandLine.Run(["import", "ftrace", input, "--layout", layout, "-o", output, .. symbols], new StringWriter(), err);

        Assert.AreEqual(CommandLine.BadInput, exit);
        StringAssert.StartsWith(err.ToString(), missing + ": ");
        StringAssert.Contains(err.ToString(), "no such file");
        Assert.AreEqual(1, err.ToString().TrimEnd('\n').Split('\n').Length, err.ToString());
        Assert.IsFalse(File.Exists(output));
    }
}
