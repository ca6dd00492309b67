using TraceTools.Tests.Recorder.Support;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// tracetools.c under the undefined-behaviour sanitizer, which testbenches often build with: a recording must run
/// to its end without a report (-fno-sanitize-recover turns the first one into a failed exit).
/// </summary>
[TestClass]
public sealed class SanitizerTests
{
    static readonly string[] Ubsan = ["-fsanitize=undefined", "-fno-sanitize-recover=all"];

    // Before the fix tt_start called qsort(NULL, 0, ...) for the tt_add_site list of a program that made none
    // (glibc declares qsort's base nonnull), so every such program died in tt_start under UBSan.
    [TestMethod]
    public void Ubsan_ProgramWithSitesButNoRuntimeSite_RecordsAndReplays()
    {
        using var ring = new CProgram(CProgram.ExamplesDir, "desc_ring.c", Ubsan);
        string trace = Path.Combine(ring.Dir, "ring.trace");
        var (exit, _, err) = ring.Run(trace);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("", err);
        CProgram.ReplayOneFinding(trace, "present-before-payload");
    }

    // The same tt_start also did memcpy(..., NULL, 0) for the program's sites when it had no TT_HERE at all.
    [TestMethod]
    public void Ubsan_ProgramWithoutAnySite_RecordsAndReadsBack()
    {
        using var program = new CProgram(CProgram.ProgramsDir, "no_sites.c", Ubsan);
        string trace = Path.Combine(program.Dir, "no_sites.trace");
        var (exit, _, err) = program.Run(trace);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("", err);
        var (infoExit, info, infoErr) = CProgram.Cli("info", trace);
        Assert.AreEqual(0, infoExit, infoErr);
        StringAssert.Matches(info, new System.Text.RegularExpressions.Regex(@"(?m)^events\s+4$"));
        StringAssert.Matches(info, new System.Text.RegularExpressions.Regex(@"(?m)^sites\s+0$"));
    }

    // Before the fix tt_event_count and tt_unsited_events read their counters without the mutex while other
    // threads appended: a data race (ThreadSanitizer reports it and exits 66), on a library documented as safe
    // for any number of recording threads.
    [TestMethod]
    public void Tsan_CountersReadWhileThreadsRecord_NoDataRace()
    {
        using var program = new CProgram(CProgram.ProgramsDir, "count_while_recording.c", "-fsanitize=thread", "-g");
        string trace = Path.Combine(program.Dir, "count.trace");
        var (exit, _, err) = program.Run(trace);
        if (err.Contains("FATAL: ThreadSanitizer", StringComparison.Ordinal))
            Assert.Inconclusive("ThreadSanitizer cannot run on this machine: " + err);
        Assert.AreEqual(0, exit, err);
        StringAssert.DoesNotMatch(err, new System.Text.RegularExpressions.Regex("data race"));
        var (infoExit, info, infoErr) = CProgram.Cli("info", trace);
        Assert.AreEqual(0, infoExit, infoErr);
        StringAssert.Matches(info, new System.Text.RegularExpressions.Regex(@"(?m)^events\s+80000$"));
    }
}
