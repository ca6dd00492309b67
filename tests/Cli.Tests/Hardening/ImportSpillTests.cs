using System.Diagnostics;
using System.Globalization;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// import's spill file (<c>.tracetools-import-PID-*.spill</c>, the merged events waiting for the header)
/// outlives no run: not one ended by a signal, SIGKILL included, and a later import removes those an
/// older run left once their process is gone, sparing a running one's.
/// </summary>
[TestClass]
public sealed class ImportSpillTests
{
    const string Layout = """
        scenario "spill"
        arch arm64
        cpu cpu0
        ram buf 0x8000_0000 size 0x40
        """;

    const string Step = "cpu0: store buf size 8 = 1 @ \"fill\"\n";

    [TestMethod]
    [DataRow("INT")]
    [DataRow("TERM")]
    [DataRow("KILL")]
    public void Import_EndedBySignalWhileReading_LeavesNoSpill(string signal)
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("reads the child's open files in /proc");
        using var s = new Scratch();
        string layout = s.Write("layout.scn", Layout);
        // stdin stays open: the import waits for more steps with its spill open, as on a FIFO still written.
        using var p = ChildTool.Start(["import", "steps", "-", "--layout", layout, "-o", s.Path("out.trace")], sigint: SigintAtStart.Default);
        try
        {
            p.StandardInput.Write(Step + Step);
            p.StandardInput.Flush();
            WaitForOpenSpill(p);

            Assert.IsTrue(Scratch.Shell("kill", "-" + signal, p.Id.ToString(CultureInfo.InvariantCulture)));
            Assert.IsTrue(p.WaitForExit(20_000), "import did not end on the signal");

            Assert.AreNotEqual(0, p.ExitCode);
            Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.spill"), string.Join(", ", Directory.GetFiles(s.Dir)));
            // SIGKILL runs no handler: the output's temp file waits for the next run's sweep (SynthOutputTests).
            if (signal != "KILL") Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"), string.Join(", ", Directory.GetFiles(s.Dir)));
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit();
            }
        }
    }

    [TestMethod]
    public void Import_SpillOfADeadRun_RemovedOneOfARunningProcessKept()
    {
        using var s = new Scratch();
        int deadPid;
        using (var dead = Process.Start(new ProcessStartInfo("true"))!)
        {
            dead.WaitForExit();
            deadPid = dead.Id;
        }
        using var running = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        try
        {
            string stale = s.Path($".tracetools-import-{deadPid}-0badf00d.spill");
            string live = s.Path($".tracetools-import-{running.Id}-0badf00d.spill");
            foreach (var f in new[] { stale, live }) File.WriteAllText(f, "half the events");
            string layout = s.Write("layout.scn", Layout);
            string steps = s.Write("in.steps", Step);

            var (exit, _, err) = RepoPaths.Run("import", "steps", steps, "--layout", layout, "-o", s.Path("out.trace"), "--quiet");

            Assert.AreEqual(0, exit, err);
            Assert.IsFalse(File.Exists(stale), "the spill a killed run left is still there");
            Assert.IsTrue(File.Exists(live), "the spill of a running process was removed");
        }
        finally
        {
            running.Kill();
            running.WaitForExit();
        }
    }

    /// <summary>Waits until the child holds its spill file open (named or already unlinked).</summary>
    static void WaitForOpenSpill(Process p)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && !p.HasExited)
        {
            foreach (var fd in SafeFds(p.Id))
            {
                string? target = null;
                try { target = new FileInfo(fd).LinkTarget; } catch (IOException) { } catch (UnauthorizedAccessException) { }
                if (target is not null && target.Contains(".tracetools-import-", StringComparison.Ordinal)) return;
            }
            Thread.Sleep(20);
        }
        Assert.Fail("the import never opened its spill file");
    }

    static string[] SafeFds(int pid)
    {
        try { return Directory.GetFiles($"/proc/{pid}/fd"); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
