using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Findings;

/// <summary>The engine's finding order (<see cref="FindingOrder.Sort(FindingStore)"/>): trigger, then kind, ties in report order.</summary>
[TestClass]
public sealed class FindingOrderTests
{
    [TestMethod]
    public void Sort_OutOfOrderWithTies_ByTriggerThenKindTiesAsReported()
    {
        var a = new Finding(FindingKind.StaleDmaRead, 5, [new(RelatedRole.Store, 1)]);
        var b = new Finding(FindingKind.DmaRace, 5, [new(RelatedRole.Store, 2)]);
        var c = new Finding(FindingKind.StaleDmaRead, 5, [new(RelatedRole.Store, 3)]);
        var d = new Finding(FindingKind.DmaRace, 2, []);
        var e = new Finding(FindingKind.StaleDmaRead, 5, [new(RelatedRole.Store, 0)]);
        var findings = FindingStore.From([a, b, c, d, e]);
        var expected = new[] { d }.Concat(new[] { a, b, c, e }.OrderBy(f => f.Kind)).ToList();
        FindingOrder.Sort(findings);
        AssertSame(expected, findings);
        Assert.IsTrue(FindingOrder.IsSorted(findings));
    }

    [TestMethod]
    public void Sort_ManyTiesOutOfOrder_TiesAsReported()
    {
        // Past 16 elements Array.Sort is not stable: the positions break the ties.
        var list = Enumerable.Range(0, 200)
            .Select(i => new Finding(i % 3 == 0 ? FindingKind.DmaRace : FindingKind.StaleDmaRead, (199 - i) / 20, [new(RelatedRole.Store, i)]))
            .ToList();
        var expected = list.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList();
        var findings = FindingStore.From(list);
        FindingOrder.Sort(findings);
        AssertSame(expected, findings);
    }

    [TestMethod]
    public void Sort_PairsOfTiesOutOfOrder_EachPairAsReported()
    {
        // Runs of exactly two ties among 2,000 findings in reverse: the sort swaps some pairs, which the positions put back.
        var list = Enumerable.Range(0, 2_000).Select(i => new Finding(FindingKind.DmaRace, (1_999 - i) / 2, [new(RelatedRole.Store, i)])).ToList();
        var expected = list.OrderBy(f => f.Trigger).ToList();
        var findings = FindingStore.From(list);
        FindingOrder.Sort(findings);
        AssertSame(expected, findings);
    }

    [TestMethod]
    public void Sort_InOrder_Unchanged()
    {
        var before = Enumerable.Range(0, 100).Select(i => new Finding(FindingKind.DmaRace, i / 3, [new(RelatedRole.Other, i)])).ToList();
        var findings = FindingStore.From(before);
        FindingOrder.Sort(findings);
        AssertSame(before, findings);
        // In order already: only checked, so the store still takes findings.
        findings.Add(FindingKind.DmaRace, Severity.Error, 100, []);
    }

    [TestMethod]
    public void StableOrder_ListOutOfOrder_StableByTriggerThenKind()
    {
        // The same order over a plain list (reports grouping findings a test or check made).
        var list = Enumerable.Range(0, 200)
            .Select(i => new Finding(i % 3 == 0 ? FindingKind.DmaRace : FindingKind.StaleDmaRead, (199 - i) / 20, [new(RelatedRole.Store, i)]))
            .ToList();
        CollectionAssert.AreEqual(list.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList(), FindingOrder.StableOrder(list).Select(i => list[i]).ToList());
        Assert.IsFalse(FindingOrder.IsSorted(list));
    }

    static void AssertSame(IReadOnlyList<Finding> expected, FindingStore actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.IsTrue(expected[i].SameAs(actual[i]), $"at {i}: {expected[i]} but {actual[i]}");
    }
}
