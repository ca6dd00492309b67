using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// JSON's <c>help_uri</c> and SARIF's <c>helpUri</c> link a kind to its section of docs/model.md: the anchor must be
/// the one GitHub gives that section's heading, or the link lands at the top of a long page.
/// </summary>
[TestClass]
public sealed class RuleAnchorTests
{
    static readonly List<(string Heading, string Anchor)> Headings = MarkdownHeadings.Of(Path.Combine(RepoPaths.Root, "docs", "model.md"));

    public static IEnumerable<object[]> Kinds => FindingKinds.All.Select(k => new object[] { k });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void HelpUri_EveryKind_IsTheAnchorOfItsModelSection(FindingKind kind)
    {
        var section = Headings.Find(h => h.Heading.StartsWith($"### `{kind.Name()}` (", StringComparison.Ordinal));
        Assert.IsNotNull(section.Heading, $"docs/model.md has no section for {kind.Name()}");
        var rule = RuleText.Of(kind);
        Assert.AreEqual(section.Anchor, rule.Anchor, $"{kind.Name()}: '{section.Heading}'");
        Assert.EndsWith("docs/model.md#" + section.Anchor, rule.HelpUri);
    }
}
