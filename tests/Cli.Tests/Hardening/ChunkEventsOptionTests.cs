namespace TraceTools.Tests.Hardening;

/// <summary><c>--chunk-events</c> outside the format's 1..2^20 is refused, not silently clamped.</summary>
[TestClass]
public sealed class ChunkEventsOptionTests
{
    [TestMethod]
    [DataRow("gen", "0")]
    [DataRow("gen", "1048577")]
    [DataRow("import", "0")]
    [DataRow("import", "99999999")]
    public void ChunkEvents_OutOfRange_RefusedAndNothingWritten(string verb, string n)
    {
        using var s = new Scratch();
        string output = s.Path("out.trace");
        string[] run = verb == "gen"
            ? ["gen", s.Write("a.scn", Scratch.Mailbox), "-o", output, "--chunk-events", n]
            : ["import", "steps", Path.Combine(EndToEnd.RepoPaths.Root, "samples", "recording", "nic.steps.txt"),
               "--layout", Path.Combine(EndToEnd.RepoPaths.Root, "samples", "recording", "nic-layout.scn"), "-o", output, "--chunk-events", n];

        var (exit, _, err) = EndToEnd.RepoPaths.Run(run);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"option --chunk-events takes 1 to 1048576 (the format's most events per chunk), not {n}");
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void ChunkEvents_TheFormatsMost_Accepted()
    {
        using var s = new Scratch();
        var (exit, _, err) = EndToEnd.RepoPaths.Run("gen", s.Write("a.scn", Scratch.Mailbox), "-o", s.Path("out.trace"), "--chunk-events", "1048576");
        Assert.AreEqual(0, exit, err);
    }
}
