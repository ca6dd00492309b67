using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Findings;

/// <summary>The engine's finding order (<see cref="FindingOrder.Sort"/>): trigger, then kind, ties in report order.</summary>
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
        var findings = new List<Finding> { a, b, c, d, e };
        var expected = new[] { d }.Concat(new[] { a, b, c, e }.OrderBy(f => f.Kind)).ToList();
        FindingOrder.Sort(findings);
        CollectionAssert.AreEqual(expected, findings);
        Assert.IsTrue(FindingOrder.IsSorted(findings));
    }

    [TestMethod]
    public void Sort_ManyTiesOutOfOrder_TiesAsReported()
    {
        // Past 16 elements Array.Sort is not stable: the positions break the ties.
        var findings = Enumerable.Range(0, 200)
            .Select(i => new Finding(i % 3 == 0 ? FindingKind.DmaRace : FindingKind.StaleDmaRead, (199 - i) / 20, [new(RelatedRole.Store, i)]))
            .ToList();
        var expected = findings.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList();
        FindingOrder.Sort(findings);
        CollectionAssert.AreEqual(expected, findings);
    }

    [TestMethod]
    public void Sort_InOrder_Unchanged()
    {
        var findings = Enumerable.Range(0, 100).Select(i => new Finding(FindingKind.DmaRace, i / 3, [])).ToList();
        var before = findings.ToList();
        FindingOrder.Sort(findings);
        CollectionAssert.AreEqual(before, findings);
    }
}
