using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// A replica's findings of split kinds, each with the start of the piece it was reported for, kept in columns until
/// <see cref="Merge"/> makes one finding of a trigger's pieces. 20 bytes and 8 a related event, where a
/// (finding, piece) pair in a list and then a dictionary keyed by trigger and kind took about 150.
/// </summary>
sealed class PieceFindings
{
    FindingStore _findings = new();
    FindingColumn<ulong> _pieces = new();

    /// <summary>Findings held.</summary>
    public int Count => _findings.Count;

    /// <summary>Keeps a finding reported for the piece starting at <paramref name="piece"/>.</summary>
    public void Add(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<RelatedEvent> related, ulong piece)
    {
        _findings.Add(kind, severity, trigger, related);
        _pieces.Add(piece);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> one finding per trigger and kind over <paramref name="replicas"/>' pieces: the
    /// first in replica order, then report order, unless a later one wins by the kind's <paramref name="merge"/> rule
    /// (the lowest piece; the latest first related event), as a dictionary replaced in that order would keep; the
    /// replicas are left empty.
    /// Sorted by trigger and kind in one 64-bit key, ties by that order: no dictionary entry per finding.
    /// </summary>
    public static void Merge(IReadOnlyList<PieceFindings> replicas, PieceMerge[] merge, FindingStore into)
    {
        int total = 0;
        foreach (var r in replicas) total = checked(total + r.Count);
        if (total == 0) return;
        var keys = new long[total];
        var seq = new int[total];
        var firstOf = new int[replicas.Count];
        for (int s = 0, n = 0; s < replicas.Count; s++)
        {
            firstOf[s] = n;
            var f = replicas[s]._findings;
            for (int i = 0; i < f.Count; i++, n++)
            {
                // Triggers are trace indices, below 2^55 (FindingStore.MaxIndex): the kind fits beside them.
                keys[n] = (f.TriggerAt(i) << 8) | (byte)f.KindAt(i);
                seq[n] = n;
            }
        }
        Array.Sort(keys, seq);
        Span<RelatedEvent> related = stackalloc RelatedEvent[FindingStore.MaxRelated];
        for (int start = 0; start < total;)
        {
            int end = start + 1;
            while (end < total && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(seq, start, end - start);
            var (kept, keptAt) = Locate(replicas, firstOf, seq[start]);
            var rule = merge[(int)kept._findings.KindAt(keptAt)];
            for (int k = start + 1; k < end; k++)
            {
                var (p, at) = Locate(replicas, firstOf, seq[k]);
                if (Wins(p, at, kept, keptAt, rule)) (kept, keptAt) = (p, at);
            }
            var store = kept._findings;
            int count = store.CopyRelated(keptAt, related);
            into.Add(store.KindAt(keptAt), store.SeverityAt(keptAt), store.TriggerAt(keptAt), related[..count]);
            start = end;
        }
        // The replicas (engines the caller still holds for its report) need their pieces no more.
        foreach (var r in replicas) r.Clear();
    }

    void Clear()
    {
        _findings = new FindingStore();
        _pieces = new FindingColumn<ulong>();
    }

    static (PieceFindings Replica, int At) Locate(IReadOnlyList<PieceFindings> replicas, int[] firstOf, int n)
    {
        int s = Array.BinarySearch(firstOf, n);
        if (s < 0) s = ~s - 1;
        // Empty replicas share their first position with the next: the last replica starting at or before n holds it.
        while (s + 1 < firstOf.Length && firstOf[s + 1] <= n) s++;
        return (replicas[s], n - firstOf[s]);
    }

    static bool Wins(PieceFindings p, int at, PieceFindings kept, int keptAt, PieceMerge merge) =>
        merge == PieceMerge.LatestRelated ? Latest(p._findings, at) > Latest(kept._findings, keptAt) : p._pieces[at] < kept._pieces[keptAt];

    static long Latest(FindingStore f, int at) => f.RelatedCountAt(at) == 0 ? -1 : f.RelatedAt(at, 0).Index;
}
