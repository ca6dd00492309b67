using TraceTools.Cli.Reports;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// A <c>--baseline</c> that is no JSON report is refused at its first bad byte without being read whole: read whole
/// first, <c>/dev/zero</c> ended in an out-of-memory line (advice about <c>--threads</c>) and a binary was held whole.
/// A value that never ends is read up to its cap (docs/reports.md).
/// </summary>
[TestClass]
public sealed class BaselineReadTests
{
    [TestMethod]
    public void DevZeroAsBaseline_RefusedAtLineOneUnderHeapCap()
    {
        if (!File.Exists("/dev/zero")) Assert.Inconclusive("no /dev/zero here");
        string trace = Path.Combine(EndToEnd.RepoPaths.Samples, "hisi-qm-mailbox.trace");

        var (exit, _, err) = ChildTool.Run(["replay", trace, "--baseline", "/dev/zero"], heapLimitBytes: 256L << 20, timeout: TimeSpan.FromSeconds(60));

        HardeningAsserts.OneLineError(exit, err, "/dev/zero:1:1: not a JSON report: '0x00' is an invalid start of a value");
    }

    [TestMethod]
    public void DevZeroAsBaseline_ReadsOneChunk()
    {
        if (!File.Exists("/dev/zero")) Assert.Inconclusive("no /dev/zero here");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<ReportFileException>(() => Baseline.Load("/dev/zero"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.StartsWith(e.Message, "/dev/zero:1:1: not a JSON report: '0x00' is an invalid start of a value");
        Assert.IsLessThan(1L << 20, allocated, $"allocated {allocated:N0} bytes");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("\uFEFF")]
    public void EndlessString_RefusedAtItsStartPastTheCap(string mark)
    {
        // A valid start that does not end within the cap: named at its opening quote (after the mark, as an editor counts).
        using var s = new Scratch();
        string path = s.Write("long.json", mark + "{\"findings\": [\n  \"" + new string('a', 3 << 20));
        var e = Assert.ThrowsExactly<ReportFileException>(() => Baseline.Load(path));
        Assert.AreEqual($"{path}:2:3: not a JSON report: a value longer than 1,048,576 bytes", e.Message);
    }

    [TestMethod]
    public void LongestValue_Read()
    {
        // A string of the cap less its quotes is read; the report's own strings are far shorter.
        using var s = new Scratch();
        string identity = new('a', BaselineBytes.MaxValueBytes - 2);
        string path = s.Write("ok.json", "{\"findings\": [{\"identity\": \"" + identity + "\"}]}");
        Assert.AreEqual(1, Baseline.Load(path).Count);
        string over = s.Write("over.json", "{\"findings\": [{\"identity\": \"" + identity + "a\"}]}");
        StringAssert.EndsWith(Assert.ThrowsExactly<ReportFileException>(() => Baseline.Load(over)).Message, "a value longer than 1,048,576 bytes");
    }

    [TestMethod]
    public void BadByteAfterManyChunks_SameErrorAsTheWholeFile()
    {
        // The check stops in the chunk of the bad byte; the parse of what was read words it as the whole file's would.
        using var s = new Scratch();
        var items = string.Join(",\n", Enumerable.Range(0, 20_000).Select(i => $"{{\"identity\": \"dma-race site{i}\"}}"));
        string path = s.Write("late.json", "{\"findings\": [" + items + ",\n  x]}" + new string(' ', 1 << 20));
        var e = Assert.ThrowsExactly<ReportFileException>(() => Baseline.Load(path));
        Assert.AreEqual($"{path}:20001:3: not a JSON report: 'x' is an invalid start of a value.", e.Message);
    }
}
