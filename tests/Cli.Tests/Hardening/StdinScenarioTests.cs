using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// <c>gen -</c> and <c>check -</c> read the scenario from stdin, as <c>replay</c>, <c>info</c> and <c>dump</c> read
/// <c>-</c>: they read a file named <c>-</c> ("no such file"), and only <c>/dev/stdin</c> reached stdin.
/// </summary>
[TestClass]
public sealed class StdinScenarioTests
{
    [TestMethod]
    public void Gen_Dash_ReadsStdinSameTraceAsTheFile()
    {
        using var s = new Scratch();
        string scn = s.Write("mb.scn", Scratch.Mailbox), fromFile = s.Path("file.trace"), fromStdin = s.Path("stdin.trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", scn, "-o", fromFile).Exit);

        var (exit, _, err) = ChildTool.Run(["gen", "-", "-o", fromStdin], stdin: File.ReadAllBytes(scn));

        Assert.AreEqual(0, exit, err);
        CollectionAssert.AreEqual(File.ReadAllBytes(fromFile), File.ReadAllBytes(fromStdin));
    }

    [TestMethod]
    public void Check_Dash_ReadsStdinAndErrorsNameIt()
    {
        var (exit, output, err) = ChildTool.Run(["check", "-"], stdin: System.Text.Encoding.UTF8.GetBytes(Scratch.Mailbox));
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("PASS mailbox\n1 passed, 0 failed\n", output);

        (exit, _, err) = ChildTool.Run(["gen", "-", "-o", "/dev/null"], stdin: "scenario \"x\"\narch arm64\ncpu cpu0\nbogus\n"u8.ToArray());
        HardeningAsserts.OneLineError(exit, err, "/dev/stdin:4:1: ");
    }
}
