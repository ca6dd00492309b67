namespace TraceTools.Tests.Hardening;

/// <summary>
/// A .scn that is no scenario (<c>/dev/zero</c>: one endless line) is refused at its first line by every verb that
/// reads one, in bounded memory: without the line cap each ended in an out-of-memory line (or grew without end).
/// </summary>
[TestClass]
public sealed class ScenarioLineCapTests
{
    [TestMethod]
    [DataRow("gen")]
    [DataRow("check")]
    [DataRow("import")]
    public void DevZeroAsScenario_RefusedAtLineOneUnderHeapCap(string verb)
    {
        if (!File.Exists("/dev/zero")) Assert.Inconclusive("no /dev/zero here");
        using var s = new Scratch();
        string output = s.Path("out.trace");
        string[] args = verb switch
        {
            "gen" => ["gen", "/dev/zero", "-o", output],
            "check" => ["check", "/dev/zero"],
            _ => ["import", "steps", Path.Combine(EndToEnd.RepoPaths.Root, "samples", "recording", "nic.steps.txt"), "--layout", "/dev/zero", "-o", output],
        };

        var (exit, _, err) = ChildTool.Run(args, heapLimitBytes: 256L << 20, timeout: TimeSpan.FromSeconds(60));

        HardeningAsserts.OneLineError(exit, err, "/dev/zero:1:1: line longer than 1048576 characters");
        Assert.IsFalse(File.Exists(output), verb);
    }
}
