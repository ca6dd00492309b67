using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Checking;

/// <summary>
/// <c>check --explain</c> prints a failing scenario's findings under its FAIL line, as replay does; without it, the
/// contract's one line per scenario.
/// </summary>
[TestClass]
public sealed class CheckExplainTests
{
    [TestMethod]
    public void Fail_WithExplain_ShowsTheLadderAndHelp_WithoutIt_OneLine()
    {
        var dir = Directory.CreateTempSubdirectory("tt-explain");
        try
        {
            string scn = Path.Combine(dir.FullName, "s.scn");
            File.WriteAllText(scn, File.ReadAllText(Path.Combine(RepoPaths.Samples, "noncoherent-tx-clean-without-dsb.scn"))
                .Replace("expect missing-cache-clean count 1", "expect no missing-cache-clean", StringComparison.Ordinal));
            var plain = RepoPaths.Run("check", scn);
            Assert.AreEqual(1, plain.Exit, plain.Err);
            var plainLines = plain.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(2, plainLines, plain.Out); // the FAIL line and the tally
            StringAssert.StartsWith(plainLines[0], "FAIL ");

            var (exit, output, err) = RepoPaths.Run("check", scn, "--explain");
            Assert.AreEqual(1, exit, err);
            var lines = output.Split('\n');
            StringAssert.StartsWith(lines[0], "FAIL ");
            StringAssert.Contains(lines[1], "error[missing-cache-clean]: dma may read txbuf+0x0..0x80 while it is dirty in cpu0's cache (1 instance)");
            StringAssert.Contains(output, "<- dirty");
            StringAssert.Contains(output, "  help: put cache_clean txbuf+0x0..0x80 on cpu0 after #0");
            StringAssert.EndsWith(output.TrimEnd(), "0 passed, 1 failed");
        }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    public void Pass_WithExplain_StillOneLine()
    {
        var (exit, output, err) = RepoPaths.Run("check", Path.Combine(RepoPaths.Samples, "noncoherent-tx-clean-without-dsb.scn"), "--explain");
        Assert.AreEqual(0, exit, err);
        Assert.HasCount(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries), output);
    }
}
