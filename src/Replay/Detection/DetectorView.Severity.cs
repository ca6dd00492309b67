using TraceTools.Replay.Findings;

namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// Reports a finding of <paramref name="kind"/> with <paramref name="severity"/> (which may be below the kind's)
    /// and up to two related events in the descriptor's role order; a related index below 0 means the finding has
    /// no event in that role, and the role is left out.
    /// </summary>
    public void Report(FindingKind kind, Severity severity, long trigger, long first, long second)
    {
        var roles = kind.Describe().Roles;
        if (roles.Count != 2) ReplayThrow.RoleCount(kind, 2);
        RelatedEvent[] related = (first >= 0, second >= 0) switch
        {
            (true, true) => [new(roles[0], first), new(roles[1], second)],
            (true, false) => [new(roles[0], first)],
            (false, true) => [new(roles[1], second)],
            _ => [],
        };
        _engine.Report(kind, severity, trigger, related);
    }
}
