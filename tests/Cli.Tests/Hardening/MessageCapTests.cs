using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>Issue 12, hardening 9: what errors quote is capped; deep nesting fails early in bounded memory.</summary>
[TestClass]
public sealed class MessageCapTests
{
    const string Head = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";

    /// <summary>Characters of a token or nesting: as many as a line holds below its cap of 2^20 (a longer line is refused whole).</summary>
    const int Long = (1 << 20) - 64;

    static string HugeToken(string what) => what switch
    {
        "name" => Head + "cpu0: " + new string('x', Long) + "\n",
        "number" => Head + "cpu0: store buf size " + new string('9', Long) + " = 1\n",
        _ => Head + "cpu0: store buf size 8 = 1 \"" + new string('y', Long) + "\"\n",
    };

    [TestMethod]
    [DataRow("name")]
    [DataRow("number")]
    [DataRow("string")]
    public void Gen_MegabyteToken_MessageStaysShort(string what)
    {
        using var s = new Scratch();
        string scn = s.Write("huge.scn", HugeToken(what));

        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", s.Path("huge.trace"));

        HardeningAsserts.OneLineError(exit, err, "huge.scn:4:");
        Assert.DoesNotContain("line longer than", err, "the token's own error, not the line cap's");
        Assert.IsLessThan(1000, err.Length, $"{what}: a {err.Length}-character message");
    }

    static string Deep(string what) => what switch
    {
        "parentheses" => Head + "cpu0: store buf size 8 = " + new string('(', Long) + "\n",
        "unary minus" => Head + "cpu0: store buf size 8 = " + new string('-', Long) + "1\n",
        _ => Head + string.Concat(Enumerable.Range(0, 1 << 20).Select(k => $"repeat 1 as v{k} {{\n")),
    };

    [TestMethod]
    [DataRow("parentheses")]
    [DataRow("unary minus")]
    [DataRow("repeat blocks")]
    public void Gen_MegabytesDeep_FailsUnderHeapCap(string what)
    {
        using var s = new Scratch();
        string scn = s.Write("deep.scn", Deep(what));

        var (exit, _, err) = ChildTool.Run(["gen", scn, "-o", s.Path("deep.trace")], heapLimitBytes: 256L << 20, timeout: TimeSpan.FromSeconds(60));

        HardeningAsserts.OneLineError(exit, err, "nested more than");
        Assert.IsFalse(File.Exists(s.Path("deep.trace")), what);
    }
}
