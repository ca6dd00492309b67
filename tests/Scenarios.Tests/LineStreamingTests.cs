using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// The compiler reads a scenario a line at a time: an error is reported when its line is reached, before the
/// lines after it are read or lexed, and the trace does not depend on where the reads split the text.
/// </summary>
[TestClass]
public sealed class LineStreamingTests
{
    const string Header = """
        scenario "s"
        arch arm64
        cpu cpu0
        ram buf 0x8000_0000 size 0x1000

        """;

    /// <summary>Serves <paramref name="text"/>, then fails the test if asked for more: what follows was not needed.</summary>
    sealed class StopAfterReader(string text) : TextReader
    {
        int _at;

        public override int Read(char[] buffer, int index, int count)
        {
            if (_at == text.Length) throw new AssertFailedException("the compiler read past the line with the error");
            int n = Math.Min(count, text.Length - _at);
            text.CopyTo(_at, buffer, index, n);
            _at += n;
            return n;
        }
    }

    [TestMethod]
    public void Compile_ErrorOnLine5_ReadsNothingAfterIt()
    {
        // Line 5 is complete (its newline is read) and the reader fails on any read past it.
        var reader = new StopAfterReader(Header + "cpu0: stor buf size 4\n");
        var e = Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.Compile(reader, "t.scn"));
        Assert.AreEqual("t.scn:5:7: unknown op 'stor' (did you mean 'store'?)", e.Message);
    }

    [TestMethod]
    public void Compile_ParseErrorBeforeALexicalOne_ReportsTheFirstLine()
    {
        // Lexing the whole text first reported line 7's stray character, though line 5 is wrong already.
        var e = Gen.Error(Header + "cpu0: stor buf size 4\ncpu0: load buf size 4\ncpu0: load buf size $4\n");
        Assert.AreEqual("t.scn:5:7: unknown op 'stor' (did you mean 'store'?)", e.Message);
    }

    [TestMethod]
    public void Compile_LexicalErrorOnTheLineOfAParseError_StillFirst()
    {
        // Within a line the order is as before: the line is lexed whole, then parsed.
        var e = Gen.Error(Header + "cpu0: stor buf size $4\n");
        Assert.AreEqual("t.scn:5:21: unexpected character '$'", e.Message);
    }

    [TestMethod]
    public void Compile_RepeatOpenAcrossLines_CountsItsNestingAcrossReads()
    {
        // The nesting guard's open blocks carry from line to line: 65 nested repeats fail at the 65th '{'.
        var text = Header + string.Concat(Enumerable.Range(0, 65).Select(i => $"repeat 1 as v{i} {{\n"));
        var e = Gen.Error(text);
        // At the '{' (the lexer's guard), not at 'repeat' (the parser's): the guard saw the 64 lines above.
        Assert.AreEqual("t.scn:69:17: 'repeat' blocks nested more than 64 deep", e.Message);
    }

    /// <summary>
    /// Every sample, read 1, 2, 3, 7 and 64 Ki characters at a time (a line split across reads, a '\r' and its
    /// '\n' in different reads, lines longer than the buffer): the same trace bytes, or the same error.
    /// </summary>
    [TestMethod]
    public void Compile_AnyReadSize_SameTraceAsOneRead()
    {
        var files = Directory.GetFiles(Repo.SamplesDir, "*.scn").OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.IsGreaterThan(20, files.Count);
        foreach (var path in files)
        {
            string text = File.ReadAllText(path);
            foreach (string variant in new[] { text, text.Replace("\n", "\r\n", StringComparison.Ordinal), text.TrimEnd('\n') })
            {
                string expected = TraceOrError(variant, 1 << 16);
                foreach (int chars in new[] { 1, 2, 3, 7 })
                    Assert.AreEqual(expected, TraceOrError(variant, chars), $"{Path.GetFileName(path)} read {chars} characters at a time");
            }
        }
    }

    [TestMethod]
    public void Compile_ErrorsAtTheEnd_SamePositionForAnyReadSize()
    {
        foreach (string text in new[] { "", "\n", "arch arm64\ncpu cpu0,", "arch arm64\nrepeat 2 as i {\n", "cpu cpu0\n\n  \n" })
        {
            string expected = TraceOrError(text, 1 << 16);
            StringAssert.StartsWith(expected, "error: t.scn:");
            foreach (int chars in new[] { 1, 2, 5 })
                Assert.AreEqual(expected, TraceOrError(text, chars), $"'{text}' read {chars} characters at a time");
        }
    }

    static string TraceOrError(string text, int bufferChars)
    {
        try
        {
            var s = ScenarioCompiler.Compile(new StringReader(text), "t.scn", null, bufferChars);
            using var ms = new MemoryStream();
            using (var w = new TraceWriter(ms, s.Metadata, new TraceWriterOptions { Codec = TraceCodec.None }))
            {
                s.Generate(w);
                w.Complete();
            }
            return Convert.ToHexString(ms.ToArray());
        }
        catch (ScenarioException e)
        {
            return "error: " + e.Message;
        }
    }
}
