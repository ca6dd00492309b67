using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The findings a filter keeps (<c>--detectors</c>, suppressions, the baseline), in their order: of a
/// <see cref="FindingStore"/> a view by position, 4 bytes a finding kept, not a finding made and held for each.
/// </summary>
sealed class KeptFindings
{
    readonly FindingStore? _store;
    readonly int[]? _positions;
    readonly List<Finding>? _list;
    int _count;

    /// <summary>Starts keeping findings of <paramref name="source"/>.</summary>
    public KeptFindings(IReadOnlyList<Finding> source)
    {
        _store = source as FindingStore;
        if (_store is not null) _positions = new int[source.Count];
        else _list = new List<Finding>(source.Count);
    }

    /// <summary>Keeps <c>source[position]</c> (of a store, its position only: no finding is made).</summary>
    public void Keep(int position, IReadOnlyList<Finding> source)
    {
        if (_positions is { } p) p[_count++] = position;
        else _list!.Add(source[position]);
    }

    /// <summary>What was kept, in the source's order.</summary>
    public IReadOnlyList<Finding> Findings => _store is { } s ? s.Select(_positions!, _count) : _list!;

    /// <summary>The findings of <paramref name="findings"/> whose kind <paramref name="keep"/> holds for, in order (<c>--detectors</c>).</summary>
    public static IReadOnlyList<Finding> OfKinds(IReadOnlyList<Finding> findings, Func<FindingKind, bool> keep)
    {
        var kept = new KeptFindings(findings);
        for (int i = 0; i < findings.Count; i++)
            if (keep(FindingFields.KindAt(findings, i))) kept.Keep(i, findings);
        return kept.Findings;
    }
}
