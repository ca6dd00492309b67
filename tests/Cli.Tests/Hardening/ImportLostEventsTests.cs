namespace TraceTools.Tests.Hardening;

/// <summary><c>import</c> of a capture that lost events: the trace is written (exit 0), the warning is on stderr, even with --quiet.</summary>
[TestClass]
public sealed class ImportLostEventsTests
{
    const string Layout = """
        scenario "nic"
        arch arm64
        cpu cpu0, cpu1
        device nic noncoherent
        mmio regs 0xffff800010000000 size 0x1000 device nic
        """;

    const string Capture = """
        CPU:0 [LOST 42 EVENTS]
          kworker/0:1-42 [000] ..... 100.000200: rwmmio_write: a+0x1/0x2 -> b+0x1/0x2 width=32 val=0x1 addr=0xffff800010000010

        """;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Import_LostEventsMarker_TraceWrittenAndWarningOnStderr(bool quiet)
    {
        using var s = new Scratch();
        string[] args = ["import", "ftrace", s.Write("trace.txt", Capture), "--layout", s.Write("layout.scn", Layout), "-o", s.Path("out.trace")];
        var (exit, stdout, err) = EndToEnd.RepoPaths.Run(quiet ? [.. args, "--quiet"] : args);

        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("", stdout);
        Assert.IsTrue(File.Exists(s.Path("out.trace")));
        StringAssert.Contains(err, "warning: incomplete capture: 42 events were lost while recording; replay results on this trace may miss findings");
        StringAssert.Contains(err, $"{s.Path("trace.txt")}: cpu 0: 42 events lost");
        Assert.AreEqual(!quiet, err.Contains("imported 2 events", StringComparison.Ordinal), err);
    }
}
