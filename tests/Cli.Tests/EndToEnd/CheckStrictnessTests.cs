namespace TraceTools.Tests.EndToEnd;

/// <summary><c>check</c> cannot pass by accident: what counts as failed, and what each strictness option adds.</summary>
[TestClass]
public sealed class CheckStrictnessTests
{
    const string Header = """
        scenario "relaxed doorbell"
        arch arm64
        cpu cpu0
        device d
        ram buf 0x1000 size 0x40
        mmio db 0xf000 size 0x10 device d

        """;

    /// <summary>One stale-dma-read (#2) and one dma-race (#3: the buffer is reused while the device may read it).</summary>
    const string Steps = """
        cpu0: store buf size 16
        cpu0: mmio_write db size 4 = 1
        d: dma_read buf size 16
        cpu0: store buf size 16

        """;

    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-strict").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [TestMethod]
    public void Check_NoExpectLines_FailsAsErrorNamingTheFile()
    {
        string path = Write("a.scn", Header + Steps);
        var (exit, output, error) = RepoPaths.Run("check", path);
        Assert.AreEqual(2, exit, output);
        StringAssert.StartsWith(output, $"FAIL relaxed doorbell ({path}): no expect lines");
        Assert.AreEqual($"{path}: no expect lines: add `expect none` or `expect KIND ...`, or run check with --no-expect", error.TrimEnd());
        StringAssert.Contains(output, "0 passed, 1 failed");
    }

    [TestMethod]
    public void Check_NoExpectLinesWithNoExpect_ReportsTheFindings()
    {
        string path = Write("a.scn", Header + Steps);
        var (exit, output, _) = RepoPaths.Run("check", path, "--no-expect");
        Assert.AreEqual(0, exit, output);
        StringAssert.StartsWith(output, $"FOUND relaxed doorbell ({path}): stale-dma-read ×1, dma-race ×1");
        StringAssert.Contains(output, "error[stale-dma-read]: d may read stale data from buf+0x0..0x10 (1 instance)");
        StringAssert.Contains(output, "help: put a store barrier (dma_wmb / dmb oshst) between #0 and #1");
        StringAssert.Contains(output, "0 passed, 0 failed, 1 without expect lines (--no-expect)");
    }

    [TestMethod]
    public void Check_ExpectExactlyWithAnUnexpectedKind_Fails()
    {
        string path = Write("a.scn", Header + Steps + "expect exactly\nexpect stale-dma-read count 1\n");
        var (exit, output, _) = RepoPaths.Run("check", path);
        Assert.AreEqual(1, exit, output);
        StringAssert.StartsWith(output, $"FAIL relaxed doorbell ({path}:11:1): unexpected dma-race ×1 (expect exactly)");
    }

    /// <summary>A failed expect line is named as editors open it, file:line:column, after the name, or alone without one.</summary>
    [TestMethod]
    public void Check_FailedExpectLine_NamedFileLineColumn()
    {
        string named = Write("a.scn", Header + Steps + "expect stale-dma-read count 2\n");
        var (exit, output, _) = RepoPaths.Run("check", named);
        Assert.AreEqual(1, exit, output);
        StringAssert.StartsWith(output, $"FAIL relaxed doorbell ({named}:11:1): expected stale-dma-read count 2, got 1 (stale-dma-read ×1, dma-race ×1)\n");

        // No scenario name: the place alone; an indented expect keeps its column.
        string unnamed = Write("b.scn", Header.Replace("scenario \"relaxed doorbell\"\n", "", StringComparison.Ordinal) + Steps + "  expect no dma-race\n");
        (exit, output, _) = RepoPaths.Run("check", unnamed);
        Assert.AreEqual(1, exit, output);
        StringAssert.StartsWith(output, $"FAIL {unnamed}:10:3: expected no dma-race, got 1 (stale-dma-read ×1, dma-race ×1)\n");
    }

    [TestMethod]
    [DataRow(false, 0)]
    [DataRow(true, 1)]
    public void Check_ExactFlag_FailsOnlyWhenGiven(bool exact, int expectedExit)
    {
        string path = Write("a.scn", Header + Steps + "expect stale-dma-read count 1\n");
        var (exit, output, _) = exact ? RepoPaths.Run("check", path, "--exact") : RepoPaths.Run("check", path);
        Assert.AreEqual(expectedExit, exit, output);
        // No expect line failed: the FAIL line names the file alone.
        if (exact) StringAssert.Contains(output, $"FAIL relaxed doorbell ({path}): unexpected dma-race ×1 (--exact)");
    }

    [TestMethod]
    public void Check_EveryKindExpected_PassesWithExact()
    {
        string path = Write("a.scn", Header + Steps + "expect exactly\nexpect stale-dma-read count 1\nexpect dma-race\n");
        var (exit, output, _) = RepoPaths.Run("check", path, "--exact");
        Assert.AreEqual(0, exit, output);
        StringAssert.StartsWith(output, "PASS relaxed doorbell");
    }

    [TestMethod]
    public void Check_MissingFileCompileErrorAndEmptyFolder_CountAsFailedAndTheRestRuns()
    {
        string good = Write("good.scn", Header + Steps + "expect stale-dma-read\nexpect dma-race\n");
        string bad = Write("bad.scn", "arch arm64\ncpu0: oops\n");
        string missing = Path.Combine(_dir, "missing.scn");
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var (exit, output, error) = RepoPaths.Run("check", missing, bad, empty, good);
        Assert.AreEqual(2, exit, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(new[]
        {
            $"FAIL {missing}: no such file",
            $"FAIL {bad}: does not compile",
            $"FAIL {empty}: the folder has no .scn files",
            "PASS relaxed doorbell",
            "1 passed, 3 failed",
        }, lines);
        StringAssert.Contains(error, "bad.scn:2:1:");
        StringAssert.Contains(error, "no such file");
        StringAssert.Contains(error, "the folder has no .scn files");
        Assert.HasCount(3, error.Split('\n', StringSplitOptions.RemoveEmptyEntries), "one line per error");
    }

    [TestMethod]
    [DataRow("cpu0: store buf + 0x20 * i size 16", "outside every region", "--")]
    [DataRow("cpu0: store buf + 0x10 / (2 - i) size 16", "division by zero", "--")]
    [DataRow("cpu0: store buf + 0x20 * i size 16", "outside every region", "--no-expect")]
    public void Check_StepFailingInsideALoop_CountsAsFailedAndTheRestRuns(string step, string problem, string flag)
    {
        string good = Write("good.scn", Header + Steps + "expect stale-dma-read\nexpect dma-race\n");
        // Iterations 0 and 1 are fine; the step fails only at i = 2, once the events are being made.
        string bad = Write("loop.scn", Header + "repeat 3 as i {\n  " + step + "\n}\nexpect none\n");
        string[] run = flag == "--" ? ["check", bad, good] : ["check", bad, good, flag];

        var (exit, output, error) = RepoPaths.Run(run);

        Assert.AreEqual(2, exit, output);
        StringAssert.StartsWith(output, $"FAIL relaxed doorbell ({bad}): does not compile\n");
        StringAssert.Contains(output, "PASS relaxed doorbell\n1 passed, 1 failed");
        StringAssert.StartsWith(error, $"{bad}:8:");
        StringAssert.Contains(error, problem);
        Assert.HasCount(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries), "one line: " + error);
    }

    [TestMethod]
    public void Check_SuppressedKind_NotCountedAgainstTheExpectations()
    {
        string path = Write("a.scn", Header + Steps + "expect exactly\nexpect stale-dma-read count 1\n");
        string supp = Write("supp.txt", "# reused on purpose in this test\ndma-race *  # the test reuses the buffer\n");
        var (exit, output, _) = RepoPaths.Run("check", path, "--suppressions", supp);
        Assert.AreEqual(0, exit, output);
        StringAssert.StartsWith(output, "PASS relaxed doorbell (1 suppressed)");
        StringAssert.Contains(output, "1 passed, 0 failed, 1 finding suppressed");
    }

    [TestMethod]
    public void Check_SuppressionsInTwoScenarios_SummaryCountsBoth()
    {
        string a = Write("a.scn", Header + Steps + "expect exactly\nexpect stale-dma-read count 1\n");
        string b = Write("b.scn", Header + Steps + "expect exactly\nexpect stale-dma-read count 1\n");
        string supp = Write("supp.txt", "dma-race *  # the test reuses the buffer\n");
        var (exit, output, _) = RepoPaths.Run("check", a, b, "--suppressions", supp);
        Assert.AreEqual(0, exit, output);
        // One dma-race left out in each scenario: the summary is the sum over the run, not the last scenario's count.
        StringAssert.Contains(output, "2 passed, 0 failed, 2 findings suppressed");
    }
}
