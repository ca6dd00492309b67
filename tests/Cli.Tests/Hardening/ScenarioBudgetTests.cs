using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>Issue 12, hardening 3: check has gen's event cap, and an empty repeat of 10^12 hangs neither.</summary>
[TestClass]
public sealed class ScenarioBudgetTests
{
    const string Head = """
        scenario "big"
        arch arm64
        cpu cpu0
        ram buf 0x1000 size 0x100

        """;

    public static IEnumerable<object[]> Cases =>
    [
        ["check", "repeat 1_000_000_000_000 as i {\n  cpu0: store buf size 8 = 1\n}"],
        ["check", "repeat 1_000_000_000_000 as i {\n}"],
        ["gen", "repeat 1_000_000_000_000 as i {\n}"],
        ["check", "repeat 1_000_000 as i {\n  repeat 1_000_000 as j {\n  }\n}"],
        ["gen", "repeat 1_000_000_000_000 as i {\n  repeat i % 2 as j {\n    cpu0: store buf size 8 = 1\n  }\n}"],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Verb_HugeOrEmptyRepeat_RefusedQuicklyWithOneLine(string verb, string body)
    {
        using var s = new Scratch();
        string scn = s.Write("big.scn", Head + body + "\nexpect none\n");
        string[] args = verb == "gen" ? ["gen", scn, "-o", s.Path("big.trace")] : ["check", scn];

        // A child with a deadline: the old behaviour is a hang.
        var (exit, _, err) = ChildTool.Run(args, timeout: TimeSpan.FromSeconds(30));

        HardeningAsserts.OneLineError(exit, err, "--max-events");
        Assert.IsFalse(File.Exists(s.Path("big.trace")));
    }

    [TestMethod]
    public void Check_MaxEventsOption_RefusesAboveAndAcceptsAtTheCap()
    {
        using var s = new Scratch();
        string scn = s.Write("ten.scn", Head + "repeat 10 as i {\n  cpu0: store buf size 8 = 1\n}\nexpect none\n");

        var refused = RepoPaths.Run("check", scn, "--max-events", "9");
        var accepted = RepoPaths.Run("check", scn, "--max-events", "10");

        HardeningAsserts.OneLineError(refused.Exit, refused.Err, "--max-events 9");
        Assert.AreEqual(0, accepted.Exit, accepted.Err + accepted.Out);
    }
}
