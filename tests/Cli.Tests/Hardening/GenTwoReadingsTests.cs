using System.Text;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// gen reads a scenario file of more steps than it holds twice (the header, then the events): the trace is the
/// one a single reading of the whole program writes, and an error is the same line with the same exit code.
/// </summary>
[TestClass]
public sealed class GenTwoReadingsTests
{
    const int Steps = StreamedScenario.DefaultHeldSteps + 3_000;

    static string LongScenario(string last)
    {
        var text = new StringBuilder("scenario \"long\"\narch arm64\ncpu cpu0\ndevice nic\nram buf 0x8000_0000 size 0x1000\n");
        for (int i = 0; i < Steps; i++)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"cpu0: store buf + 0x{i * 8 % 0x1000:x} size 8 @ \"rx.c:{i % 777}\"\nnic: dma_read buf + 0x{i * 16 % 0x1000:x} size 16\n");
        return text.Append(last).ToString();
    }

    [TestMethod]
    public void Gen_LongScenarioFile_SameTraceAsOneReading()
    {
        using var s = new Scratch();
        string scn = s.Write("long.scn", LongScenario("repeat 3 as i {\n  cpu0: load buf + i size 1 @ \"end\"\n}\nexpect none\n"));

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", s.Path("long.trace"));

        Assert.AreEqual(0, exit, err);
        var whole = ScenarioCompiler.CompileFile(scn);
        var expected = new MemoryStream();
        using (var writer = new TraceWriter(expected, whole.Metadata))
        {
            whole.Generate(writer);
            writer.Complete();
        }
        CollectionAssert.AreEqual(expected.ToArray(), File.ReadAllBytes(s.Path("long.trace")));
    }

    [TestMethod]
    [DataRow("cpu0: stor buf size 4\n", DisplayName = "compile error")]
    [DataRow("repeat 2 as i {\n  cpu0: store buf + 0xff8 size 8 + i * 8\n}\n", DisplayName = "generation error")]
    public void Gen_LongScenarioFile_ErrorOnTheLastLines_SameErrorNothingWritten(string last)
    {
        using var s = new Scratch();
        string scn = s.Write("long.scn", LongScenario(last));
        var expected = Assert.Throws<ScenarioException>(() =>
        {
            var whole = ScenarioCompiler.CompileFile(scn);
            whole.Generate(new EventBatch(16));
        });

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", s.Path("long.trace"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, expected.Message);
        Assert.IsGreaterThan(2 * Steps, expected.Line, "the error is past the steps gen holds");
        Assert.IsFalse(File.Exists(s.Path("long.trace")));
    }

    [TestMethod]
    [DataRow("expect none\n", 0)]
    [DataRow("cpu0: stor buf size 4\n", 2)]
    [DoNotParallelize] // no other gen of this process may hold a spool while the temporary directory is looked at
    public void Gen_LongScenarioFromAFifo_SpooledForTheSecondReading_SpoolDeleted(string last, int exit)
    {
        using var s = new Scratch();
        string fifo = s.Path("long.fifo");
        if (!Scratch.Shell("mkfifo", fifo)) Assert.Inconclusive("mkfifo is not available");
        string text = LongScenario(last);
        string scn = s.Write("long.scn", text);
        var writer = Task.Run(() =>
        {
            using var f = new StreamWriter(new FileStream(fifo, FileMode.Open, FileAccess.Write));
            f.Write(text);
        });

        var fromFifo = RepoPaths.Run("gen", fifo, "-o", s.Path("fifo.trace"));

        Assert.IsTrue(writer.Wait(TimeSpan.FromSeconds(20)));
        var fromFile = RepoPaths.Run("gen", scn, "-o", s.Path("file.trace"));
        Assert.AreEqual(exit, fromFifo.Exit, fromFifo.Err);
        Assert.AreEqual(fromFile.Err.Replace(scn, fifo, StringComparison.Ordinal), fromFifo.Err);
        if (exit == 0) CollectionAssert.AreEqual(File.ReadAllBytes(s.Path("file.trace")), File.ReadAllBytes(s.Path("fifo.trace")));
        Assert.IsEmpty(Directory.GetFiles(Path.GetTempPath(), $"tracetools-gen.tmp-{Environment.ProcessId}-*"), "the spool is deleted");
    }
}
