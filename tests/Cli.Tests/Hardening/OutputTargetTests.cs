using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>Issue 12, hardening 1: -o onto a device node, a FIFO or a symlink.</summary>
[TestClass]
public sealed class OutputTargetTests
{
    [TestMethod]
    public void GenOutput_Symlink_WritesThroughAndKeepsTheLink()
    {
        using var s = new Scratch();
        string scn = s.Write("a.scn", Scratch.Mailbox);
        File.WriteAllText(s.Path("real.trace"), "old");
        File.CreateSymbolicLink(s.Path("link.trace"), "real.trace");

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", s.Path("link.trace"));

        Assert.AreEqual(0, exit, err);
        Assert.IsNotNull(new FileInfo(s.Path("link.trace")).LinkTarget, "the symlink was replaced by a file");
        Assert.IsGreaterThan(3L, new FileInfo(s.Path("real.trace")).Length, "the link's target was not written");
    }

    /// <summary>
    /// -o naming one of the verb's own inputs (directly or through a symlink) is refused before anything is written:
    /// the output replaces its target once complete, and the input would be gone.
    /// </summary>
    [TestMethod]
    [DataRow("gen", "a.scn")]
    [DataRow("gen", "link.scn")]
    [DataRow("replay", "a.trace")]
    [DataRow("replay-json", "a.trace")]
    [DataRow("export", "a.trace")]
    [DataRow("import", "nic.steps.txt")]
    [DataRow("import", "nic-layout.scn")]
    [DataRow("replay-baseline", "base.json")]
    [DataRow("replay-suppressions", "supp.txt")]
    public void Output_OneOfTheInputs_RefusedAndTheInputKept(string verb, string target)
    {
        using var s = new Scratch();
        string scn = s.Write("a.scn", Scratch.Mailbox);
        File.CreateSymbolicLink(s.Path("link.scn"), "a.scn");
        string trace = s.Path("a.trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", scn, "-o", trace).Exit);
        foreach (var f in new[] { "nic.steps.txt", "nic-layout.scn" })
            File.Copy(Path.Combine(RepoPaths.Root, "samples", "recording", f), s.Path(f));
        // A report's own inputs besides the trace (before, -o replaced them: the baseline or suppressions were lost).
        s.Write("supp.txt", "# nothing suppressed\n");
        Assert.IsLessThanOrEqualTo(1, RepoPaths.Run("replay", trace, "--format", "json", "-o", s.Path("base.json")).Exit);
        var before = Directory.GetFiles(s.Dir).ToDictionary(f => f, File.ReadAllBytes);
        string output = s.Path(target);
        string[] run = verb switch
        {
            "gen" => ["gen", scn, "-o", output],
            "replay" => ["replay", trace, "-o", output],
            "replay-json" => ["replay", trace, "--format", "json", "-o", output],
            "export" => ["export", trace, "--format", "perfetto", "-o", output],
            "replay-baseline" => ["replay", trace, "--format", "json", "--baseline", s.Path("base.json"), "-o", output],
            "replay-suppressions" => ["replay", trace, "--suppressions", s.Path("supp.txt"), "-o", output],
            _ => ["import", "steps", s.Path("nic.steps.txt"), "--layout", s.Path("nic-layout.scn"), "-o", output],
        };

        var (exit, _, err) = RepoPaths.Run(run);

        HardeningAsserts.OneLineError(exit, err, $"cannot write '{output}': it is the input '");
        foreach (var (file, bytes) in before) CollectionAssert.AreEqual(bytes, File.ReadAllBytes(file), file);
        Assert.HasCount(before.Count, Directory.GetFiles(s.Dir), "nothing left behind");
    }

    [TestMethod]
    public void GenOutput_Fifo_StreamsIntoItAndKeepsTheFifo()
    {
        using var s = new Scratch();
        string fifo = s.Path("out.fifo");
        if (!Scratch.Shell("mkfifo", fifo)) Assert.Inconclusive("mkfifo is not available");
        string scn = s.Write("a.scn", Scratch.Mailbox);
        var reader = Task.Run(() =>
        {
            using var f = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            using var ms = new MemoryStream();
            f.CopyTo(ms);
            return ms.ToArray();
        });

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", fifo);

        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(reader.Wait(TimeSpan.FromSeconds(20)), "nothing was written into the fifo");
        Assert.IsGreaterThan(20, reader.Result.Length);
        Assert.AreEqual("fifo", Scratch.TypeOf(fifo));
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"));
    }

    [TestMethod]
    public void GenOutput_FullDevice_OneLineNoSpaceErrorAndTheDeviceStays()
    {
        using var s = new Scratch();
        string full = s.Path("full");
        if (!Scratch.Shell("mknod", full, "c", "1", "7")) Assert.Inconclusive("mknod is not permitted here");
        string scn = s.Write("a.scn", Scratch.Mailbox);

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", full);

        HardeningAsserts.OneLineError(exit, err, "no space left on device");
        Assert.AreEqual("character special file", Scratch.TypeOf(full));
    }

    [TestMethod]
    public void GenOutput_NullDevice_SucceedsAndTheDeviceStays()
    {
        using var s = new Scratch();
        string nul = s.Path("null");
        if (!Scratch.Shell("mknod", nul, "c", "1", "3")) Assert.Inconclusive("mknod is not permitted here");
        string scn = s.Write("a.scn", Scratch.Mailbox);

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", nul);

        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("character special file", Scratch.TypeOf(nul));
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp*"));
    }

    [TestMethod]
    public void ReplayReport_Symlink_WritesThroughAndKeepsTheLink()
    {
        using var s = new Scratch();
        string trace = s.MailboxTrace();
        File.CreateSymbolicLink(s.Path("report.json"), "real.json");

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--format", "json", "-o", s.Path("report.json"));

        Assert.AreEqual(0, exit, err);
        Assert.IsNotNull(new FileInfo(s.Path("report.json")).LinkTarget);
        StringAssert.StartsWith(File.ReadAllText(s.Path("real.json")), "{");
    }

    [TestMethod]
    public void GenOutput_Stdout_SameBytesAsTheFile()
    {
        using var s = new Scratch();
        string trace = s.MailboxTrace();
        string scn = Path.ChangeExtension(trace, ".scn");
        var (exit, bytes, err, _) = GenToStdout(scn);

        Assert.AreEqual(0, exit, err);
        CollectionAssert.AreEqual(File.ReadAllBytes(trace), bytes);
    }

    /// <summary>Runs <c>gen SCN -o -</c>; returns its exit code, stdout's bytes, stderr and process id.</summary>
    static (int Exit, byte[] Out, string Err, int Pid) GenToStdout(string scn)
    {
        using var p = ChildTool.Start(["gen", scn, "-o", "-"]);
        p.StandardInput.Close();
        using var bytes = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(bytes);
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, bytes.ToArray(), err, p.Id);
    }

    /// <summary>
    /// gen's trace to stdout comes whole or not at all: a step failing late leaves stdout empty, so
    /// 'gen x.scn -o - | tracetools replay -' cannot replay a header and a chunk as a trace cut off (exit 0). The bytes
    /// wait in a temporary file, which goes with the run. (import writes nothing before its inputs are all read.)
    /// </summary>
    [TestMethod]
    public void GenToStdout_StepFailingLate_NothingWrittenAndNoSpoolLeft()
    {
        using var s = new Scratch();
        // The store at i = 65,536 leaves buf: more than a chunk was made before the failure.
        string scn = s.Write("late.scn", "arch arm64\ncpu c\nram buf 0x1000 size 0x100\nrepeat 70000 as i {\n  c: store buf + (i >> 8) size 1 = 1\n}\n");
        var (exit, bytes, err, pid) = GenToStdout(scn);

        HardeningAsserts.OneLineError(exit, err, "late.scn:5:");
        Assert.IsEmpty(bytes, "nothing on stdout");
        Assert.IsEmpty(Directory.GetFiles(Path.GetTempPath(), $"tracetools-stdout.tmp-{pid}-*"));
    }

    [TestMethod]
    public void ReplayReport_FullDevice_OneLineError()
    {
        using var s = new Scratch();
        string full = s.Path("full");
        if (!Scratch.Shell("mknod", full, "c", "1", "7")) Assert.Inconclusive("mknod is not permitted here");
        string trace = s.MailboxTrace();

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--format", "json", "-o", full);

        HardeningAsserts.OneLineError(exit, err, "no space left on device");
        Assert.AreEqual("character special file", Scratch.TypeOf(full));
    }

    [TestMethod]
    public void GenOutput_ScenarioFailsAfterItsFirstChunks_OldFileKeptAndNoTempLeft()
    {
        using var s = new Scratch();
        // The address leaves buf at i = 131,072 (0x10_0000 / 8): two full 65,536-event chunks are written before the error.
        string scn = s.Write("late.scn", "scenario \"late\"\narch arm64\ncpu cpu0\nram buf 0x1000 size 0x10_0000\n" +
            "repeat 200_000 as i {\n  cpu0: store buf + i * 8 size 8 = 1\n}\nexpect none\n");
        string output = s.Write("out.trace", "previous trace");

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", output, "--codec", "none");

        HardeningAsserts.OneLineError(exit, err, "late.scn:6:15: address 0x101000 is outside every region");
        Assert.AreEqual("previous trace", File.ReadAllText(output), "the old output was overwritten");
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"), "the temporary file was left behind");
    }

    [TestMethod]
    public void GenOutput_ExistingFileWithItsOwnMode_ReplacedKeepingTheMode()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes");
            return;
        }
        using var s = new Scratch();
        string scn = s.Write("a.scn", Scratch.Mailbox);
        string output = s.Write("out.trace", "old");
        const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead;
        File.SetUnixFileMode(output, Mode);

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", output);

        Assert.AreEqual(0, exit, err);
        Assert.IsGreaterThan(3L, new FileInfo(output).Length, "the output was not written");
        Assert.AreEqual(Mode, File.GetUnixFileMode(output), "the replaced file lost the old file's mode");
    }

    [TestMethod]
    public void Gen_Lz4LibraryWithoutItsEntryPoints_OneLineExitTwoAndNoOutput()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("liblz4.so.1 is a Linux library");
            return;
        }
        using var s = new Scratch();
        // A copy of the tool whose app-local liblz4.so.1 is another shared library (the runtime's own System.Native):
        // the runtime loads it before the system's liblz4 and finds no LZ4_* entry point, as with a broken liblz4-1.
        string bin = Directory.CreateDirectory(s.Path("bin")).FullName;
        foreach (var f in Directory.GetFiles(System.IO.Path.GetDirectoryName(ChildTool.Path)!))
        {
            string name = System.IO.Path.GetFileName(f);
            if (name is "tracetools" or "tracetools.dll" or "tracetools.deps.json" or "tracetools.runtimeconfig.json"
                || name.StartsWith("TraceTools.", StringComparison.Ordinal) && name.EndsWith(".dll", StringComparison.Ordinal))
                File.Copy(f, System.IO.Path.Combine(bin, name));
        }
        File.Copy(System.IO.Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so"), System.IO.Path.Combine(bin, "liblz4.so.1"));
        string scn = s.Write("a.scn", Scratch.Mailbox);

        var info = new System.Diagnostics.ProcessStartInfo(System.IO.Path.Combine(bin, "tracetools")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "gen", scn, "-o", s.Path("a.trace") }) info.ArgumentList.Add(a);
        info.Environment.Remove("TRACETOOLS_DEBUG");
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        Assert.IsTrue(p.WaitForExit(60_000), "gen did not finish");
        _ = stdout.Result;

        HardeningAsserts.OneLineError(p.ExitCode, err, "tracetools gen: liblz4.so.1 lacks an LZ4 entry point");
        Assert.IsFalse(File.Exists(s.Path("a.trace")), "a trace was written without its codec");
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"), "the temporary file was left behind");
    }

    [TestMethod]
    public void Gen_OutputPastTheFileSizeLimit_OneLineFileTooLargeOldFileKeptNoTempLeft()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/bash"))
        {
            Assert.Inconclusive("needs bash's ulimit");
            return;
        }
        using var s = new Scratch();
        // 20,000 stores of 8 bytes, uncompressed: about 300 KB, past a 64 KiB limit (ulimit -f counts 1 KiB blocks). With
        // SIGXFSZ ignored the write fails with EFBIG, which the runtime raises as an ArgumentOutOfRangeException.
        string scn = s.Write("big.scn", "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x1000\n"
            + string.Concat(Enumerable.Repeat("cpu0: store buf size 8 = 1\n", 20_000)));
        string output = s.Write("out.trace", "the old file");
        var info = new System.Diagnostics.ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" gen \"$1\" -o \"$2\" --codec none", ChildTool.Path, scn, output }) info.ArgumentList.Add(a);
        info.Environment.Remove("TRACETOOLS_DEBUG");
        // The JIT runtime's double-mapped code memory is a file the limit would cap too: the runtime could not start.
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        Assert.IsTrue(p.WaitForExit(60_000), "gen did not finish");
        _ = stdout.Result;

        HardeningAsserts.OneLineError(p.ExitCode, err, $"tracetools gen: cannot write '{output}': file too large");
        Assert.AreEqual("the old file", File.ReadAllText(output), "the old file was not kept");
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"), "the temporary file was left behind");
    }

    /// <summary>
    /// -o naming stdout by a path when stdout is a pipe (<c>replay T -o /dev/stdout | jq</c>): the path leads to
    /// <c>/proc/self/fd/1</c>, whose link names <c>pipe:[N]</c>, no path; followed to it, the output was "no such file".
    /// </summary>
    [TestMethod]
    [DataRow("/dev/stdout")]
    [DataRow("/dev/fd/1")]
    [DataRow("/proc/self/fd/1")]
    public void ReplayReport_StdoutPathOnAPipe_WritesIntoThePipe(string path)
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("names /proc/self/fd/1");
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");

        var (exit, output, err) = ChildTool.Run(["replay", trace, "--format", "json", "-o", path]);

        Assert.AreEqual(1, exit, err);
        Assert.AreEqual("", err);
        Assert.AreEqual("stale-dma-read", System.Text.Json.Nodes.JsonNode.Parse(output)!["findings"]![0]!["kind"]!.GetValue<string>());
    }
}
