using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>The random traces exercise model.md §8: used bits that change verdicts, and live-entry-write both ways.</summary>
[TestClass]
public sealed class UsedBitsGeneratorTests
{
    [TestMethod]
    public void Generator_ManySeeds_UsedBitsChangeVerdictsAndLiveWritesGoBothWays()
    {
        int usedTables = 0, changedVerdicts = 0, live = 0, excused = 0;
        for (int seed = 0; seed < 600; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var findings = GeneratedReference.Of(seed);
            live += findings.Count(f => f.Kind == FindingKind.LiveEntryWrite);
            // an in-place store after a fetch followed by an invalidation of the table's fetcher, with no finding at it
            var table = t.Metadata.Regions.Single(r => r.Kind == RegionKind.Table);
            for (int i = 1; i < t.Count; i++)
                if (t[i].Kind == EventKind.DevInvalidate && t[i].Aux == (uint)table.Device && t[i - 1].Kind == EventKind.Store
                    && table.Contains(t[i - 1].Address, 1) && !findings.Any(f => f.Trigger == i - 1))
                    excused++;
            if (table.UsedBits is null) continue;
            usedTables++;
            var plain = ReferenceModel.Run(WithoutUsedBits(t));
            if (string.Join(" ", plain) != string.Join(" ", findings)) changedVerdicts++;
        }
        Assert.IsGreaterThan(40, usedTables, "tables with used bits");
        Assert.IsGreaterThan(10, changedVerdicts, "traces whose findings the used bits change");
        Assert.IsGreaterThan(20, live, "live-entry-write findings");
        Assert.IsGreaterThan(20, excused, "in-place stores right before an invalidation, not reported");
    }
}
