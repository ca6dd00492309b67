using System.Text.RegularExpressions;

namespace TraceTools.Tests.EndToEnd;

/// <summary>A markdown page's headings and the anchors GitHub gives them (what a <c>#fragment</c> link must name).</summary>
static partial class MarkdownHeadings
{
    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}\p{Pc} -]")]
    private static partial Regex NotInAnchor();

    /// <summary>
    /// The page's headings outside fenced blocks, in order, each with its anchor: the text lower-cased, every
    /// character but letters, digits, spaces, '-' and '_' dropped, spaces made '-'; a repeated anchor gets "-1",
    /// "-2", ... in page order.
    /// </summary>
    public static List<(string Heading, string Anchor)> Of(string path)
    {
        var seen = new Dictionary<string, int>();
        var headings = new List<(string, string)>();
        bool fenced = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !line.StartsWith('#')) continue;
            string slug = NotInAnchor().Replace(line.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-');
            headings.Add((line, seen.TryGetValue(slug, out int n) ? $"{slug}-{n}" : slug));
            seen[slug] = n + 1;
        }
        return headings;
    }
}
