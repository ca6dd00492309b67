using System.Text;

namespace TraceTools.Scenarios.Internals;

/// <summary>
/// Shortens what an error message quotes from the input: a 10 MB name or number is shown by its first
/// characters and its length, so the message stays one readable line. Applied once, in the throw helper,
/// so that no message can forget it.
/// </summary>
static class QuoteCap
{
    /// <summary>Longest run of non-blank characters quoted as it is.</summary>
    public const int MaxRun = 96;
    /// <summary>Longest message detail.</summary>
    public const int MaxDetail = 512;

    public static string Apply(string detail)
    {
        if (detail.Length <= MaxRun) return detail;
        var sb = new StringBuilder(Math.Min(detail.Length, MaxDetail + 32));
        int i = 0;
        while (i < detail.Length && sb.Length < MaxDetail)
        {
            int start = i;
            while (i < detail.Length && detail[i] != ' ') i++;
            int run = i - start;
            if (run > MaxRun) sb.Append(detail, start, 64).Append($"...({run} characters)");
            else sb.Append(detail, start, run);
            if (i < detail.Length) { sb.Append(' '); i++; }
        }
        if (i < detail.Length) sb.Append("...");
        return sb.ToString();
    }
}
