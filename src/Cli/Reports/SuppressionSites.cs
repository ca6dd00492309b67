using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// For each site of one trace, the first entry of a suppressions file that matches it, per finding kind: an entry's
/// pattern is matched once per site instead of once per finding and event (200 entries against 200,000 findings
/// ran 8 × 10^7 regex matches, 3.9 s; a trace has few sites).
/// </summary>
/// <remarks>
/// A finding's entry is the first entry, in file order, whose kind fits and whose pattern matches the site of any
/// of its events: that is the least, over its events' sites, of each site's first fitting entry, which this keeps.
/// </remarks>
sealed class SuppressionSites
{
    /// <summary>No entry fits.</summary>
    public const int None = int.MaxValue;

    readonly IReadOnlyList<Suppressions.Entry> _entries;
    readonly Dictionary<int, int[]> _firstByKind = [];

    /// <summary>The trace whose site table the site numbers index.</summary>
    public TraceMetadata Metadata { get; }

    public SuppressionSites(IReadOnlyList<Suppressions.Entry> entries, TraceMetadata metadata)
    {
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>The index of the first entry that fits <paramref name="kind"/> and matches site number <paramref name="site"/>, or <see cref="None"/>.</summary>
    public int First(int site, FindingKind kind)
    {
        // Every site number outside the table prints as "-": one key for all of them.
        if (site < 0 || site >= Metadata.Sites.Count) site = -1;
        if (!_firstByKind.TryGetValue(site, out var first))
        {
            first = Build(site < 0 ? "-" : Metadata.Sites[site]);
            _firstByKind.Add(site, first);
        }
        return first[(int)kind];
    }

    int[] Build(string site)
    {
        var first = new int[FindingKinds.All.Length];
        Array.Fill(first, None);
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            if (!entry.Pattern.IsMatch(site)) continue;
            // Walking back, the earliest fitting entry is written last.
            if (entry.Kind is { } k) first[(int)k] = i;
            else Array.Fill(first, i);
        }
        return first;
    }
}
