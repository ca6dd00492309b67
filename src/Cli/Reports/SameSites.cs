using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Findings of one group (<see cref="FindingGroup"/>), by position in <paramref name="findings"/>: same kind and
/// severity, and role by role the same sites of trigger and related events. Compared in place, so grouping builds no
/// key per finding (a string of the kind, severity and sites, one per finding, was the old key), and of the engine's
/// store makes no finding (<see cref="FindingFields"/>).
/// </summary>
sealed class SameSites(IReadOnlyList<Finding> findings, EventSites sites) : IEqualityComparer<int>
{
    public bool Equals(int x, int y)
    {
        if (x == y) return true;
        int n = FindingFields.RelatedCountAt(findings, x);
        if (FindingFields.KindAt(findings, x) != FindingFields.KindAt(findings, y)
            || FindingFields.SeverityAt(findings, x) != FindingFields.SeverityAt(findings, y)
            || n != FindingFields.RelatedCountAt(findings, y)) return false;
        if (sites[FindingFields.TriggerAt(findings, x)] != sites[FindingFields.TriggerAt(findings, y)]) return false;
        for (int i = 0; i < n; i++)
        {
            var a = FindingFields.RelatedAt(findings, x, i);
            var b = FindingFields.RelatedAt(findings, y, i);
            if (a.Role != b.Role || sites[a.Index] != sites[b.Index]) return false;
        }
        return true;
    }

    public int GetHashCode(int at)
    {
        var h = new HashCode();
        h.Add(FindingFields.KindAt(findings, at));
        h.Add(FindingFields.SeverityAt(findings, at));
        h.Add(sites[FindingFields.TriggerAt(findings, at)]);
        for (int i = 0, n = FindingFields.RelatedCountAt(findings, at); i < n; i++)
        {
            var r = FindingFields.RelatedAt(findings, at, i);
            h.Add(r.Role);
            h.Add(sites[r.Index]);
        }
        return h.ToHashCode();
    }
}
