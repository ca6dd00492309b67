using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>The suppressions file: its format, its errors, and what replay and the reports do with it.</summary>
[TestClass]
public sealed class SuppressionsTests
{
    static Suppressions Parse(params string[] lines) => Suppressions.Parse("supp.txt", lines);

    [TestMethod]
    public void Parse_KindSiteAndReason_ReadAsWritten()
    {
        var s = Parse(
            "# known findings",
            "",
            "stale-dma-read qm_mb_write: stp   # firmware orders it",
            "  *  \"a # in a site\"  # quoted",
            "torn-entry-update pasid_*");
        Assert.HasCount(3, s.Entries);
        Assert.AreEqual(new Suppressions.Entry(3, FindingKind.StaleDmaRead, "qm_mb_write: stp", "firmware orders it").ToString(), s.Entries[0].ToString());
        Assert.AreEqual((4, (FindingKind?)null, "a # in a site", "quoted"), (s.Entries[1].Line, s.Entries[1].Kind, s.Entries[1].Site, s.Entries[1].Reason));
        Assert.AreEqual((FindingKind?)FindingKind.TornEntryUpdate, s.Entries[2].Kind);
        Assert.IsNull(s.Entries[2].Reason);
    }

    [TestMethod]
    [DataRow("stale-dma-reed x", "supp.txt:1:1: unknown finding kind 'stale-dma-reed'")]
    [DataRow("  dma-race", "supp.txt:1:11: expected a site after the kind")]
    [DataRow("dma-race   # only a reason", "supp.txt:1:12: expected a site after the kind")]
    [DataRow("dma-race \"open", "supp.txt:1:10: unterminated quoted site")]
    [DataRow("dma-race \"a\" b", "supp.txt:1:14: expected '# reason'")]
    public void Parse_BadLine_OneLineWithFileLineColumn(string line, string message)
    {
        var e = Assert.ThrowsExactly<ReportFileException>(() => Parse(line));
        StringAssert.StartsWith(e.Message, message);
    }

    [TestMethod]
    [DataRow(false, "supp.txt:1:1: line longer than 4096 characters")]
    [DataRow(true, "supp.txt:1:1: unknown finding kind 'y'")]
    public void Load_NotASuppressionsFile_RefusedAtItsFirstLineWithoutReadingItWhole(bool shortLines, string message)
    {
        // A 16 MB line (a binary, /dev/zero) or 8 million lines ('yes'): read whole first, they were held as strings
        // (hundreds of MB; under a memory limit an out-of-memory message about replay's threads).
        string dir = Directory.CreateTempSubdirectory("tt-supp").FullName;
        try
        {
            string path = Path.Combine(dir, "supp.txt");
            File.WriteAllText(path, shortLines ? string.Concat(Enumerable.Repeat("y\n", 8 << 20)) : new string('x', 16 << 20));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.ThrowsExactly<ReportFileException>(() => Suppressions.Load(path));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            StringAssert.StartsWith(e.Message, Path.Combine(dir, message));
            Assert.IsLessThan(1L << 20, allocated, $"allocated {allocated:N0} bytes");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void Load_StartsWithByteOrderMark_SkippedColumnsAfterIt()
    {
        // As a baseline, a layout and a steps file: the mark an editor on Windows writes is no character of line 1.
        using var s = new Hardening.Scratch();
        Assert.AreEqual((FindingKind?)FindingKind.DmaRace, Suppressions.Load(s.Write("supp.txt", "\uFEFFdma-race x\n")).Entries[0].Kind);
        string misspelt = s.Write("bad.txt", "\uFEFFdma-rase x\n");
        var e = Assert.ThrowsExactly<ReportFileException>(() => Suppressions.Load(misspelt));
        StringAssert.StartsWith(e.Message, misspelt + ":1:1: unknown finding kind 'dma-rase'");
    }

    [TestMethod]
    public void Parse_LineOfTheLongestLength_ReadAndOneLongerRefused()
    {
        // 4096 characters is the longest line read; 4097 is not a suppressions file's line (an error at its column 1).
        string longest = "* " + new string('a', 4094);
        Assert.AreEqual(new string('a', 4094), Parse(longest).Entries[0].Site);
        var e = Assert.ThrowsExactly<ReportFileException>(() => Parse(longest + "a"));
        Assert.AreEqual("supp.txt:1:1: line longer than 4096 characters", e.Message);
    }

    [TestMethod]
    [DataRow("stale-dma-read qm_mb_write: stp", 0)]        // the publish's site
    [DataRow("stale-dma-read qm: mailbox fetch", 0)]       // the trigger's site
    [DataRow("* qm_set_*", 0)]                               // a pattern on the store's site
    [DataRow("dma-race qm_mb_write: stp", 1)]              // another kind
    [DataRow("stale-dma-read qm_mb_write", 1)]             // not the whole site
    public void Apply_HisiSeed_MatchesKindAndAnySiteOfTheFinding(string line, int kept)
    {
        var seed = SeedTraces.HisiQm();
        var s = Parse(line);
        var (left, suppressed) = s.Apply(seed.Findings, new BatchEventLookup(seed.Events), seed.Metadata);
        Assert.HasCount(kept, left);
        Assert.AreEqual(1 - kept, suppressed);
        Assert.AreEqual(1 - kept, s.Entries[0].Matched);
    }

    [TestMethod]
    public void Apply_Twice_CountsOnlyTheLastApplication()
    {
        // Entry.Matched is what the entry suppressed "in the last Apply": the hisi seed's one finding, applied twice
        // (check applies one file to scenario after scenario), counts 1, not 2.
        var seed = SeedTraces.HisiQm();
        var s = Parse("stale-dma-read qm_mb_write: stp  # fixed in firmware 2.1");
        var events = new BatchEventLookup(seed.Events);
        s.Apply(seed.Findings, events, seed.Metadata);
        var (_, suppressed) = s.Apply(seed.Findings, events, seed.Metadata);
        Assert.AreEqual(1, suppressed);
        Assert.AreEqual(1, s.Entries[0].Matched);
        CollectionAssert.AreEqual(new[] { "  supp.txt:1  stale-dma-read \"qm_mb_write: stp\": 1 suppressed  # fixed in firmware 2.1" }, s.CountLines().ToArray());
    }

    [TestMethod]
    public void Replay_EntriesThatSuppressNothing_ListedAfterTheCounts()
    {
        string dir = Directory.CreateTempSubdirectory("tt-supp").FullName;
        try
        {
            string supp = Path.Combine(dir, "supp.txt");
            File.WriteAllText(supp, "stale-dma-read qm_mb_write: stp  # fixed in firmware 2.1\ndma-race old_site\n*  gone_*  # renamed\n");
            var (exit, output, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", supp);
            Assert.AreEqual(0, exit, err);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            CollectionAssert.AreEqual(new[]
            {
                "0 errors, 0 warnings in 0 groups",
                $"1 suppressed by {supp}:",
                $"  {supp}:1  stale-dma-read \"qm_mb_write: stp\": 1 suppressed  # fixed in firmware 2.1",
                $"2 entries of {supp} suppressed nothing in this trace:",
                $"  {supp}:2  dma-race \"old_site\"",
                $"  {supp}:3  * \"gone_*\"  # renamed",
            }, lines);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Replay_EntryOfADetectorThatDidNotRun_NotListedAsSuppressingNothing()
    {
        string dir = Directory.CreateTempSubdirectory("tt-supp").FullName;
        try
        {
            string supp = Path.Combine(dir, "supp.txt");
            File.WriteAllText(supp, "stale-dma-read qm_mb_write: stp\ntorn-entry-update gone\n");
            var (exit, output, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", supp, "--detectors", "torn-entry-update");
            Assert.AreEqual(0, exit, err);
            // The stale-dma-read entry could not match (its detector did not run): only the torn-entry-update one is listed.
            StringAssert.Contains(output, $"1 entry of {supp} suppressed nothing in this trace:\n  {supp}:2  torn-entry-update \"gone\"\n");
            Assert.IsFalse(output.Contains("stale-dma-read", StringComparison.Ordinal), output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Replay_WithSuppressions_LeavesThemOutAndCountsThem()
    {
        string dir = Directory.CreateTempSubdirectory("tt-supp").FullName;
        try
        {
            string supp = Path.Combine(dir, "supp.txt");
            File.WriteAllText(supp, "stale-dma-read qm_mb_write: stp  # fixed in firmware 2.1\n");
            var (exit, output, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", supp);
            Assert.AreEqual(0, exit, err);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            CollectionAssert.AreEqual(new[]
            {
                "0 errors, 0 warnings in 0 groups",
                $"1 suppressed by {supp}:",
                $"  {supp}:1  stale-dma-read \"qm_mb_write: stp\": 1 suppressed  # fixed in firmware 2.1",
            }, lines);
            var sarif = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", supp, "--format", "sarif");
            StringAssert.Contains(sarif.Out, "\"suppressed\": 1");
            Assert.AreEqual(0, sarif.Exit, "suppressed findings do not fail the run in SARIF either");
            // SARIF keeps the suppressed group as a result marked suppressed (kind external: the file), with the reason.
            using (var doc = System.Text.Json.JsonDocument.Parse(sarif.Out))
            {
                var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results");
                Assert.AreEqual(1, results.GetArrayLength());
                Assert.AreEqual("stale-dma-read", results[0].GetProperty("ruleId").GetString());
                var suppression = results[0].GetProperty("suppressions")[0];
                Assert.AreEqual("external", suppression.GetProperty("kind").GetString());
                Assert.AreEqual("accepted", suppression.GetProperty("status").GetString());
                Assert.AreEqual("fixed in firmware 2.1", suppression.GetProperty("justification").GetString());
                Assert.AreEqual(1, suppression.GetProperty("properties").GetProperty("line").GetInt32());
            }
            // Text (above) and JSON leave it out.
            var json = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", supp, "--format", "json");
            using (var doc = System.Text.Json.JsonDocument.Parse(json.Out))
                Assert.AreEqual(0, doc.RootElement.GetProperty("findings").GetArrayLength());
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Replay_MissingSuppressionsFile_ExitTwoOneLine()
    {
        var (exit, _, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--suppressions", "/nonexistent/supp.txt");
        Assert.AreEqual(2, exit);
        Assert.AreEqual("/nonexistent/supp.txt: cannot read the suppressions file: no such file", err.Trim());
    }

    /// <summary>The runtime reports reading a directory as access denied; the file errors of the other inputs say what it is.</summary>
    [TestMethod]
    public void Replay_SuppressionsAndBaselineAreDirectories_SaySo()
    {
        string dir = Directory.CreateTempSubdirectory("tt-dir-input-").FullName;
        try
        {
            string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
            var (exit, _, err) = RepoPaths.Run("replay", trace, "--suppressions", dir);
            Assert.AreEqual(2, exit);
            Assert.AreEqual($"{dir}: cannot read the suppressions file: it is a directory", err.Trim());
            (exit, _, err) = RepoPaths.Run("replay", trace, "--baseline", dir);
            Assert.AreEqual(2, exit);
            Assert.AreEqual($"{dir}: cannot read the baseline: it is a directory", err.Trim());
        }
        finally { Directory.Delete(dir); }
    }
}
