using TraceTools.Cli.Files;

namespace TraceTools.Tests.Hardening;

/// <summary>The free-space refusal's amounts read as numbers of at least two digits, whatever the size.</summary>
[TestClass]
public sealed class DiskSpaceTests
{
    [TestMethod]
    [DataRow(0L, "0 bytes")]
    [DataRow(10_239L, "10239 bytes")]
    [DataRow(10_240L, "10 KiB")]
    [DataRow(200_000L, "195 KiB")]
    [DataRow(10L << 20, "10 MiB")]
    [DataRow((10L << 30) - 1, "10239 MiB")]
    [DataRow(10L << 30, "10 GiB")]
    public void Amount_EachSize_InItsUnit(long bytes, string shown) => Assert.AreEqual(shown, DiskSpace.Amount(bytes));
}

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
