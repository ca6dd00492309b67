using System.Text.RegularExpressions;

namespace TraceTools.Tests.EndToEnd;

/// <summary>
/// The repository's markdown links to its own files stay whole: every relative link in the README and the docs
/// names a file or folder that exists, and a <c>#anchor</c> into a markdown file names one of its headings (as
/// GitHub anchors them). Code spans and fenced blocks are not links (reports.md shows SARIF's <c>[text](0)</c>).
/// </summary>
[TestClass]
public sealed partial class DocLinksTests
{
    [GeneratedRegex(@"\[[^\]]*\]\((?<link>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    /// <summary>Every markdown page of the checkout (the README, docs/, bench/, the recorders'), build output aside.</summary>
    public static IEnumerable<object[]> Pages =>
        Directory.EnumerateFiles(RepoPaths.Root, "*.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules"))
            .Order(StringComparer.Ordinal)
            .Select(p => new object[] { p });

    /// <summary>The page's lines outside fenced blocks, code spans blanked.</summary>
    static IEnumerable<string> Prose(string path)
    {
        bool fenced = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            else if (!fenced) yield return CodeSpan().Replace(line, "");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Pages))]
    public void Page_EveryRelativeLink_NamesAnExistingFileAndHeading(string page)
    {
        string full = Path.Combine(RepoPaths.Root, page);
        var broken = new List<string>();
        foreach (Match m in Prose(full).SelectMany(l => Link().Matches(l)))
        {
            string link = m.Groups["link"].Value;
            if (Regex.IsMatch(link, "^[a-z][a-z0-9+.-]*:")) continue;    // https:, mailto:: not the repository's
            int hash = link.IndexOf('#');
            string file = hash < 0 ? link : link[..hash], anchor = hash < 0 ? "" : link[(hash + 1)..];
            string target = file.Length == 0 ? full : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, file));
            if (!File.Exists(target) && !Directory.Exists(target)) broken.Add(link);
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !MarkdownHeadings.Of(target).Any(h => h.Anchor == anchor)) broken.Add(link);
        }
        Assert.IsEmpty(broken, $"{page}: broken links {string.Join(", ", broken)}");
    }
}
