using System.Text.RegularExpressions;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// <see cref="Suppressions.Match"/> answers from each site's first fitting entry (<c>SuppressionSites</c>); these
/// hold it to the rule as docs/reports.md states it, written out: the first entry in file order whose kind fits and
/// whose pattern matches the site of the trigger or of a related event.
/// </summary>
[TestClass]
public sealed class SuppressionSitesTests
{
    static readonly string[] SiteWords = ["qm_mb_write: stp", "qm_set_sqc", "smmu: fetch", "ring_rx", "a # b", "-"];
    static readonly string[] Patterns = ["*", "qm_*", "*: *", "ring_rx", "smmu*", "-", "*b", "x*", "qm_set_sqc", "a # b"];

    /// <summary>The rule, literally: every entry against every event's site, in file order.</summary>
    static Suppressions.Entry? Literal(Suppressions s, Finding f, IEventLookup events, TraceMetadata md)
    {
        foreach (var e in s.Entries)
        {
            if (e.Kind is { } k && k != f.Kind) continue;
            var regex = new Regex("^" + Regex.Escape(e.Site).Replace(@"\*", ".*", StringComparison.Ordinal) + "$");
            IEnumerable<long> indexes = [f.Trigger, .. f.Related.Where(r => r.Index >= 0).Select(r => r.Index)];
            if (indexes.Any(i => regex.IsMatch(EventText.Site(md, events[i]) ?? "-"))) return e;
        }
        return null;
    }

    [TestMethod]
    public void Match_RandomFilesAndFindings_SameEntryAsTheLiteralRule()
    {
        var rng = new Random(20261204);
        for (int round = 0; round < 300; round++)
        {
            // Site numbers past the table (and -1) print as "-", like a site named "-".
            var md = new TraceMetadata { Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = [.. SiteWords.Take(rng.Next(1, SiteWords.Length + 1))] };
            var batch = new EventBatch(32);
            for (int i = 0; i < 32; i++)
                batch.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8, 0, rng.Next(-1, SiteWords.Length + 2)), new byte[8]);
            var events = new BatchEventLookup(batch);
            var lines = Enumerable.Range(0, rng.Next(1, 12)).Select(_ =>
                $"{(rng.Next(3) == 0 ? "*" : FindingKinds.All[rng.Next(4)].Name())} \"{Patterns[rng.Next(Patterns.Length)]}\"").ToArray();
            var s = Suppressions.Parse("supp.txt", lines);
            for (int n = 0; n < 40; n++)
            {
                var related = Enumerable.Range(0, rng.Next(4))
                    .Select(_ => new RelatedEvent(RelatedRole.Store, rng.Next(5) == 0 ? -1 : rng.Next(32))).ToArray();
                var f = new Finding(FindingKinds.All[rng.Next(4)], rng.Next(32), related);
                var expected = Literal(s, f, events, md);
                Assert.AreSame(expected, s.Match(f, events, md), $"round {round}, finding {n}: {string.Join(" | ", lines)}");
            }
        }
    }

    [TestMethod]
    public void SiteGlob_RandomPatternsAndSites_SameAsTheRegex()
    {
        var rng = new Random(20261206);
        string Word(string alphabet, int max) => new([.. Enumerable.Range(0, rng.Next(max + 1)).Select(_ => alphabet[rng.Next(alphabet.Length)])]);
        for (int i = 0; i < 20_000; i++)
        {
            string pattern = Word("ab**", 7), site = Word("ab", 9);
            var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$");
            Assert.AreEqual(regex.IsMatch(site), new SiteGlob(pattern).IsMatch(site), $"'{pattern}' against '{site}'");
        }
    }

    [TestMethod]
    public void Match_ManyStarsOverALongSite_AnsweredWithoutBacktracking()
    {
        // 4,000 'a's against `*a*a*...*b`: exponential for a backtracking matcher (its 1 s timeout was an internal error).
        string site = new('a', 4000);
        var s = Suppressions.Parse("supp.txt", ["dma-race \"" + string.Concat(Enumerable.Repeat("*a", 12)) + "*b\"", "dma-race \"*a*a*a\""]);
        var batch = new EventBatch(1);
        batch.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8, 0, 0), new byte[8]);
        var md = new TraceMetadata { Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = [site] };

        var entry = s.Match(new Finding(FindingKind.DmaRace, 0, []), new BatchEventLookup(batch), md);

        Assert.AreEqual(2, entry?.Line, "the second entry matches, the first does not");
    }

    [TestMethod]
    public void Match_OneFileOverTwoTraces_EachTraceItsOwnSites()
    {
        // `check` applies one file to many scenarios: site 0 names different code in each.
        var s = Suppressions.Parse("supp.txt", ["* ring_rx"]);
        var batch = new EventBatch(1);
        batch.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8, 0, 0), new byte[8]);
        var events = new BatchEventLookup(batch);
        var f = new Finding(FindingKind.DmaRace, 0, []);
        var a = new TraceMetadata { Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = ["ring_rx"] };
        var b = new TraceMetadata { Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = ["ring_tx"] };
        Assert.IsNotNull(s.Match(f, events, a));
        Assert.IsNull(s.Match(f, events, b));
        Assert.IsNotNull(s.Match(f, events, a));
    }
}
