using System.Text.RegularExpressions;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// JSON's <c>help_uri</c> and SARIF's <c>helpUri</c> link a kind to its section of docs/model.md: the anchor must be
/// the one GitHub gives that section's heading, or the link lands at the top of a long page.
/// </summary>
[TestClass]
public sealed partial class RuleAnchorTests
{
    static readonly string[] Headings = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "model.md"))
        .Where(l => l.StartsWith('#')).ToArray();

    /// <summary>
    /// GitHub's heading anchor: the heading's text lower-cased, every character but letters, digits, spaces, '-'
    /// and '_' dropped, spaces made '-'; a repeated anchor gets "-1", "-2", ... in document order.
    /// </summary>
    static List<string> Anchors()
    {
        var seen = new Dictionary<string, int>();
        var anchors = new List<string>();
        foreach (var heading in Headings)
        {
            string slug = NotInSlug().Replace(heading.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-');
            anchors.Add(seen.TryGetValue(slug, out int n) ? $"{slug}-{n}" : slug);
            seen[slug] = n + 1;
        }
        return anchors;
    }

    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}\p{Pc} -]")]
    private static partial Regex NotInSlug();

    public static IEnumerable<object[]> Kinds => FindingKinds.All.Select(k => new object[] { k });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void HelpUri_EveryKind_IsTheAnchorOfItsModelSection(FindingKind kind)
    {
        int at = Array.FindIndex(Headings, h => h.StartsWith($"### `{kind.Name()}` (", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, at, $"docs/model.md has no section for {kind.Name()}");
        var rule = RuleText.Of(kind);
        Assert.AreEqual(Anchors()[at], rule.Anchor, $"{kind.Name()}: '{Headings[at]}'");
        Assert.EndsWith("docs/model.md#" + Anchors()[at], rule.HelpUri);
    }
}
