using TraceTools.Scenarios;

namespace TraceTools.Tests;

/// <summary>
/// A scenario line holds at most 2^20 characters: text that is no scenario (a binary, <c>/dev/zero</c>, 100 MB
/// without a newline) is refused at its line in bounded memory, not held whole until memory runs out.
/// </summary>
[TestClass]
public sealed class LineLengthTests
{
    const string H = "arch sc\ncpu c\nram buf 0 size 0x100\n";
    const int Cap = 1 << 20;

    [TestMethod]
    public void Compile_SixteenMegabyteLine_RefusedAtItsLineInBoundedMemory()
    {
        // Without the cap the line buffer doubled to hold the whole line (64 MB of buffers for these 32 MB of
        // text) and the lexer copied it as a name: /dev/zero ended in an out-of-memory message.
        var reader = new StringReader(H + new string('x', 16 << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.Compile(reader, "t.scn"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual("t.scn:4:1: line longer than 1048576 characters", e.Message);
        // The buffer stops at the cap plus one character: about 4 MB of buffers in all.
        Assert.IsLessThan(5L << 20, allocated, $"allocated {allocated:N0} bytes");
    }

    [TestMethod]
    [DataRow("\n", 1 << 16)]
    [DataRow("", 1 << 16)]
    [DataRow("\n", 7)]
    [DataRow("", 7)]
    public void Compile_LineOfTheCap_ReadAndOneLongerRefused(string end, int bufferChars)
    {
        // A step padded by a comment to exactly the cap (the '\n' not counted), as the last line or not.
        string step = "c: store buf size 1 #";
        string longest = step + new string('-', Cap - step.Length);
        var s = ScenarioCompiler.Compile(new StringReader(H + longest + end), "t.scn", null, bufferChars);
        Assert.AreEqual(1L, s.CountEvents());

        var e = Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.Compile(new StringReader(H + longest + "-" + end), "t.scn", null, bufferChars));
        Assert.AreEqual("t.scn:4:1: line longer than 1048576 characters", e.Message);
    }

    [TestMethod]
    public void CompileLayout_LongLine_Refused()
    {
        // Layouts (import --layout) go through the same reader.
        var e = Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.CompileLayout("arch sc\n" + new string(' ', Cap + 1), "l.scn"));
        Assert.AreEqual("l.scn:2:1: line longer than 1048576 characters", e.Message);
    }
}
