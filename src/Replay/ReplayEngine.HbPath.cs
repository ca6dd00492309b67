namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>
    /// The hops of a happens-before path from event <paramref name="fromIndex"/> of cpu <paramref name="fromAgent"/>
    /// to event <paramref name="toIndex"/> of <paramref name="toAgent"/>, from the edges the replay logged (reports
    /// draw the agents a hand-off passes through). Empty when none is known: edges out of devices are not
    /// logged, and on long traces the log keeps only edges that may still name a publish. Call after the
    /// events up to <paramref name="toIndex"/> were processed.
    /// </summary>
    public IReadOnlyList<HbHop> HbPath(int fromAgent, long fromIndex, int toAgent, long toIndex) =>
        _hb.HbPath(fromAgent, fromIndex, toAgent, toIndex);
}
