namespace TraceTools.Replay.Detection;

/// <summary>An edge of a cpu's edge log, copied out for a path query.</summary>
internal readonly record struct LoggedEdge(int Cpu, long ReleaseIndex, int Receiver, uint ReceiverTime, long LoggedAt);

public sealed partial class ReplayState
{
    /// <summary>
    /// A chain of logged hb edges from event <paramref name="fromIndex"/> of cpu <paramref name="fromAgent"/> to
    /// event <paramref name="toIndex"/> of <paramref name="toAgent"/> (reports draw it): earliest arrival per
    /// agent over the edges logged in between, in trace order; a hop leaves an agent at a release po-after
    /// (or at) where the path reached it. Empty when the log holds no such chain: edges out of devices are
    /// not logged, and compaction keeps only edges that may still name a publish.
    /// </summary>
    internal List<HbHop> HbPath(int fromAgent, long fromIndex, int toAgent, long toIndex)
    {
        var path = new List<HbHop>();
        if ((uint)fromAgent >= (uint)AgentCount || (uint)toAgent >= (uint)AgentCount || fromAgent == toAgent || fromIndex >= toIndex)
            return path;
        var edges = new List<LoggedEdge>();
        for (int cpu = 0; cpu < AgentCount; cpu++)
            if (!IsDevice[cpu]) _edges[cpu].CopyLogged(cpu, fromIndex, toIndex, edges);
        edges.Sort((a, b) => a.LoggedAt.CompareTo(b.LoggedAt)); // List.Sort is unstable: ties keep no order, and need none

        var arrival = new long[AgentCount];
        Array.Fill(arrival, long.MaxValue);
        arrival[fromAgent] = fromIndex;
        var via = new HbHop[AgentCount];
        foreach (var e in edges)
        {
            if (e.ReleaseIndex < arrival[e.Cpu]) continue;
            // An acquire logs at its own event (receiver time = its index + 1); a doorbell logs at the release
            // and lands on the receiver's next event, whose index is not known yet.
            bool exact = e.ReceiverTime == e.LoggedAt + 1 && e.ReleaseIndex != e.LoggedAt;
            long reached = exact ? e.LoggedAt : e.LoggedAt + 1;
            if (reached >= arrival[e.Receiver] || reached > toIndex) continue;
            arrival[e.Receiver] = reached;
            via[e.Receiver] = new HbHop(e.Cpu, e.ReleaseIndex, e.Receiver, exact ? e.LoggedAt : -1);
        }
        if (arrival[toAgent] > toIndex) return path;
        for (int agent = toAgent, steps = 0; agent != fromAgent; agent = via[agent].FromAgent)
        {
            if (++steps > AgentCount) return [];
            path.Add(via[agent]);
        }
        path.Reverse();
        return path;
    }
}
