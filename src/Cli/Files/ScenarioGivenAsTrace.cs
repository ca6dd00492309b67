using TraceTools.TraceFormat;

namespace TraceTools.Cli.Files;

/// <summary>
/// A scenario given where a trace is read (<c>tracetools replay qm.scn</c>): "bad magic" alone leaves a newcomer
/// guessing, so the message adds the commands that turn the scenario into a trace.
/// </summary>
static class ScenarioGivenAsTrace
{
    /// <summary>
    /// <paramref name="e"/> with that hint when it says the file is not a trace and the file looks like a
    /// scenario (named <c>.scn</c>, or starting with text); otherwise null.
    /// </summary>
    public static TraceFormatException? Explained(TraceFormatException e, string path)
    {
        if (!e.NotATrace || !(path.EndsWith(".scn", StringComparison.OrdinalIgnoreCase) || StartsWithText(e.BytesHex))) return null;
        bool stdin = path == "-";
        string file = stdin ? "FILE" : path;
        string trace = stdin ? "X.trace" : Path.ChangeExtension(path, ".trace");
        string hint = $" (a scenario: run `tracetools check {file}` or `tracetools gen {file} -o {trace}` first)";
        return new TraceFormatException(e.FileName, e.ByteOffset, e.ChunkIndex, e.Problem + hint, e.BytesHex) { NotATrace = true };
    }

    /// <summary>True when the first bytes (the reader's hex of them) are text: printable, tabs, newlines, UTF-8.</summary>
    static bool StartsWithText(string? hex)
    {
        if (hex is null) return false;
        byte[] bytes = Convert.FromHexString(hex.TrimEnd('.'));
        return bytes.Length > 0 && Array.TrueForAll(bytes, b => b is (byte)'\t' or (byte)'\n' or (byte)'\r' or >= 0x20 and not 0x7f);
    }
}
