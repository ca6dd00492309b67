using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>Why an hb edge between two agents exists (model.md §2).</summary>
public enum EdgeKind { Doorbell, StatusRead, ReadsFrom, Interrupt, LockHandoff, InvalidateToDevice, InvalidateFromDevice, Quiesce }

/// <summary>An hb edge that leaves one agent for another.</summary>
public readonly record struct CrossEdge(int From, int To, EdgeKind Kind);

public sealed partial class ReferenceModel
{
    readonly List<CrossEdge> _cross = [];
    bool[][] _reach = [];

    public IReadOnlyList<CrossEdge> CrossEdges => _cross;

    /// <summary>hb-before: a non-empty path of po and cross edges from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public bool Hb(int a, int b) => _reach[a][b];

    /// <summary>
    /// hb-before as far as <paramref name="b"/>'s data bytes are concerned: with
    /// <see cref="ReferenceReadings.SelfAcquire"/> off, a path whose last edge is b's own reads-from does not count.
    /// </summary>
    public bool HbData(int a, int b)
    {
        if (_readings.SelfAcquire) return Hb(a, b);
        int prev = PrevOfAgent(AgentOf(b), b);
        if (prev >= 0 && (prev == a || Hb(a, prev))) return true;
        foreach (var c in _cross)
            if (c.To == b && LastHopCountsForData(c) && (c.From == a || Hb(a, c.From))) return true;
        return false;
    }

    /// <summary>Whether a path may end with cross edge <paramref name="c"/> into the access being checked.</summary>
    bool LastHopCountsForData(CrossEdge c) => _readings.SelfAcquire || c.Kind != EdgeKind.ReadsFrom;

    int NextOfAgent(int agent, int after)
    {
        for (int j = after + 1; j < _n; j++) if (AgentOf(j) == agent) return j;
        return -1;
    }

    int PrevOfAgent(int agent, int before)
    {
        for (int j = before - 1; j >= 0; j--) if (AgentOf(j) == agent) return j;
        return -1;
    }

    void AddCross(int from, int to, EdgeKind kind)
    {
        if (from < 0 || to < 0 || AgentOf(from) == AgentOf(to)) return; // same agent: po already orders it
        var e = new CrossEdge(from, to, kind);
        if (!_cross.Contains(e)) _cross.Add(e);
    }

    void BuildGraph()
    {
        for (int i = 0; i < _n; i++)
        {
            var e = Ev(i);
            AddAcquireReleaseEdges(i);
            switch (KindOf(i))
            {
                case EventKind.MmioWrite:
                    // doorbell: → every later event of D (the first one; D's po carries it on).
                    AddCross(i, NextOfAgent(RegionOf(e.Address)!.Device, i), EdgeKind.Doorbell);
                    break;
                case EventKind.MmioRead:
                    // status read: every earlier event of D → the read (the last one; po carries the rest).
                    AddCross(PrevOfAgent(RegionOf(e.Address)!.Device, i), i, EdgeKind.StatusRead);
                    break;
                case EventKind.Load or EventKind.DmaRead or EventKind.Fetch:
                    // reads-from on sync bytes: the read observes the last store to each byte in trace order.
                    foreach (var a in Bytes(i))
                        if (IsSyncByte(a)) AddCross(LastWriter(a, i), i, EdgeKind.ReadsFrom);
                    break;
                case EventKind.RaiseIrq:
                    for (int j = i + 1; j < _n; j++)
                        if (KindOf(j) == EventKind.TakeIrq && Ev(j).Aux == e.Agent) { AddCross(i, j, EdgeKind.Interrupt); break; }
                    break;
                case EventKind.Unlock:
                    for (int j = i + 1; j < _n; j++)
                        if (KindOf(j) == EventKind.Lock && Ev(j).Aux == e.Aux) { AddCross(i, j, EdgeKind.LockHandoff); break; }
                    break;
                case EventKind.DevInvalidate:
                    // synchronous submit-and-wait. Outbound, the cpu's past reaches D's later events through
                    // the request itself (model.md Precise rules: class o, "through it"). Inbound, §2.7 says
                    // D's earlier events reach the cpu's LATER events: the edge lands on the cpu's next event,
                    // not on the invalidation, so the invalidation itself is not hb-after D's past.
                    AddCross(i, NextOfAgent((int)e.Aux, i), EdgeKind.InvalidateToDevice);
                    AddCross(PrevOfAgent((int)e.Aux, i), _readings.InvalidationAcquiresItself ? i : NextOfAgent(e.Agent, i), EdgeKind.InvalidateFromDevice);
                    break;
                case EventKind.Quiesce: QuiesceEdge(i); break;
            }
        }

        // Every edge points forward in trace order, so reachability is one backward sweep.
        _reach = new bool[_n][];
        for (int i = _n - 1; i >= 0; i--)
        {
            var r = _reach[i] = new bool[_n];
            foreach (int s in Successors(i))
            {
                if (s <= i) throw new InvalidOperationException($"hb edge #{i} -> #{s} points backwards");
                r[s] = true;
                for (int k = 0; k < _n; k++) r[k] |= _reach[s][k];
            }
        }
    }

    IEnumerable<int> Successors(int i)
    {
        int next = NextOfAgent(AgentOf(i), i);
        if (next >= 0) yield return next;
        foreach (var c in _cross) if (c.From == i) yield return c.To;
    }

    /// <summary>
    /// A plain acquire (model.md §3 reader side): a cpu load reading a sync word another agent stored, or a
    /// raw mmio_read. Its knowledge reaches the cpu's own later loads only after an adequate read barrier.
    /// lock, take_irq and dev_invalidate acquire with order at once.
    /// </summary>
    static bool IsPlainAcquire(CrossEdge c) => c.Kind is EdgeKind.ReadsFrom or EdgeKind.StatusRead;
}
