using System.Diagnostics;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>Issue 12, hardening 6 and 7: synth commits both files or neither; caps; signals and stale temp files.</summary>
[TestClass]
public sealed class SynthOutputTests
{
    [TestMethod]
    public void Synth_TruthPathUnwritable_NeitherFileReplaced()
    {
        using var s = new Scratch();
        string output = s.Path("out.trace");
        File.WriteAllText(output, "previous trace");
        Directory.CreateDirectory(output + ".truth.json");

        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "1000", "-o", output, "--quiet");

        HardeningAsserts.OneLineError(exit, err, "truth.json");
        Assert.AreEqual("previous trace", File.ReadAllText(output));
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp*"));
    }

    [TestMethod]
    public void Synth_EventsTenToTheTwelve_RefusedAtOnce()
    {
        using var s = new Scratch();

        var (exit, _, err) = ChildTool.Run(["synth", "--profile", "driver-mix", "--events", "1_000_000_000_000", "-o", s.Path("big.trace"), "--quiet"], timeout: TimeSpan.FromSeconds(30));

        HardeningAsserts.OneLineError(exit, err, "--max-events");
        Assert.IsEmpty(Directory.GetFiles(s.Dir));
    }

    [TestMethod]
    public void Synth_EventsPastTheReplayLimit_RefusedByDefault()
    {
        using var s = new Scratch();

        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "4294967296", "-o", s.Path("big.trace"), "--quiet");

        HardeningAsserts.OneLineError(exit, err, "--events 4294967296 is more than --max-events 4294967295; nothing was written");
        Assert.IsEmpty(Directory.GetFiles(s.Dir));
    }

    [TestMethod]
    public void Synth_EventsAtTheMaxEventsCap_Accepted()
    {
        using var s = new Scratch();

        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "1000", "--max-events", "1000", "-o", s.Path("cap.trace"), "--quiet");

        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(File.Exists(s.Path("cap.trace")));
    }

    [TestMethod]
    public void Synth_MoreThanTheFreeDisk_RefusedBeforeWriting()
    {
        using var s = new Scratch();
        long free = new DriveInfo(s.Dir).AvailableFreeSpace;
        string events = (free / 2 + 1_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exit, _, err) = ChildTool.Run(["synth", "--profile", "driver-mix", "--events", events, "--max-events", "0x7fff_ffff_ffff_ffff", "-o", s.Path("big.trace"), "--quiet"], timeout: TimeSpan.FromSeconds(30));

        HardeningAsserts.OneLineError(exit, err, "free");
        Assert.IsEmpty(Directory.GetFiles(s.Dir));
    }

    [TestMethod]
    [DataRow("INT")]
    [DataRow("TERM")]
    public void Synth_Interrupted_LeavesNoTempFiles(string signal)
    {
        using var s = new Scratch();
        using var p = StartLongSynth(s, SigintAtStart.Default);
        try
        {
            Signal(p, signal);
            Assert.IsTrue(p.WaitForExit(20_000), "synth did not end on the signal");

            Assert.AreNotEqual(0, p.ExitCode);
            Assert.IsEmpty(Directory.GetFiles(s.Dir), string.Join(", ", Directory.GetFiles(s.Dir)));
        }
        finally
        {
            EndIfRunning(p);
        }
    }

    // A script's background job starts with SIGINT ignored, so that a ^C meant for the foreground leaves it
    // running: synth then keeps running and keeps the files it is writing; SIGTERM still ends it cleanly.
    [TestMethod]
    public void Synth_InterruptIgnoredAtStart_KeepsRunningAndItsTempFiles()
    {
        using var s = new Scratch();
        using var p = StartLongSynth(s, SigintAtStart.Ignored);
        try
        {
            int temps = Directory.GetFiles(s.Dir, "*.tmp*").Length;

            Signal(p, "INT");

            Assert.IsFalse(p.WaitForExit(1_000), "synth ended on an ignored SIGINT");
            Assert.HasCount(temps, Directory.GetFiles(s.Dir, "*.tmp*"), "the temp files went on an ignored SIGINT");
            Signal(p, "TERM");
            Assert.IsTrue(p.WaitForExit(20_000), "synth did not end on SIGTERM");
            Assert.IsEmpty(Directory.GetFiles(s.Dir), string.Join(", ", Directory.GetFiles(s.Dir)));
        }
        finally
        {
            EndIfRunning(p);
        }
    }

    // 200 million events: several seconds of writing, so the signal comes while the temp files are open.
    static Process StartLongSynth(Scratch s, SigintAtStart sigint)
    {
        var p = ChildTool.Start(["synth", "--profile", "driver-mix", "--events", "200_000_000", "-o", s.Path("sig.trace"), "--quiet"], sigint: sigint);
        var clock = Stopwatch.StartNew();
        while (Directory.GetFiles(s.Dir, "*.tmp*").Length == 0 && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
        Thread.Sleep(300);
        Assert.IsFalse(p.HasExited, "synth ended before the signal");
        return p;
    }

    static void Signal(Process p, string signal) =>
        Assert.IsTrue(Scratch.Shell("kill", "-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    // A failed assertion must not leave a 200-million-event synth running behind the rest of the tests.
    static void EndIfRunning(Process p)
    {
        if (p.HasExited) return;
        p.Kill();
        p.WaitForExit();
    }

    [TestMethod]
    public void Gen_StaleTempOfADeadRun_RemovedOthersKept()
    {
        using var s = new Scratch();
        int deadPid;
        using (var p = Process.Start(new ProcessStartInfo("true"))!)
        {
            p.WaitForExit();
            deadPid = p.Id;
        }
        string output = s.Path("out.trace");
        string stale = $"{output}.tmp-{deadPid}-0badf00d";
        string live = $"{output}.tmp-{Environment.ProcessId}-0badf00d";
        string other = s.Path("other.trace.tmp-" + deadPid + "-0badf00d");
        foreach (var f in new[] { stale, live, other }) File.WriteAllText(f, "half a trace");
        string scn = s.Write("a.scn", Scratch.Mailbox);

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", output);

        Assert.AreEqual(0, exit, err);
        Assert.IsFalse(File.Exists(stale), "the killed run's temp file of this output is still there");
        Assert.IsTrue(File.Exists(live), "a running process's temp file was removed");
        Assert.IsTrue(File.Exists(other), "another output's temp file was removed");
    }

    [TestMethod]
    public void Gen_TempOfAnotherRunningProcess_Kept()
    {
        using var s = new Scratch();
        // A concurrent run is another process: its id is not this one's, and it is still running.
        using var other = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        try
        {
            string output = s.Path("out.trace");
            string concurrent = $"{output}.tmp-{other.Id}-0badf00d";
            File.WriteAllText(concurrent, "half a trace");
            string scn = s.Write("a.scn", Scratch.Mailbox);

            var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", output);

            Assert.AreEqual(0, exit, err);
            Assert.IsTrue(File.Exists(concurrent), "the temp file of a running process was removed");
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }

    [TestMethod]
    public void Synth_OutputInAMissingDirectory_RefusedNamingTheDirectory()
    {
        using var s = new Scratch();
        string dir = s.Path("no-such-dir");

        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "1000", "-o", System.IO.Path.Combine(dir, "out.trace"), "--quiet");

        HardeningAsserts.OneLineError(exit, err, $"cannot write '{System.IO.Path.Combine(dir, "out.trace")}': directory '{dir}' does not exist");
        Assert.IsFalse(Directory.Exists(dir));
    }

    [TestMethod]
    public void Synth_EventsNearLongMax_RefusedForTheDiskNotWrappedAround()
    {
        using var s = new Scratch();
        // 2^63 - 1 events need about 2^64 bytes (2 per event): more than long.MaxValue and more than any disk.
        // The bad --inject is checked only after the disk: a wrapped-around (negative) size then ends in that usage
        // error instead of starting a 2^63-event run.
        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "0x7fff_ffff_ffff_ffff", "--max-events", "0x7fff_ffff_ffff_ffff", "--inject", "2", "-o", s.Path("big.trace"), "--quiet");

        HardeningAsserts.OneLineError(exit, err, "the file system has");
        Assert.IsEmpty(Directory.GetFiles(s.Dir));
    }

    [TestMethod]
    public void Synth_ArchAlias_SuggestsTheLanguageName()
    {
        using var s = new Scratch();
        var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "10", "--arch", "aarch64", "-o", s.Path("a.trace"), "--quiet");
        Assert.AreEqual(2, exit, err);
        StringAssert.StartsWith(err, "tracetools synth: unknown arch 'aarch64' (known: sc, x86_64, arm64, riscv64) (did you mean 'arm64'?)\n");
    }

    /// <summary>check generates the steps of a repeat as it replays them: an error there names the iteration too.</summary>
    [TestMethod]
    public void Check_ErrorInARepeatIteration_IsOneLineNamingTheIteration()
    {
        using var s = new Scratch();
        string scn = s.Path("b10.scn");
        File.WriteAllText(scn, "arch sc\ncpu c\nram a 0x1000 size 0x10\nram b 0x2000 size 0x10\nrepeat 4 as i {\n  c: store b + i * 7 size 4\n}\nexpect none\n");
        var (exit, _, err) = RepoPaths.Run("check", scn);
        HardeningAsserts.OneLineError(exit, err, $"{scn}:6:12: access 0x200e..0x2012 (size 4) straddles the end of region 'b' (0x2000..0x2010) (in iteration 3 of the repeat at line 5, i = 2)");
    }
}
