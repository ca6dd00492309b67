using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>Markers of events a capture lost: the rest is imported, the summary warns that the trace is incomplete.</summary>
[TestClass]
public sealed class LostEventsTests
{
    const ulong Regs = 0xffff800010000000;

    static string Write(int cpu, ulong micros) => Trace("t", 1, cpu, ".....", micros, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs));

    [TestMethod]
    public void Import_KernelAndTraceCmdMarkers_TheRestImportedAndTheLossSummed()
    {
        string text = TraceHeader.Replace("9/9", "10/14", StringComparison.Ordinal)
            + Write(0, 1) + "CPU:0 [LOST 42 EVENTS]\n" + Write(0, 2)
            + "CPU:1 [3 EVENTS DROPPED]\n" + Write(1, 3)
            + "CPU:1 [EVENTS DROPPED]\n"
            + "CPU:1 [LOST 18446744073709551615 EVENTS]\n" // the trace file's iterator: dropped, count unknown
            + Write(1, 4);
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)], relaxedMmio: true);

        Assert.AreEqual(4, events.Count(e => e.Kind == EventKind.MmioWrite));
        Assert.AreEqual(4, h.Summary.Skipped["lost-events marker"]);
        string file = Path.Combine(h.Dir, "trace");
        CollectionAssert.AreEquivalent(new[]
        {
            $"  {file}: 4 events overwritten in the full ring buffer (entries-in-buffer/entries-written: 10/14)",
            $"  {file}: cpu 0: 42 events lost",
            $"  {file}: cpu 1: 3 events lost, and more (2 markers without a count)",
        }, h.Summary.Warnings().Skip(1).ToArray());
        StringAssert.StartsWith(h.Summary.Warnings().First(), "warning: incomplete capture: 49 events or more were lost while recording; replay results on this trace may miss findings");
        CollectionAssert.IsSubsetOf(h.Summary.Warnings().ToArray(), h.Summary.Describe("out.trace").ToArray(), "the summary says it too");
    }

    [TestMethod]
    public void Import_CountsPast2To63_SumsStopThere_OneEventSingular()
    {
        // Markers are input: counts near 2^63, summed on one cpu and over cpus, must neither wrap nor throw (an
        // internal error after the trace was written).
        string text = Write(0, 1) + "CPU:0 [LOST 9223372036854775807 EVENTS]\n" + "CPU:0 [LOST 9223372036854775807 EVENTS]\n"
            + "CPU:1 [LOST 9223372036854775807 EVENTS]\n" + "CPU:2 [LOST 1 EVENTS]\n" + Write(0, 2);
        using var h = new ImportHarness();
        h.Run("ftrace", NicLayout, [("trace", text)], relaxedMmio: true);
        var warnings = h.Summary.Warnings().ToArray();
        StringAssert.StartsWith(warnings[0], "warning: incomplete capture: at least 9223372036854775807 events were lost");
        string file = Path.Combine(h.Dir, "trace");
        CollectionAssert.AreEquivalent(new[]
        {
            $"  {file}: cpu 0: at least 9223372036854775807 events lost",
            $"  {file}: cpu 1: at least 9223372036854775807 events lost", // the cap itself: no more is known
            $"  {file}: cpu 2: 1 event lost",
            $"    {file}:5:5: cpu 2 is not in the layout: {Path.Combine(h.Dir, "layout.scn")} declares 2 cpu(s), and the trace's cpu N is the N-th one declared; declare 3 or more to import this cpu's events",
        }, warnings.Skip(1).ToArray());
    }

    [TestMethod]
    public void Import_MarkerOfACpuPastTheLayout_WarningSaysWhereAndWhatToDo()
    {
        // cpu 3's events would be refused (not in the layout), so its markers say how to declare it, at the first one's
        // cpu number; the cpus the layout declares get no such line.
        string text = Write(0, 1) + "CPU:3 [LOST 5 EVENTS]\n" + "  CPU:3 [7 EVENTS DROPPED]\n" + "CPU:1 [LOST 2 EVENTS]\n" + Write(0, 2);
        using var h = new ImportHarness();
        h.Run("ftrace", NicLayout, [("trace.txt", text)]);
        string file = Path.Combine(h.Dir, "trace.txt");
        CollectionAssert.AreEqual(new[]
        {
            $"  {file}: cpu 3: 12 events lost",
            $"    {file}:2:5: cpu 3 is not in the layout: {Path.Combine(h.Dir, "layout.scn")} declares 2 cpu(s), and the trace's cpu N is the N-th one declared; declare 4 or more to import this cpu's events",
            $"  {file}: cpu 1: 2 events lost",
        }, h.Summary.Warnings().Skip(1).ToArray());
    }

    [TestMethod]
    public void Import_RecordingMdExample_PrintedAsTheDocShowsIt()
    {
        // docs/recording.md, "Lost events": the warning for a trace.txt with these three markers, line for line.
        string text = TraceHeader.Replace("9/9", "10/14", StringComparison.Ordinal) + "CPU:0 [LOST 42 EVENTS]\n" + Write(0, 1) + "CPU:1 [3 EVENTS DROPPED]\n" + Write(1, 2);
        using var h = new ImportHarness();
        h.Run("ftrace", NicLayout, [("trace.txt", text)]);
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "recording.md"));
        foreach (var line in h.Summary.Warnings())
            StringAssert.Contains(doc, "\n" + line.Replace(Path.Combine(h.Dir, "trace.txt"), "trace.txt", StringComparison.Ordinal) + "\n");
    }

    static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "TraceTools.sln"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }

    [TestMethod]
    public void Import_CompleteCapture_NoWarning()
    {
        using var h = new ImportHarness();
        h.Run("ftrace", NicLayout, [("trace", TraceHeader + Write(0, 1))]);
        Assert.IsEmpty(h.Summary.Warnings().ToArray());
        Assert.IsEmpty(h.Summary.Lost);
    }

    [TestMethod]
    public void Import_BadCpuMarker_MalformedAtItsColumn()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("ftrace", NicLayout, [("trace", Write(0, 1) + "  CPU:0 [LOST many EVENTS]\n")]));
        StringAssert.Contains(e.Message, "expected a lost-events marker 'CPU:N [LOST COUNT EVENTS]'");
        Assert.AreEqual((2L, 3), (e.Line, e.Column));
    }

    [TestMethod]
    public void Import_MmiotraceLostMark_Warned()
    {
        string text = MmiotraceImportTests.Sample + "MARK 0.000000 Lost 17 events.\nW 4 105.301201 1 0xfd000140 0x1 0xffffffffa0123470 0\n";
        using var h = new ImportHarness();
        var events = h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", text)]);
        Assert.AreEqual(5, events.Count);
        Assert.AreEqual($"  {Path.Combine(h.Dir, "dump.txt")}: 17 events lost", h.Summary.Warnings().Last());
        Assert.AreEqual(1, h.Summary.Skipped["MARK (marker)"], "a user's mark is still just counted");
    }
}
