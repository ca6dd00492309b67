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
    public void FindingGroup_SameSitesDifferentSeverity_SeparateGroups()
    {
        // unquiesced-dma twice with the same sites (handover "kexec", iommu_mode "set_mode", DMA "rx"): the first DMA
        // after the mode went to bypass (an error), the second after the same line set abort (a warning). The
        // instance's severity is part of what groups it (FindingGroup: "they group apart"): two groups of one each.
        var b = new EventBatch(5);
        b.Append(new TraceEvent(EventKind.Handover, 0, 0, 0, 0, 0), []);
        b.Append(new TraceEvent(EventKind.IommuMode, 0, 0, 0, 1 | (uint)IommuTreatment.Bypass << 16, 1), []);
        b.Append(new TraceEvent(EventKind.DmaRead, 1, 0x1000, 8, 0, 2), new byte[8]);
        b.Append(new TraceEvent(EventKind.IommuMode, 0, 0, 0, 1 | (uint)IommuTreatment.Abort << 16, 1), []);
        b.Append(new TraceEvent(EventKind.DmaRead, 1, 0x1000, 8, 0, 2), new byte[8]);
        var findings = new List<Finding>
        {
            new(FindingKind.UnquiescedDma, 2, [new(RelatedRole.Handover, 0), new(RelatedRole.IommuMode, 1)]),
            new(FindingKind.UnquiescedDma, 4, [new(RelatedRole.Handover, 0), new(RelatedRole.IommuMode, 3)]) { Severity = Severity.Warning },
        };
        var groups = FindingGroup.Build(findings, new BatchEventLookup(b), all: false);
        Assert.HasCount(2, groups);
        Assert.AreEqual((Severity.Error, 1, 2L), (groups[0].Severity, groups[0].Count, groups[0].First.Trigger));
        Assert.AreEqual((Severity.Warning, 1, 4L), (groups[1].Severity, groups[1].Count, groups[1].First.Trigger));
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

    [TestMethod]
    public void FindingGroup_SameSitesOtherRole_SeparateGroups()
    {
        // Grouping compares role and site per related event (SameSites), as the string key it replaced did.
        var (events, findings) = Rounds(2, alternate: false);
        findings[1] = new Finding(FindingKind.StaleDmaRead, 5, [new(RelatedRole.Publish, 3), new(RelatedRole.Store, 4)]);
        var groups = FindingGroup.Build(findings, events, all: false);
        Assert.HasCount(2, groups);
    }

    [TestMethod]
    public void FindingGroup_OutOfOrderWithTies_TiesKeepTheirOrder()
    {
        // Two instances at one trigger and kind, given after a later one: sorted stably, as LINQ's OrderBy did.
        var (events, findings) = Rounds(2, alternate: false);
        var tie = new Finding(FindingKind.StaleDmaRead, 2, [new(RelatedRole.Store, 0), new(RelatedRole.Publish, 1)]);
        findings.Add(tie);
        var groups = FindingGroup.Build(findings, events, all: false);
        Assert.HasCount(1, groups);
        Assert.AreSame(findings[0], groups[0].Instances[0]);
        Assert.AreSame(tie, groups[0].Instances[1]);
        Assert.AreSame(findings[1], groups[0].Instances[2]);
    }

    [TestMethod]
    public void EventSites_EventNoFindingNames_Throws()
    {
        var (events, findings) = Rounds(2, alternate: false);
        var sites = EventSites.Read(findings, events);
        Assert.AreEqual(6, sites.Count);
        Assert.AreEqual(1, sites[4]);
        Assert.AreEqual(-1, sites[-1]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sites[6]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sites[1L << 32], "past every index a replay takes");
    }

    [TestMethod]
    public void EventSites_IndexOfTheNoEventMark_RefusedNotDropped()
    {
        // 2^32 - 1 is ReplayEngine.MaxEvents, past every index a replay gives, and the uint a role without its event
        // becomes: a finding naming it is refused, not read as naming no event.
        var (events, findings) = Rounds(1, alternate: false);
        long mark = uint.MaxValue;
        List<Finding> trigger = [.. findings, new Finding(FindingKind.StaleDmaRead, mark, [])];
        List<Finding> related = [.. findings, new Finding(FindingKind.StaleDmaRead, 2, [new(RelatedRole.Store, mark)])];

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EventSites.Read(trigger, events));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EventSites.Read(related, events));
    }

    [TestMethod]
    public void EventSites_KeepEightBytesADistinctEvent()
    {
        // Each round's trigger and two related events; the rounds share none: three distinct events a finding.
        var (events, findings) = Rounds(50, alternate: true);
        var sites = EventSites.Read(findings, events);
        Assert.AreEqual(150, sites.Count);
        Assert.AreEqual(8L * sites.Count, sites.Footprint, "a 4-byte index and a site each, nothing for the events named twice");
        var twice = findings.Concat(findings).ToList();
        var again = EventSites.Read(twice, events);
        Assert.AreEqual(sites.Count, again.Count);
        Assert.AreEqual(sites.Footprint, again.Footprint, "findings naming the same events keep them once");
    }
}
