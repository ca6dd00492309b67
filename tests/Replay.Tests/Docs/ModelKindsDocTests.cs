using System.Text.RegularExpressions;
using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Docs;

/// <summary>
/// docs/model.md defines each finding kind in a section headed <c>### `name` (severity…)</c>; the descriptors
/// (<see cref="FindingKinds"/>) are what reports print. These keep the two the same: every kind has its section,
/// with the descriptor's severity first in the heading and every related role named in it, and no section defines
/// a kind the replay does not have.
/// </summary>
[TestClass]
public sealed partial class ModelKindsDocTests
{
    static readonly string Model = RepoFiles.Doc("model.md");

    /// <summary>A kind's section: its heading's name and parenthesis, and its text up to the next heading (or the end of the file).</summary>
    [GeneratedRegex(@"^### `(?<name>[a-z-]+)` \((?<severity>[^)]*)\)\n(?<text>.*?)(?=^#|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex KindSection();

    static Dictionary<string, Match> Sections() =>
        KindSection().Matches(Model).ToDictionary(m => m.Groups["name"].Value);

    public static IEnumerable<object[]> Kinds => FindingKinds.All.Select(k => new object[] { k });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void ModelDoc_EveryKind_HasItsSectionWithItsSeverityAndRoles(FindingKind kind)
    {
        var d = kind.Describe();
        Assert.IsTrue(Sections().TryGetValue(d.Name, out var section), $"docs/model.md has no '### `{d.Name}` (…)' section");
        string severity = section.Groups["severity"].Value;
        Assert.StartsWith(d.Severity.ToString().ToLowerInvariant(), severity, $"{d.Name}: heading says '{severity}'");
        foreach (var role in d.Roles)
            Assert.Contains($"`{role.Name()}`", section.Groups["text"].Value, $"{d.Name}: its section never names the role `{role.Name()}`");
    }

    [TestMethod]
    public void ModelDoc_EverySection_IsAKindOfTheReplay()
    {
        var unknown = Sections().Keys.Where(name => !FindingKinds.TryParse(name, out _)).ToList();
        Assert.IsEmpty(unknown, $"sections of kinds the replay does not have: {string.Join(", ", unknown)}");
    }
}
