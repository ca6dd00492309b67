using TraceTools.Replay.Findings;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

public sealed partial class FindingText
{
    /// <summary>
    /// stale-dma-read's parenthetical on the store and the publish: cli.md's "(no store barrier between them)" when no
    /// barrier of the store's cpu lies between them; else the barrier, where it is, and why it did not order the store
    /// (the ladder marks it <c>&lt;- does not order #S before #P</c>).
    /// </summary>
    string StoreBarrierNote
    {
        get
        {
            long s = Rel(RelatedRole.Store), p = Rel(RelatedRole.Publish);
            if (s < 0 || p < 0) return "(no store barrier between them)";
            var observer = Fixes?.FirstHop(_events[s].Agent, p, _trigger.Agent, _f.Trigger) ?? FixObserver.Unknown;
            var found = BarriersBetween.Find(_events, _events[s].Agent, s, p);
            if (found.Count == 0) return found.Whole ? "(no store barrier between them)" : $"(no store barrier between them within {N(LadderEvents.ScanNear)} events of either)";
            return $"({Between(found, "between them", "orders it")}, {WhyNot(found.Code, observer, reads: false)})";
        }
    }

    /// <summary>stale-cpu-read's clause on the acquire and the read, as <see cref="StoreBarrierNote"/> for read barriers.</summary>
    string ReadBarrierNote
    {
        get
        {
            long a = Rel(RelatedRole.Acquire), t = _f.Trigger;
            string between = $"between the acquire at #{N(a)} and the read";
            if (a < 0) return "with no read barrier " + between;
            var found = BarriersBetween.Find(_events, _trigger.Agent, a, t);
            if (found.Count == 0) return found.Whole ? "with no read barrier " + between : $"with no read barrier {between} within {N(LadderEvents.ScanNear)} events of either";
            var observer = Kind(a) == EventKind.MmioRead ? FixObserver.Device : Fixes?.Releaser(_trigger.Agent, a) ?? FixObserver.Unknown;
            return $"and {Between(found, between, "orders the read")}, {WhyNot(found.Code, observer, reads: true)}";
        }
    }

    /// <summary><c>the barrier between them, smp_wmb at #2</c>; for several, how many and the latest.</summary>
    static string Between(BarriersBetween found, string between, string orders) => found.Count == 1
        ? $"the barrier {between}, {found.Code} at #{N(found.Latest)}"
        : $"none of the {N(found.Count)} barriers {between} {orders}: the latest, {found.Code} at #{N(found.Latest)}";

    /// <summary>
    /// Why a barrier did not order what the finding needed (model.md §3, §10.5): the domain, when it orders that class
    /// for cpus but the observer is (or may be) a device; else the class. The fallback names the two events.
    /// </summary>
    string WhyNot(BarrierCode code, FixObserver observer, bool reads)
    {
        string what = reads ? "reads" : "stores";
        bool outer = observer != FixObserver.Cpu;
        bool ordersForCpus = reads ? BarrierQuery.OrdersReads(Arch, code, outer: false) : BarrierQuery.OrdersStores(Arch, code, outer: false);
        bool ordersForObserver = reads ? BarrierQuery.OrdersReads(Arch, code, outer) : BarrierQuery.OrdersStores(Arch, code, outer);
        if (!ordersForObserver && outer && ordersForCpus) return $"does not order {what} for devices";
        if (!ordersForObserver) return $"does not order {what}";
        return "was not seen to order them"; // the replay judged it did not: no rule here to say more
    }
}

/// <summary>
/// The barriers of one cpu strictly between two of its events, as a message names them: how many, the latest and its
/// code, and whether the whole window was read (up to <see cref="LadderEvents.ScanWhole"/> events, else only within
/// <see cref="LadderEvents.ScanNear"/> of either end, as the ladder reads it). Reads the decoded batches' columns
/// where the lookup has them: one message per group, over windows the ladder also bounds.
/// </summary>
readonly record struct BarriersBetween(int Count, long Latest, BarrierCode Code, bool Whole)
{
    /// <summary>The barriers of <paramref name="agent"/> after <paramref name="from"/> and before <paramref name="to"/>.</summary>
    public static BarriersBetween Find(IEventLookup events, int agent, long from, long to)
    {
        if (to - from < 2) return new(0, -1, default, true);
        var ranges = LadderEvents.WindowRanges([from, to], from + 1, to - 1);
        int count = 0;
        long latest = -1;
        ushort code = 0;
        bool whole = ranges is [var only] && only.From == from + 1 && only.To == to - 1;
        foreach (var (lo, hi) in ranges)
        {
            for (long i = lo; i <= hi;)
            {
                if (events.BatchAt(i) is { } batch)
                {
                    int first = (int)(i - batch.FirstIndex), last = (int)Math.Min(hi - batch.FirstIndex, batch.Count - 1);
                    var kinds = batch.Kinds.AsSpan(0, batch.Count);
                    var agents = batch.Agents.AsSpan(0, batch.Count);
                    for (int j = first; j <= last; j++)
                    {
                        if (kinds[j] != EventKind.Barrier || agents[j] != agent) continue;
                        (count, latest, code) = (count + 1, batch.FirstIndex + j, (ushort)batch.Aux[j]);
                    }
                    i = batch.FirstIndex + last + 1;
                    continue;
                }
                if (!events.Has(i))
                {
                    whole = false; // a partial lookup (tests): what it lacks is not known
                    break;
                }
                var e = events[i];
                if (e.Kind == EventKind.Barrier && e.Agent == agent) (count, latest, code) = (count + 1, i, (ushort)e.Aux);
                i++;
            }
        }
        return new(count, latest, new BarrierCode(code), whole);
    }
}
