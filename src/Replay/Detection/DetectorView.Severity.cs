using TraceTools.Replay.Findings;

namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// Reports a finding of <paramref name="kind"/> with <paramref name="severity"/> (which may be below the kind's)
    /// and one related index per role of its descriptor, in the descriptor's role order; an index below 0 means the
    /// finding has no event in that role, and the role is left out.
    /// </summary>
    public void Report(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<long> related)
    {
        var roles = kind.Describe().Roles;
        if (roles.Count != related.Length) ReplayThrow.RoleCount(kind, related.Length);
        int present = 0;
        foreach (long r in related) if (r >= 0) present++;
        Span<RelatedEvent> events = stackalloc RelatedEvent[present];
        for (int i = 0, k = 0; i < related.Length; i++)
        {
            if (related[i] >= 0) events[k++] = new(roles[i], related[i]);
        }
        _engine.Report(kind, severity, trigger, events);
    }
}
