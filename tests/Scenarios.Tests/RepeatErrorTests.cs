namespace TraceTools.Tests;

/// <summary>An error raised while a repeat body runs names the iteration and the loop variable's value.</summary>
[TestClass]
public sealed class RepeatErrorTests
{
    [TestMethod]
    public void Repeat_ErrorInAnIteration_NamesTheIterationAndVariable()
    {
        const string Text = "arch sc\ncpu c\nram a 0x1000 size 0x10\nram b 0x2000 size 0x10\nrepeat 4 as i {\nc: store b + i * 7 size 4\n}\n";
        ErrorTests.AssertError(Text, 6, 10, "straddles the end of region 'b'");
        StringAssert.EndsWith(Gen.Error(Text).Message, " (in iteration 3 of the repeat at line 5, i = 2)");
    }

    [TestMethod]
    public void Repeat_ErrorInNestedLoops_NamesEveryEnclosingIteration() =>
        ErrorTests.AssertError(
            "arch sc\ncpu c\nram b 0x2000 size 0xe\nrepeat 2 as i {\nrepeat 3 as j {\nc: store b + i * 8 + j * 4 size 4\n}\n}\n",
            6, 10, "(in iteration 2 of the repeat at line 5, j = 1; iteration 2 of the repeat at line 4, i = 1)");

    [TestMethod]
    public void Repeat_ErrorInANestedCount_NamesTheOuterIteration() =>
        ErrorTests.AssertError(
            "arch sc\ncpu c\nram b 0x2000 size 0x10\nrepeat 3 as i {\nrepeat 8 / (2 - i) as j {\nc: store b size 4\n}\n}\n",
            5, 10, "division by zero (in iteration 3 of the repeat at line 4, i = 2)");
}
