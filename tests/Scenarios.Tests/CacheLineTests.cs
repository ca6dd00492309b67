using TraceTools.Scenarios;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The <c>cacheline N</c> declaration (docs/scenario-language.md, "Cache lines").</summary>
[TestClass]
public sealed class CacheLineTests
{
    [TestMethod]
    [DataRow("arch arm64\n", 64)]
    [DataRow("arch riscv64\n", 64)]
    [DataRow("arch x86_64\n", 64)]
    [DataRow("arch sc\n", 64)]
    [DataRow("arch arm64\ncacheline 128\n", 128)]
    [DataRow("cacheline 32\narch riscv64\n", 32)]
    [DataRow("arch x86_64\nlet L = 16\ncacheline L * 2\n", 32)]
    [DataRow("arch arm64\ncacheline 0x1000\n", 4096)]
    [DataRow("arch arm64\ncacheline 16\n", 16)]
    public void Compile_Declaration_SetsTheLineSizeOrTheArchDefault(string text, int expected) =>
        Assert.AreEqual(expected, Gen.Compile(text + "cpu c\n").Metadata.CacheLineSize);

    [TestMethod]
    [DataRow("arch arm64\ncacheline 96\n", 2, 11, "cache line size 96 is not a power of two")]
    [DataRow("arch arm64\ncacheline 8\n", 2, 11, "cache line size 8 is out of range: expected a power of two from 16 to 4096")]
    [DataRow("arch arm64\ncacheline 8192\n", 2, 11, "out of range")]
    [DataRow("arch arm64\ncacheline 0\n", 2, 11, "out of range")]
    [DataRow("arch arm64\ncacheline 64\ncacheline 128\n", 3, 1, "second 'cacheline' line: the cache line size is declared on line 2")]
    [DataRow("arch arm64\ncacheline\n", 2, 10, "expected")]
    [DataRow("arch arm64\ncacheline 64 bytes\n", 2, 14, "expected end of line")]
    [DataRow("arch arm64\ncpu c\nram b 0 size 8\nc: store b size 1\ncacheline 64\n", 5, 1, "declaration 'cacheline' after the first step")]
    [DataRow("arch arm64\ncachline 64\n", 2, 1, "unknown statement 'cachline' (did you mean 'cacheline'?)")]
    public void Compile_BadDeclaration_OneLineErrorAtItsColumn(string text, int line, int column, string message)
    {
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ");
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    [DataRow("cacheline 128\n", true)]
    [DataRow("cacheline 64\n", false)] // the default: nothing to say
    [DataRow("", false)]
    public void Dump_DeclaredLineSize_PrintedOnlyWhenNotTheDefault_AndCompilesBack(string declaration, bool printed)
    {
        var s = Gen.Compile("arch arm64\n" + declaration + "cpu c\nram buf 0x1000 size 0x100\nc: cache_inval buf size 8\n");
        string text = ScenarioWriter.Write(s.Metadata, Gen.Events(s));
        Assert.AreEqual(printed, text.Contains("cacheline 128\n", StringComparison.Ordinal), text);
        var again = ScenarioCompiler.Compile(text, "dump.scn");
        Assert.AreEqual(s.Metadata.CacheLineSize, again.Metadata.CacheLineSize);
        Assert.IsTrue(s.Metadata.ContentEquals(again.Metadata));
    }

    [TestMethod]
    public void Layout_Declaration_CarriedToLineMode()
    {
        var layout = ScenarioCompiler.CompileLayout("arch riscv64\ncacheline 32\ncpu c\n", "l.scn");
        Assert.AreEqual(32, layout.Metadata.CacheLineSize);
    }
}
