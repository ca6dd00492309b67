namespace TraceTools.Tests;

[TestClass]
public sealed class ExpressionTests
{
    static ulong Eval(string expr)
    {
        var b = Gen.Events($"arch sc\ncpu c\nram m 0 size 8\nlet v = {expr}\nc: store m size 8 = v\n");
        return Gen.Value(b, 0);
    }

    [TestMethod]
    [DataRow("1 + 2 * 3", 7UL)]
    [DataRow("(1 + 2) * 3", 9UL)]
    [DataRow("10 - 4 - 3", 3UL)]
    [DataRow("100 / 10 / 5", 2UL)]
    [DataRow("17 % 5 * 2", 4UL)]
    [DataRow("1 << 2 + 1", 8UL)]
    [DataRow("1 + 1 << 2", 8UL)]
    [DataRow("0xf0 >> 4 + 0", 0xfUL)]
    [DataRow("6 & 3 << 1", 6UL)]
    [DataRow("1 | 2 ^ 3", 1UL)]
    [DataRow("1 | 6 & 3", 3UL)]
    [DataRow("12 ^ 10 & 6", 14UL)]
    [DataRow("~0", ulong.MaxValue)]
    [DataRow("-1", ulong.MaxValue)]
    [DataRow("-(2 * 3)", 0xFFFF_FFFF_FFFF_FFFAUL)]
    [DataRow("~1 & 0xff", 0xfeUL)]
    [DataRow("0x8000_0000 + 1_000", 0x8000_03E8UL)]
    [DataRow("0xFFFF_FFFF_FFFF_FFFF", ulong.MaxValue)]
    [DataRow("+5", 5UL)]
    [DataRow("1 << 63", 0x8000_0000_0000_0000UL)]
    public void Expression_Precedence_MatchesC(string expr, ulong expected) =>
        Assert.AreEqual(expected, Eval(expr));

    [TestMethod]
    public void Expression_LetReferencesEarlierLet_Folds()
    {
        var b = Gen.Events("arch sc\ncpu c\nram m 0 size 8\nlet a = 3\nlet b = a * a + 1\nc: store m size 8 = b\n");
        Assert.AreEqual(10UL, Gen.Value(b, 0));
    }

    [TestMethod]
    public void Expression_Override_ReplacesLet()
    {
        var s = Gen.Compile("arch sc\ncpu c\nram m 0 size 8\nlet a = 3\nc: store m size 8 = a\n", new Dictionary<string, ulong> { ["a"] = 42 });
        Assert.AreEqual(42UL, Gen.Value(Gen.Events(s), 0));
    }

    [TestMethod]
    public void Expression_AddressOffset_AddsWholeExpression()
    {
        var b = Gen.Events("arch sc\ncpu c\nram buf 0x100 size 0x100\nc: store buf + 1 << 2 size 1 = 0\n");
        Assert.AreEqual(0x104UL, b.Addresses[0]);
    }
}

[TestClass]
public sealed class OverrideTests
{
    [TestMethod]
    [DataRow("n=4", "n", 4UL)]
    [DataRow("count=0x1000", "count", 0x1000UL)]
    [DataRow("big_n=1_000_000", "big_n", 1_000_000UL)]
    public void TryParseOverride_Valid_ReturnsNameAndValue(string arg, string name, ulong value)
    {
        Assert.IsTrue(Scenarios.ScenarioCompiler.TryParseOverride(arg, out var n, out var v));
        Assert.AreEqual(name, n);
        Assert.AreEqual(value, v);
    }

    [TestMethod]
    [DataRow("n")] [DataRow("=4")] [DataRow("n=")] [DataRow("n=4x")] [DataRow("n=0x")] [DataRow("1n=4")]
    [DataRow("n = 4")] [DataRow("n=1+2")] [DataRow("a b=4")] [DataRow("n=99999999999999999999")]
    public void TryParseOverride_Invalid_ReturnsFalse(string arg) =>
        Assert.IsFalse(Scenarios.ScenarioCompiler.TryParseOverride(arg, out _, out _));
}
