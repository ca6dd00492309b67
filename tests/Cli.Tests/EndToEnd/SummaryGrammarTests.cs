using TraceTools.Tests.Hardening;

namespace TraceTools.Tests.EndToEnd;

/// <summary>Summaries count in the right number: <c>1 finding</c>, not <c>1 findings</c>.</summary>
[TestClass]
public sealed class SummaryGrammarTests
{
    // The mailbox without its barrier: one stale-dma-read.
    static readonly string OneFinding = Scratch.Mailbox.Replace("cpu0: barrier dma_wmb\n", "", StringComparison.Ordinal)
        .Replace("expect none", "expect stale-dma-read", StringComparison.Ordinal);

    const string OneEvent = """
        scenario "one"
        arch arm64
        cpu cpu0
        ram buf 0x1000 size 0x10
        cpu0: store buf size 8 = 1 @ "only"
        expect none
        """;

    [TestMethod]
    public void Export_OneFinding_Singular()
    {
        using var s = new Scratch();
        string trace = s.Path("one.trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", s.Write("one.scn", OneFinding), "-o", trace).Exit);

        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "-o", s.Path("one.json"));

        Assert.AreEqual(0, exit, err);
        StringAssert.EndsWith(err.TrimEnd('\n'), ", 1 finding");
    }

    [TestMethod]
    public void Export_OneEvent_Singular()
    {
        using var s = new Scratch();
        string trace = s.Path("one.trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", s.Write("one.scn", OneEvent), "-o", trace).Exit);

        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "-o", s.Path("one.json"));

        Assert.AreEqual(0, exit, err);
        Assert.AreEqual($"{s.Path("one.json")}: 1 event, 0 hb arrows, 0 findings", err.TrimEnd('\n'));
    }

    [TestMethod]
    public void Replay_StatsOfOneEvent_Singular()
    {
        using var s = new Scratch();
        string trace = s.Path("one.trace");
        Assert.AreEqual(0, RepoPaths.Run("gen", s.Write("one.scn", OneEvent), "-o", trace).Exit);

        var (_, output, err) = RepoPaths.Run("replay", trace, "--stats", "--quiet");

        StringAssert.Contains(output + err, "replayed 1 event in ");
    }
}
