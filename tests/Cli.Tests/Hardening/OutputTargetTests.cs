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
        using var p = ChildTool.Start(["gen", scn, "-o", "-"]);
        p.StandardInput.Close();
        using var bytes = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(bytes);
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();

        Assert.AreEqual(0, p.ExitCode, err);
        CollectionAssert.AreEqual(File.ReadAllBytes(trace), bytes.ToArray());
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
}
