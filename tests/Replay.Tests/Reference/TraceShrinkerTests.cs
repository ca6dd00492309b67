using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

[TestClass]
public sealed class TraceShrinkerTests
{
    [TestMethod]
    public void Shrink_HisiQmKeepingStaleDmaRead_DropsOnlyTheBarrier()
    {
        var small = TraceShrinker.Shrink(SeedCases.HisiQm(),
            t => ReferenceModel.Run(t).Any(f => f.Kind == FindingKind.StaleDmaRead));
        CollectionAssert.AreEqual(
            new[] { EventKind.Store, EventKind.MmioWrite, EventKind.DmaRead },
            small.Events.Select(e => e.E.Kind).ToArray());
    }

    [TestMethod]
    public void Without_DroppedStore_ReadsObserveTheRemainingMemory()
    {
        var t = TraceShrinker.Without(SeedCases.VtdPasid(), 4); // drop the 0xbbbb store
        var lastFetch = t.Events[^1];
        Assert.AreEqual(EventKind.Fetch, lastFetch.E.Kind);
        Assert.AreEqual(0xaa, lastFetch.Data[0]);
        Assert.AreEqual(0xaa, lastFetch.Data[1]);
    }
}
