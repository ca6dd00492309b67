using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Findings of one group (<see cref="FindingGroup"/>): same kind and severity, and role by role the same sites of
/// trigger and related events. Compared in place, so grouping builds no key per finding (a string of the kind,
/// severity and sites, one per finding, was the old key).
/// </summary>
sealed class SameSites(EventSites sites) : IEqualityComparer<Finding>
{
    public bool Equals(Finding? x, Finding? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        if (x.Kind != y.Kind || x.Severity != y.Severity || x.Related.Length != y.Related.Length) return false;
        if (sites[x.Trigger] != sites[y.Trigger]) return false;
        for (int i = 0; i < x.Related.Length; i++)
        {
            var a = x.Related[i];
            var b = y.Related[i];
            if (a.Role != b.Role || sites[a.Index] != sites[b.Index]) return false;
        }
        return true;
    }

    public int GetHashCode(Finding f)
    {
        var h = new HashCode();
        h.Add(f.Kind);
        h.Add(f.Severity);
        h.Add(sites[f.Trigger]);
        foreach (var r in f.Related)
        {
            h.Add(r.Role);
            h.Add(sites[r.Index]);
        }
        return h.ToHashCode();
    }
}
