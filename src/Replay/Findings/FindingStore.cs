using System.Collections;
using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Findings;

/// <summary>
/// The findings of a replay in flat columns: 12 bytes a finding (its trigger, a head of kind, severity and related
/// count, where its related events start) and 8 a related event (role and index in one word), in segments that
/// growth never copies. A <see cref="Finding"/> is made only when one is asked for (the indexer, enumeration), so
/// what a replay keeps until its report is written grows by about 20 bytes a dma-race finding where a
/// <see cref="Finding"/> object, its related array and the list's reference took about 90.
/// </summary>
/// <remarks>
/// A store is a view of its columns: in the order findings were added, or through positions (the order
/// <see cref="FindingOrder"/> puts them in, or a subset a report keeps, <see cref="Select"/>). Only a store that
/// owns its columns in their own order takes more findings.
/// </remarks>
public sealed class FindingStore : IReadOnlyList<Finding>
{
    /// <summary>Related events a finding may carry (the head's four bits).</summary>
    public const int MaxRelated = 15;

    const int KindBits = 8, SeverityShift = 8, CountShift = 10;
    const int IndexBits = 56;
    const long IndexMask = (1L << IndexBits) - 1;
    /// <summary>The largest trace index a finding may name (56 bits hold a related event's beside its role, and a trigger's beside its kind in a sort key).</summary>
    public const long MaxIndex = (1L << (IndexBits - 1)) - 1;

    Columns _columns;
    /// <summary>Positions in the columns, in this view's order; null: the columns' own order.</summary>
    readonly int[]? _positions;
    /// <summary>Positions that put a store owning its columns in order (<see cref="PutInOrder"/>); null while in added order.</summary>
    int[]? _order;
    readonly int _count;

    /// <summary>An empty store that owns its columns.</summary>
    public FindingStore() => _columns = new Columns();

    FindingStore(Columns columns, int[] positions, int count)
    {
        _columns = columns;
        _positions = positions;
        _count = count;
    }

    /// <summary>A store holding <paramref name="findings"/> in their order.</summary>
    public static FindingStore From(IEnumerable<Finding> findings)
    {
        var store = new FindingStore();
        foreach (var f in findings) store.Add(f);
        return store;
    }

    /// <summary>Findings in this view.</summary>
    public int Count => _positions is null ? _order is null ? (int)_columns.Triggers.Count : _order.Length : _count;

    /// <summary>Bytes the columns take (shared by every view of them), without positions.</summary>
    public long ColumnBytes => _columns.Bytes;

    /// <summary>Adds a finding; its related events keep their order.</summary>
    public void Add(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<RelatedEvent> related)
    {
        if (_positions is not null || _order is not null) ReplayThrow.StoreIsView();
        _columns.Add(kind, severity, trigger, related);
    }

    /// <summary>Adds <paramref name="finding"/>.</summary>
    public void Add(Finding finding) => Add(finding.Kind, finding.Severity, finding.Trigger, finding.Related);

    /// <summary>Adds every finding of <paramref name="other"/> in its view's order, copied column by column.</summary>
    public void AddRange(FindingStore other) => AddRange(other, 0, other.Count);

    void AddRange(FindingStore other, int from, int end)
    {
        Span<RelatedEvent> related = stackalloc RelatedEvent[MaxRelated];
        for (int i = from; i < end; i++)
        {
            int n = other.CopyRelated(i, related);
            Add(other.KindAt(i), other.SeverityAt(i), other.TriggerAt(i), related[..n]);
        }
    }

    /// <summary>
    /// Adds every finding of <paramref name="other"/> as <see cref="AddRange(FindingStore)"/> does, and leaves it empty: a store in
    /// its own order gives up each segment once copied, so the findings are not held twice (a replay split by
    /// detector moves the shard's findings into the engine's). Nothing else may view <paramref name="other"/>.
    /// </summary>
    internal void MoveFrom(FindingStore other)
    {
        if (other._positions is not null) ReplayThrow.StoreIsView();
        if (_positions is not null || _order is not null) ReplayThrow.StoreIsView();
        // Into an empty store (every finding the shard's: a replay of dma-race alone, split by detector) the columns
        // change hands: copied, their segments would be garbage the GC keeps until its next full collection.
        if (Count == 0 && other._order is null) (_columns, other._columns) = (other._columns, _columns);
        else if (other._order is not null) AddRange(other);
        else for (int next = 0; next < other.Count;) next = MoveSegment(other, next);
        other._columns = new Columns();
        other._order = null;
    }

    /// <summary>
    /// Copies the findings of <paramref name="other"/> (a store in its own order) from <paramref name="from"/> to the
    /// end of its segment, then lets go of the segment; returns where the next segment starts.
    /// </summary>
    internal int MoveSegment(FindingStore other, int from)
    {
        int end = (int)Math.Min(other.Count, ((long)from | (FindingColumn<long>.SegmentSize - 1)) + 1);
        AddRange(other, from, end);
        other._columns.ReleaseBelow(end);
        return end;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int At(int i)
    {
        if ((uint)i >= (uint)Count) ReplayThrow.NoFinding(i);
        return _positions is { } p ? p[i] : _order is { } o ? o[i] : i;
    }

    /// <summary>The kind of the finding at <paramref name="i"/>.</summary>
    public FindingKind KindAt(int i) => (FindingKind)(_columns.Heads[At(i)] & ((1 << KindBits) - 1));

    /// <summary>The severity of the finding at <paramref name="i"/>.</summary>
    public Severity SeverityAt(int i) => (Severity)((_columns.Heads[At(i)] >> SeverityShift) & 3);

    /// <summary>The trigger index of the finding at <paramref name="i"/>.</summary>
    public long TriggerAt(int i) => _columns.Triggers[At(i)];

    /// <summary>How many related events the finding at <paramref name="i"/> carries.</summary>
    public int RelatedCountAt(int i) => _columns.Heads[At(i)] >> CountShift;

    /// <summary>The <paramref name="k"/>th related event of the finding at <paramref name="i"/>.</summary>
    public RelatedEvent RelatedAt(int i, int k)
    {
        int at = At(i);
        if ((uint)k >= (uint)(_columns.Heads[at] >> CountShift)) ReplayThrow.NoFinding(k);
        return Unpack(_columns.Related[_columns.RelatedStart(at) + k]);
    }

    /// <summary>Copies the related events of the finding at <paramref name="i"/> into <paramref name="into"/>; returns how many.</summary>
    public int CopyRelated(int i, Span<RelatedEvent> into)
    {
        int at = At(i);
        int n = _columns.Heads[at] >> CountShift;
        long start = _columns.RelatedStart(at);
        for (int k = 0; k < n; k++) into[k] = Unpack(_columns.Related[start + k]);
        return n;
    }

    /// <summary>The finding at <paramref name="i"/>, made anew on each call (compare with <see cref="Finding.SameAs"/>).</summary>
    public Finding this[int i]
    {
        get
        {
            int at = At(i);
            ushort head = _columns.Heads[at];
            int n = head >> CountShift;
            var related = n == 0 ? [] : new RelatedEvent[n];
            long start = _columns.RelatedStart(at);
            for (int k = 0; k < n; k++) related[k] = Unpack(_columns.Related[start + k]);
            return new Finding((FindingKind)(head & ((1 << KindBits) - 1)), _columns.Triggers[at], related)
            {
                Severity = (Severity)((head >> SeverityShift) & 3),
            };
        }
    }

    /// <summary>
    /// A view of the findings at <paramref name="positions"/> (positions in this view, the first
    /// <paramref name="count"/>), in that order: what a filter keeps costs 4 bytes a finding, not a copy.
    /// </summary>
    /// <remarks>The view takes <paramref name="positions"/> as its own when <paramref name="count"/> is its length.</remarks>
    public FindingStore Select(int[] positions, int count)
    {
        var mapped = count == positions.Length ? positions : positions[..count];
        for (int k = 0; k < count; k++) mapped[k] = At(mapped[k]);
        return new FindingStore(_columns, mapped, count);
    }

    /// <summary>
    /// Puts this store's findings in order through positions, when they are not (<see cref="FindingOrder"/>: trigger,
    /// kind, ties in the order added); it then takes no more findings.
    /// </summary>
    internal void PutInOrder()
    {
        if (_positions is not null) ReplayThrow.StoreIsView();
        if (_order is null && !FindingOrder.IsSorted(this)) _order = FindingOrder.StableOrder(this);
    }

    /// <summary>The findings, each made anew (<see cref="this[int]"/>).</summary>
    public IEnumerator<Finding> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    static long Pack(RelatedEvent r) => ((long)r.Role << IndexBits) | (r.Index & IndexMask);

    /// <summary>The role in the top byte, the index sign-extended from 56 bits (a role without its event is -1).</summary>
    static RelatedEvent Unpack(long word) => new((RelatedRole)(byte)((ulong)word >> IndexBits), (word << (64 - IndexBits)) >> (64 - IndexBits));

    /// <summary>The columns a store and its views share.</summary>
    sealed class Columns
    {
        public readonly FindingColumn<long> Triggers = new();
        /// <summary>Kind (bits 0-7), severity (8-9), related count (10-13).</summary>
        public readonly FindingColumn<ushort> Heads = new();
        /// <summary>Where a finding's related events start, from its segment's first (at most 4,096 × 15 later).</summary>
        public readonly FindingColumn<ushort> RelatedOffsets = new();
        /// <summary>Per segment of findings, where its first finding's related events start.</summary>
        public readonly List<long> SegmentRelated = [];
        /// <summary>Per related event, its role (top byte) and index (low 56 bits).</summary>
        public readonly FindingColumn<long> Related = new();

        public void Add(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<RelatedEvent> related)
        {
            if (related.Length > MaxRelated) ReplayThrow.RelatedCount(kind, related.Length);
            if ((ulong)trigger > MaxIndex) ReplayThrow.FindingIndex(trigger);
            // Checked before any column grows: a refused finding leaves no part of itself behind.
            foreach (var r in related)
                if (r.Index > MaxIndex) ReplayThrow.FindingIndex(r.Index);
            long count = Triggers.Count;
            if (count == int.MaxValue) ReplayThrow.TooManyFindings(trigger);
            if ((count & (FindingColumn<long>.SegmentSize - 1)) == 0) SegmentRelated.Add(Related.Count);
            Triggers.Add(trigger);
            Heads.Add((ushort)((byte)kind | ((int)severity << SeverityShift) | (related.Length << CountShift)));
            RelatedOffsets.Add((ushort)(Related.Count - SegmentRelated[^1]));
            foreach (var r in related) Related.Add(Pack(r));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public long RelatedStart(int at) => SegmentRelated[at >> FindingColumn<long>.SegmentShift] + RelatedOffsets[at];

        public long Bytes => Triggers.Bytes + Heads.Bytes + RelatedOffsets.Bytes + Related.Bytes + SegmentRelated.Count * 8L;

        /// <summary>Lets go of the segments of the findings below <paramref name="finding"/> (a multiple of a segment) and of their related events.</summary>
        public void ReleaseBelow(int finding)
        {
            long related = finding < Triggers.Count ? RelatedStart(finding) : Related.Count;
            Triggers.ReleaseBelow(finding);
            Heads.ReleaseBelow(finding);
            RelatedOffsets.ReleaseBelow(finding);
            Related.ReleaseBelow(related);
            if (finding >= Triggers.Count) SegmentRelated.Clear();
        }
    }
}
