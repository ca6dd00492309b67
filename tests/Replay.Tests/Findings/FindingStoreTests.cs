using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Findings;

/// <summary>
/// <see cref="FindingStore"/>: the columns give back every finding as added (kind, severity, trigger, related roles and
/// indices, a role without its event included), views keep their order, and a finding costs the bytes its columns
/// say, not an object.
/// </summary>
[TestClass]
public sealed class FindingStoreTests
{
    static readonly FindingKind[] Kinds = Enum.GetValues<FindingKind>();
    static readonly RelatedRole[] Roles = Enum.GetValues<RelatedRole>();

    /// <summary>Random findings over several segments, with 0 to 15 related events, -1 indices and lowered severities.</summary>
    static List<Finding> RandomFindings(int seed, int count)
    {
        var rng = new Random(seed);
        var list = new List<Finding>(count);
        long trigger = 0;
        for (int i = 0; i < count; i++)
        {
            trigger += rng.Next(3) == 0 ? 0 : rng.NextInt64(1, 1L << rng.Next(1, 40));
            int n = rng.Next(8) == 0 ? rng.Next(FindingStore.MaxRelated + 1) : rng.Next(4);
            var related = new RelatedEvent[n];
            for (int k = 0; k < n; k++)
            {
                long index = rng.Next(6) == 0 ? -1 : rng.Next(3) == 0 ? FindingStore.MaxIndex - rng.Next(100) : rng.NextInt64(trigger + 1);
                related[k] = new(Roles[rng.Next(Roles.Length)], index);
            }
            var kind = Kinds[rng.Next(Kinds.Length)];
            list.Add(new Finding(kind, trigger, related) { Severity = rng.Next(5) == 0 ? Severity.Warning : kind.Severity() });
        }
        return list;
    }

    static void AssertSame(IReadOnlyList<Finding> expected, FindingStore actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            Assert.IsTrue(e.SameAs(actual[i]), $"at {i}: {e} but {actual[i]}");
            Assert.AreEqual(e.Kind, actual.KindAt(i));
            Assert.AreEqual(e.Trigger, actual.TriggerAt(i));
            Assert.AreEqual(e.Severity, actual.SeverityAt(i));
            Assert.AreEqual(e.Related.Length, actual.RelatedCountAt(i));
            for (int k = 0; k < e.Related.Length; k++) Assert.AreEqual(e.Related[k], actual.RelatedAt(i, k));
        }
    }

    [TestMethod]
    [DataRow(1, 10)]
    [DataRow(2, 4096)]
    [DataRow(3, 20_000)]
    public void Add_ManySegments_GivesBackEveryFinding(int seed, int count)
    {
        var expected = RandomFindings(seed, count);
        var store = FindingStore.From(expected);
        AssertSame(expected, store);
        CollectionAssert.AreEqual(expected.Select(f => f.ToString()).ToList(), store.Select(f => f.ToString()).ToList());
    }

    [TestMethod]
    public void Add_SegmentFullOfMostRelated_OffsetsHold()
    {
        // 4,096 findings of 15 related events: the last one's start is 61,425 past its segment's first.
        var expected = Enumerable.Range(0, 3 * 4096).Select(i => new Finding(FindingKind.DmaRace, i,
            [.. Enumerable.Range(0, FindingStore.MaxRelated).Select(k => new RelatedEvent(RelatedRole.Other, i * 100L + k))])).ToList();
        AssertSame(expected, FindingStore.From(expected));
    }

    [TestMethod]
    public void Add_PastLimits_Refused()
    {
        var store = new FindingStore();
        var tooMany = new RelatedEvent[FindingStore.MaxRelated + 1];
        Assert.ThrowsExactly<InvalidOperationException>(() => store.Add(FindingKind.DmaRace, Severity.Error, 1, tooMany));
        Assert.ThrowsExactly<InvalidOperationException>(() =>
            store.Add(FindingKind.DmaRace, Severity.Error, 1, [new RelatedEvent(RelatedRole.Other, FindingStore.MaxIndex + 1)]));
        Assert.ThrowsExactly<InvalidOperationException>(() => store.Add(FindingKind.DmaRace, Severity.Error, FindingStore.MaxIndex + 1, []));
        Assert.AreEqual(0, store.Count);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store[0]);
    }

    [TestMethod]
    public void RelatedAt_PastTheFindingsOwn_Throws()
    {
        // The next related event in the column is the next finding's: asking past a finding's own is refused.
        var store = FindingStore.From([
            new Finding(FindingKind.DmaRace, 1, [new RelatedEvent(RelatedRole.Other, 0)]),
            new Finding(FindingKind.DmaRace, 2, [new RelatedEvent(RelatedRole.Other, 1)]),
        ]);

        Assert.AreEqual(0, store.RelatedAt(0, 0).Index);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store.RelatedAt(0, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store.RelatedAt(1, -1));
    }

    [TestMethod]
    public void Select_ViewOfView_KeepsOrderAndTakesNoMore()
    {
        var all = RandomFindings(4, 9000);
        var store = FindingStore.From(all);
        int[] odd = [.. Enumerable.Range(0, all.Count).Where(i => i % 2 == 1).Reverse()];
        var view = store.Select(odd, odd.Length);
        var expected = Enumerable.Range(0, all.Count).Where(i => i % 2 == 1).Reverse().Select(i => all[i]).ToList();
        AssertSame(expected, view);
        var third = view.Select([0, 5, 7, 7, 100], 4);
        AssertSame([expected[0], expected[5], expected[7], expected[7]], third);
        Assert.ThrowsExactly<InvalidOperationException>(() => view.Add(FindingKind.DmaRace, Severity.Error, 1, []));
    }

    [TestMethod]
    [DataRow(5)]
    [DataRow(6)]
    public void Sort_OutOfOrderStore_StableByTriggerThenKind(int seed)
    {
        var rng = new Random(seed);
        // Few triggers and kinds: long runs of ties, past Array.Sort's unstable sizes.
        var all = Enumerable.Range(0, 5000).Select(i =>
            new Finding(Kinds[rng.Next(3)], rng.Next(40), [new RelatedEvent(RelatedRole.Store, i)])).ToList();
        var store = FindingStore.From(all);
        FindingOrder.Sort(store);
        AssertSame([.. all.OrderBy(f => f.Trigger).ThenBy(f => f.Kind)], store);
        Assert.IsTrue(FindingOrder.IsSorted(store));
        Assert.ThrowsExactly<InvalidOperationException>(() => store.Add(FindingKind.DmaRace, Severity.Error, 1, []));
    }

    [TestMethod]
    public void AddRange_SortedStore_CopiesInItsOrder()
    {
        var all = RandomFindings(7, 3000).Select((f, i) => f with { Trigger = 3000 - i }).ToList();
        var sorted = FindingStore.From(all);
        FindingOrder.Sort(sorted);
        var into = FindingStore.From(all.Take(3));
        into.AddRange(sorted);
        AssertSame([.. all.Take(3), .. Enumerable.Reverse(all)], into);
    }

    /// <summary>Random findings over three segments and more, added in order or in reverse, and a store of them put in order.</summary>
    static (List<Finding> All, FindingStore Source) SortedSource(int seed, bool outOfOrder)
    {
        var all = RandomFindings(seed, 3 * 4096 + 17);
        all = outOfOrder ? [.. all.Select((f, i) => f with { Trigger = all.Count - i })] : [.. all.OrderBy(f => f.Trigger).ThenBy(f => f.Kind)];
        var source = FindingStore.From(all);
        FindingOrder.Sort(source);
        return (all, source);
    }

    [TestMethod]
    [DataRow(8, false)]
    [DataRow(9, true)]
    public void MoveFrom_GivesEveryFindingAndLeavesTheSourceEmpty(int seed, bool outOfOrder)
    {
        // In order, the store moves segment by segment; out of order, through its positions.
        var (all, source) = SortedSource(seed, outOfOrder);
        var expected = all.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList();
        var into = FindingStore.From(all.Take(5));
        into.MoveFrom(source);
        AssertSame([.. all.Take(5), .. expected], into);
        Assert.AreEqual(0, source.Count);
        Assert.AreEqual(0, source.ColumnBytes);
    }

    [TestMethod]
    [DataRow(10, false)]
    [DataRow(11, true)]
    public void MoveFrom_IntoAnEmptyStore_TakesTheColumnsWithoutCopying(int seed, bool outOfOrder)
    {
        // Every finding the shard's (dma-race alone, split by detector): a copy left the source's segments as garbage
        // until the GC's next full collection, 20 MB at 2 x 10^6 findings. Out of order, the source is read through
        // its positions, so its findings are copied.
        var (all, source) = SortedSource(seed, outOfOrder);
        long bytes = source.ColumnBytes;
        var into = new FindingStore();

        long before = GC.GetAllocatedBytesForCurrentThread();
        into.MoveFrom(source);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertSame([.. all.OrderBy(f => f.Trigger).ThenBy(f => f.Kind)], into);
        Assert.AreEqual(0, source.Count);
        Assert.AreEqual(0, source.ColumnBytes);
        if (outOfOrder) Assert.IsGreaterThan(bytes / 2, allocated);
        else Assert.IsLessThan(bytes / 20, allocated, $"{allocated:N0} bytes allocated moving {bytes:N0}");
    }

    [TestMethod]
    public void MoveFrom_IntoAView_Refused()
    {
        var view = FindingStore.From(RandomFindings(12, 10)).Select([3, 1], 2);
        Assert.ThrowsExactly<InvalidOperationException>(() => view.MoveFrom(FindingStore.From(RandomFindings(13, 5))));
    }

    [TestMethod]
    public void MoveFrom_AView_RefusedAndBothLeftAsTheyWere()
    {
        // A view shares its store's columns: moved into an empty store they would change hands whole, every finding
        // of the store where the view kept two.
        var all = RandomFindings(14, 10);
        var store = FindingStore.From(all);
        var view = store.Select([3, 1], 2);
        var into = new FindingStore();

        Assert.ThrowsExactly<InvalidOperationException>(() => into.MoveFrom(view));
        Assert.AreEqual(0, into.Count);
        AssertSame([all[3], all[1]], view);
        AssertSame(all, store);
    }

    [TestMethod]
    public void MoveSegment_InOrder_SourceShrinksAsTheCopyGrows()
    {
        // What MoveFrom does segment by segment: at no point are both stores whole (a copy, then a drop, held both).
        var source = new FindingStore();
        const int n = 10 * 4096 + 100;
        for (int i = 0; i < n; i++) source.Add(FindingKind.DmaRace, Severity.Error, i, [new RelatedEvent(RelatedRole.Other, i - 1)]);
        long whole = source.ColumnBytes;
        var into = new FindingStore();
        long peak = 0;
        for (int next = 0; next < n;)
        {
            next = into.MoveSegment(source, next);
            peak = Math.Max(peak, source.ColumnBytes + into.ColumnBytes);
            // Each segment copied is let go at once, in every column: 4,096 findings of 20 bytes (one related event each).
            if (next < n) Assert.AreEqual(whole - next * 20L, source.ColumnBytes, $"after {next:N0} findings moved");
        }
        Assert.IsLessThan(whole * 12 / 10, peak, $"both held at once: {peak:N0} of {whole:N0} bytes");
        Assert.AreEqual(0, source.ColumnBytes, "every segment let go");
        Assert.HasCount(n, into);
        Assert.AreEqual(n - 1, into.TriggerAt(n - 1));
        Assert.AreEqual(n - 2, into.RelatedAt(n - 1, 0).Index);
    }

    [TestMethod]
    public void MoveFrom_ASegmentsFirstRelatedEventsAcrossTwoSegmentsOfRelated_EveryOneKept()
    {
        // 4,095 findings of one related event and one of none: the next segment's first finding has related events
        // 4,095 and 4,096, on both sides of the related column's first segment end, which must stay until it is copied.
        var all = new List<Finding>();
        for (int i = 0; i < 2 * 4096 + 10; i++)
        {
            int n = i == 4095 ? 0 : i == 4096 ? 3 : 1;
            all.Add(new Finding(FindingKind.DmaRace, i, [.. Enumerable.Range(0, n).Select(k => new RelatedEvent(RelatedRole.Other, i * 10L + k))]));
        }
        var source = FindingStore.From(all);
        var into = FindingStore.From(all.Take(1));

        into.MoveFrom(source);

        AssertSame([all[0], .. all], into);
    }

    [TestMethod]
    public void ColumnBytes_DmaRaceShape_About20BytesAFinding()
    {
        // What the engine keeps per finding until the report: a Finding object, its related array and a list slot
        // took about 90 bytes.
        var store = new FindingStore();
        const int n = 100_000;
        for (int i = 0; i < n; i++) store.Add(FindingKind.DmaRace, Severity.Error, i * 7L, [new RelatedEvent(RelatedRole.Other, i * 7L - 3)]);
        double perFinding = (double)store.ColumnBytes / n;
        Assert.IsTrue(perFinding is >= 20 and <= 21, $"{perFinding:0.0} bytes a finding");
    }
}
