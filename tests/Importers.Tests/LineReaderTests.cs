using System.Text;
using TraceTools.Importers;
using TraceTools.Importers.Internals;

namespace TraceTools.Tests;

[TestClass]
public sealed class LineReaderTests
{
    static List<string> ReadAll(byte[] bytes)
    {
        using var reader = new LineReader(new MemoryStream(bytes), "in.txt");
        var lines = new List<string>();
        while (reader.TryReadLine(out var line))
        {
            lines.Add(Encoding.UTF8.GetString(line));
            Assert.AreEqual(lines.Count, reader.LineNumber);
        }
        return lines;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void Read_LinesAcrossPipeSegments_ExactlyTheLinesWithoutNewlines(int seed)
    {
        // Long enough to cross many 64 KiB pipe segments; some lines longer than a segment; CRLF mixed in.
        var rng = new Random(seed);
        var expected = new List<string>();
        var text = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            int length = rng.Next(10) == 0 ? rng.Next(60_000, 150_000) : rng.Next(0, 120);
            string line = new string((char)('a' + i % 26), length) + i;
            expected.Add(line);
            text.Append(line).Append(rng.Next(3) == 0 ? "\r\n" : "\n");
        }
        if (seed == 2) { text.Length--; } // last line without its newline
        CollectionAssert.AreEqual(expected, ReadAll(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [TestMethod]
    public void Read_EmptyInputAndLoneNewline_ZeroAndOneLines()
    {
        Assert.IsEmpty(ReadAll([]));
        CollectionAssert.AreEqual(new[] { "" }, ReadAll("\n"u8.ToArray()));
        CollectionAssert.AreEqual(new[] { "x" }, ReadAll("x"u8.ToArray()));
    }

    [TestMethod]
    public void Read_LineOverOneMebibyte_ErrorWithLineNumber()
    {
        var bytes = Encoding.ASCII.GetBytes("ok\n" + new string('x', LineReader.MaxLineBytes + 10) + "\nafter\n");
        var e = Assert.ThrowsExactly<ImportException>(() => ReadAll(bytes));
        Assert.AreEqual(2, e.Line);
        // The line as a whole, at its first column, as the scenario compiler and a suppressions file name one.
        Assert.AreEqual(1, e.Column);
        StringAssert.Contains(e.Message, ":2:1: line longer than");
    }

    [TestMethod]
    public void Read_LineOfExactlyOneMebibyte_ReadAndOneByteMoreRefused()
    {
        string longest = new('x', LineReader.MaxLineBytes);
        CollectionAssert.AreEqual(new[] { "ok", longest, "after" }, ReadAll(Encoding.ASCII.GetBytes("ok\n" + longest + "\nafter\n")));
        var e = Assert.ThrowsExactly<ImportException>(() => ReadAll(Encoding.ASCII.GetBytes("ok\n" + longest + "x\nafter\n")));
        Assert.AreEqual(2, e.Line);
    }
}
