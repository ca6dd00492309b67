using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

public sealed partial class ReferenceModel
{
    Cls ClassOf(int i) => RefOrdering.ClassOf(KindOf(i));

    BarrierSemantics? BarrierAt(int i) =>
        KindOf(i) == EventKind.Barrier ? RefOrdering.Semantics(_arch, new BarrierCode((ushort)Ev(i).Aux)) : null;

    /// <summary>Barriers strictly between <paramref name="a"/> and <paramref name="b"/> in the program order of a's cpu.</summary>
    IEnumerable<BarrierSemantics> BarriersBetween(int a, int b)
    {
        for (int j = a + 1; j < b; j++)
            if (AgentOf(j) == AgentOf(a) && BarrierAt(j) is { } s) yield return s;
        foreach (var s in ImpliedBarriersBetween(a, b)) yield return s;
    }

    /// <summary>
    /// Writer side (model.md §3): cpu event <paramref name="a"/> is ordered before the same cpu's event
    /// <paramref name="x"/> (a po x, or a = x) for an observer in the outer domain (a device) or the inner one
    /// (another cpu). Either the arch preserves (class(a), class(x)), or ONE barrier between them has
    /// class(a) in pred, class(x) in succ, a domain reaching the observer, and completion when a is cache
    /// maintenance. An unlock orders every earlier event except cache maintenance, which still needs a
    /// completion barrier (pred ∋ c) reaching the observer. sc preserves everything, cache maintenance included.
    /// </summary>
    public bool WriterOrdered(int a, int x, bool observerIsDevice)
    {
        if (a == x || _arch == Arch.Sc) return true;
        if (AgentOf(a) != AgentOf(x) || a > x) throw new ArgumentException($"#{a} is not po-before #{x}");
        if (OrderedByTheAccess(a, x, observerIsDevice)) return true;
        Cls ca = ClassOf(a);
        if (ca == Cls.None) throw new ArgumentException($"#{a} ({KindOf(a).OpName()}) has no access class");
        if (KindOf(x) == EventKind.Unlock)
        {
            if (ca != Cls.C) return true;
            return BarriersBetween(a, x).Any(s => (s.Pred & Cls.C) != 0 && s.Completion && (s.Full || !observerIsDevice));
        }
        Cls cx = ClassOf(x);
        if (cx == Cls.None) throw new ArgumentException($"#{x} ({KindOf(x).OpName()}) has no access class");
        if (RefOrdering.Preserved(_arch, ca, cx)) return true;
        return BarriersBetween(a, x).Any(s =>
            (s.Pred & ca) != 0 && (s.Succ & cx) != 0 && (s.Full || !observerIsDevice) && (ca != Cls.C || s.Completion));
    }

    /// <summary>
    /// Reader side: what plain acquire <paramref name="y"/> (a load, class r, or an mmio_read, class i)
    /// brought reaches the same cpu's later load <paramref name="b"/> when the arch preserves (class(y), r), or
    /// a barrier between them has class(y) in pred, r in succ and a domain reaching the releaser.
    /// </summary>
    public bool ReaderOrdered(int y, int b, bool releaserIsDevice)
    {
        Cls cy = AcquireClassOf(y);
        if (RefOrdering.Preserved(_arch, cy, Cls.R) || AcquiresItself(y, releaserIsDevice)) return true;
        return BarriersBetween(y, b).Any(s => (s.Pred & cy) != 0 && (s.Succ & Cls.R) != 0 && (s.Full || !releaserIsDevice));
    }

    /// <summary>
    /// ob-before for events of two different agents, read literally: there is an hb path from
    /// <paramref name="a"/> to <paramref name="b"/> such that
    /// (1) its first hop out of a's agent, the cross edge x → y with a ≤po x, is ordered by the writer rule
    ///     for the observer y's agent (always, when a's agent is a device: devices never reorder);
    /// (2) every later hop keeps order;
    /// (3) when b is a cpu load, the path's last hop into b's cpu, u → y, is not a plain acquire, or is one
    ///     whose knowledge reaches b by the reader rule (y = b counts as reached: the load observes what it reads).
    /// Loads are the only events the reader side restricts; releases and everything else get it at once.
    /// </summary>
    public bool ObBefore(int a, int b)
    {
        int A = AgentOf(a), B = AgentOf(b);
        if (A == B) throw new ArgumentException("ObBefore is for two agents; use WriterOrdered within one cpu");
        bool aIsCpu = IsCpuAgent(A);

        // (1) ordered first hops.
        var firstHops = _cross.Where(c => AgentOf(c.From) == A && c.From >= a
            && (!aIsCpu || WriterOrdered(a, c.From, !IsCpuAgent(AgentOf(c.To))))).ToList();
        // (2) everything reachable after them (reflexive on the hop targets).
        var reached = new bool[_n];
        foreach (var h in firstHops)
        {
            reached[h.To] = true;
            for (int k = 0; k < _n; k++) reached[k] |= _reach[h.To][k];
        }
        if (!reached[b]) return false;
        if (!_readings.SelfAcquire && !ReachedForData(b, reached, firstHops)) return false;
        if (KindOf(b) != EventKind.Load) return true;

        // (3) the last hop into b's cpu.
        foreach (var c in _cross)
        {
            if (AgentOf(c.To) != B || c.To > b || AgentOf(c.From) == B) continue;
            bool onPath = firstHops.Contains(c) || reached[c.From];
            if (!onPath) continue;
            if (c.To == b && !LastHopCountsForData(c)) continue;
            if (!IsPlainAcquire(c) || c.To == b) return true;
            if (ReaderOrdered(c.To, b, !IsCpuAgent(AgentOf(c.From)))) return true;
        }
        return false;
    }

    /// <summary>
    /// Ordering between two events of the entry rules: when both are of one cpu, the writer rule with the
    /// outer domain (the fetcher is the observer) or a round trip (contract v1.1); the general ob-before otherwise.
    /// </summary>
    bool EntryOrdered(int a, int b) =>
        AgentOf(a) == AgentOf(b) ? WriterOrdered(a, b, observerIsDevice: true) || RoundTrip(a, b)
        : _readings.EntryCrossCpuByHb ? Hb(a, b) : ObBefore(a, b);

    /// <summary>
    /// Contract v1.1, "order is not lost on the way back": cpu event <paramref name="a"/> is ordered before
    /// the same cpu's later event <paramref name="b"/> when an hb path leaves the cpu at a cross edge x → y
    /// (a ≤po x) ordered by the writer rule for y's agent, and comes back: y hb-before b. Program order alone
    /// does not count. Every later hop keeps order (b is never a load here: the entry rules order stores and
    /// invalidations).
    /// </summary>
    public bool RoundTrip(int a, int b)
    {
        int A = AgentOf(a);
        foreach (var c in _cross)
            if (AgentOf(c.From) == A && c.From >= a && c.From < b && Hb(c.To, b)
                && WriterOrdered(a, c.From, !IsCpuAgent(AgentOf(c.To))))
                return true;
        return false;
    }

    /// <summary>b is reached by a path whose last edge may carry knowledge to b's data bytes.</summary>
    bool ReachedForData(int b, bool[] reached, List<CrossEdge> firstHops)
    {
        int prev = PrevOfAgent(AgentOf(b), b);
        if (prev >= 0 && reached[prev]) return true;
        foreach (var c in _cross)
            if (c.To == b && LastHopCountsForData(c) && (reached[c.From] || firstHops.Contains(c))) return true;
        return false;
    }
}
