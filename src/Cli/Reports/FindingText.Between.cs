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
            var found = EventsBetween.Find(_events, _events[s].Agent, s, p, new AnyBarrier());
            if (found.Count == 0) return found.Whole ? "(no store barrier between them)" : $"(no store barrier between them within {N(LadderEvents.ScanNear)} events of either)";
            var observer = Fixes?.FirstHop(_events[s].Agent, p, _trigger.Agent, _f.Trigger) ?? FixObserver.Unknown;
            return $"({Between(found, "between them", "orders it")}, {WhyNot(new BarrierCode((ushort)found.Aux), observer, reads: false)})";
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
            var found = EventsBetween.Find(_events, _trigger.Agent, a, t, new AnyBarrier());
            if (found.Count == 0) return found.Whole ? "with no read barrier " + between : $"with no read barrier {between} within {N(LadderEvents.ScanNear)} events of either";
            var observer = Kind(a) == EventKind.MmioRead ? FixObserver.Device : Fixes?.Releaser(_trigger.Agent, a) ?? FixObserver.Unknown;
            return $"and {Between(found, between, "orders the read")}, {WhyNot(new BarrierCode((ushort)found.Aux), observer, reads: true)}";
        }
    }

    /// <summary>
    /// missing-cache-invalidate's clause on the device's write and the load: "without invalidating its cache lines after
    /// the write", unless the load's cpu invalidated (or flushed) every line the two share between them, in trace order:
    /// then that invalidation was not hb-after the write, which the ladder marks <c>&lt;- before the completion of #W is
    /// observed</c>, and the message says so.
    /// </summary>
    string InvalidationNote
    {
        get
        {
            long w = Rel(RelatedRole.DmaWrite), t = _f.Trigger;
            const string None = "without invalidating its cache lines after the write";
            if (w < 0 || SharedBytes.Of(_events[w], _trigger) is not { } shared) return None;
            var found = EventsBetween.Find(_events, _trigger.Agent, w, t, new MaintenanceOf(shared, _md.CacheLineSize, Cleans: false));
            return found.Count == 0 ? None
                : $"and its invalidation of those lines at #{N(found.Latest)} is not ordered after the write (it comes before the completion of #{N(w)} is observed)";
        }
    }

    /// <summary>
    /// missing-cache-clean's clause on the store: "which is not cleaned from the cpu cache before it is published",
    /// unless the store's cpu cleaned (or flushed) every line the store and the read share before the release the hb
    /// path leaves it by (the doorbell the help names; the read when not known): then no barrier completed that clean
    /// before it, which the ladder marks <c>&lt;- does not complete the clean #C</c>, and the message says so.
    /// </summary>
    string CleanNote
    {
        get
        {
            long s = Rel(RelatedRole.Store), t = _f.Trigger;
            const string None = "which is not cleaned from the cpu cache before it is published";
            if (s < 0 || SharedBytes.Of(_events[s], _trigger) is not { } shared) return None;
            int cpu = _events[s].Agent;
            long release = Fixes?.FirstRelease(cpu, s, _trigger.Agent, t) ?? -1;
            var found = EventsBetween.Find(_events, cpu, s, release >= 0 ? release : t, new MaintenanceOf(shared, _md.CacheLineSize, Cleans: true));
            if (found.Count == 0) return None;
            string publish = release >= 0 ? $"the {PublishNoun(release)} at #{N(release)}" : "its publish";
            return $"which is cleaned at #{N(found.Latest)}, but no barrier between the clean and {publish} completes it";
        }
    }

    /// <summary><c>the barrier between them, smp_wmb at #2</c>; for several, how many and the latest.</summary>
    static string Between(EventsBetween found, string between, string orders)
    {
        var code = new BarrierCode((ushort)found.Aux);
        return found.Count == 1
            ? $"the barrier {between}, {code} at #{N(found.Latest)}"
            : $"none of the {N(found.Count)} barriers {between} {orders}: the latest, {code} at #{N(found.Latest)}";
    }

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
