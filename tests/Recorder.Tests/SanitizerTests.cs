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

    // tt_add_used_rule copies each rule's arrays and tt_free frees them; encoding section 1 grows its body as it goes.
    // Under AddressSanitizer (LeakSanitizer included) and UBSan: the most rules and runs a table may hold, several tables,
    // and a trace whose tt_start fails after 1024 rules were kept (tt_free still frees them).
    [TestMethod]
    public void AsanUbsan_UsedBits_RecordsAndRefusesWithoutReportOrLeak()
    {
        string[] flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"];
        using var program = new CProgram(CProgram.ProgramsDir, "every_kind.c", flags);
        string trace = Path.Combine(program.Dir, "used.trace");
        var (exit, _, err) = program.Run(trace, "61", "5", "none", "500", "1000", "used1,usedmany,usedmax");
        if (err.Contains("LeakSanitizer has encountered a fatal error", StringComparison.Ordinal) || err.Contains("does not work under ptrace", StringComparison.Ordinal))
            Assert.Inconclusive("AddressSanitizer cannot run on this machine: " + err);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("", err);
        using (var reader = TraceTools.TraceFormat.TraceReader.Open(trace))
            Assert.AreEqual(1024, reader.Metadata.Regions.Single(r => r.Name == "big").UsedBits!.Rules.Count);

        using var refusals = new CProgram(CProgram.ProgramsDir, "refusals.c", flags);
        var (refusedExit, _, refusedErr) = refusals.Run(Path.Combine(refusals.Dir, "r.trace"), "used_rules_1025");
        Assert.AreEqual(3, refusedExit, refusedErr);
        Assert.AreEqual("table 'tbl' has 1025 used rules (at most 1024)\n", refusedErr.ReplaceLineEndings("\n"));
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
