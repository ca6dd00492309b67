using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class GroupingTests
{
    /// <summary>
    /// <paramref name="rounds"/> repetitions of store (site "fill" or "fill2" on odd rounds when
    /// <paramref name="alternate"/>), doorbell ("ring"), device read (no site), and the stale-dma-read each implies.
    /// </summary>
    static (IEventLookup Events, List<Finding> Findings) Rounds(int rounds, bool alternate)
    {
        var b = new EventBatch(rounds * 3);
        var findings = new List<Finding>();
        for (int r = 0; r < rounds; r++)
        {
            long i = b.Count;
            int site = alternate && r % 2 == 1 ? 2 : 0;
            b.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8, 0, site), new byte[8]);
            b.Append(new TraceEvent(EventKind.MmioWrite, 0, 0xf000, 4, 0, 1), new byte[4]);
            b.Append(new TraceEvent(EventKind.DmaRead, 1, 0x1000, 8), new byte[8]);
            findings.Add(new Finding(FindingKind.StaleDmaRead, i + 2, [new(RelatedRole.Store, i), new(RelatedRole.Publish, i + 1)]));
        }
        return (new BatchEventLookup(b), findings);
    }

    [TestMethod]
    [DataRow(5, false, 5)]
    [DataRow(12, false, 10)]
    [DataRow(12, true, 12)]
    public void FindingGroup_SameSites_OneGroupCountingAllShowingTenUnlessAll(int rounds, bool all, int shown)
    {
        var (events, findings) = Rounds(rounds, alternate: false);
        var groups = FindingGroup.Build(findings, events, all);
        Assert.HasCount(1, groups);
        Assert.AreEqual(rounds, groups[0].Count);
        Assert.HasCount(shown, groups[0].Instances);
        CollectionAssert.AreEqual(findings.Take(shown).ToList(), groups[0].Instances.ToList());
    }

    [TestMethod]
    public void FindingGroup_RelatedSiteDiffers_SeparateGroupsOrderedByFirstInstance()
    {
        var (events, findings) = Rounds(4, alternate: true);
        var groups = FindingGroup.Build(findings, events, all: false);
        Assert.HasCount(2, groups);
        CollectionAssert.AreEqual(new long[] { 2, 8 }, groups[0].Instances.Select(f => f.Trigger).ToArray());
        CollectionAssert.AreEqual(new long[] { 5, 11 }, groups[1].Instances.Select(f => f.Trigger).ToArray());
    }

    [TestMethod]
    public void FindingGroup_SameSitesDifferentKind_SeparateGroups()
    {
        var (events, findings) = Rounds(2, alternate: false);
        findings.Insert(1, new Finding(FindingKind.MissingCacheClean, 2, [new(RelatedRole.Store, 0)]));
        var groups = FindingGroup.Build(findings, events, all: false);
        CollectionAssert.AreEqual(new[] { FindingKind.StaleDmaRead, FindingKind.MissingCacheClean }, groups.Select(g => g.Kind).ToArray());
        Assert.AreEqual(2, groups[0].Count);
        Assert.AreEqual(1, groups[1].Count);
    }

    [TestMethod]
    public void FindingGroup_FindingsOutOfOrder_GroupsStillByFirstTrigger()
    {
        var (events, findings) = Rounds(4, alternate: true);
        findings.Reverse();
        var groups = FindingGroup.Build(findings, events, all: false);
        Assert.AreEqual(2, groups[0].First.Trigger);
        Assert.AreEqual(5, groups[1].First.Trigger);
    }
}
