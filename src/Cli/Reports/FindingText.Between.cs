using TraceTools.Replay.Findings;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

public sealed partial class FindingText
{
    // The events between two of the finding's that its message names, planned once (BetweenPlan) and read in a sweep
    // with the other groups' (ReadBetween), or alone on first use.
    EventsBetween? _between;
    bool _betweenPlanned;

    /// <summary>
    /// Reads the events between that the messages of <paramref name="texts"/> name, in one sweep in trace order (a
    /// report's groups, a block at a time): each chunk is decoded once, not once per group.
    /// </summary>
    internal static void ReadBetween(IEventLookup events, IReadOnlyList<FindingText> texts)
    {
        var readers = new List<IWindowReader>(texts.Count);
        foreach (var text in texts)
            if (text.PlanBetween() is { } reader) readers.Add(reader);
        LadderSweep.Sweep(events, readers);
    }

    /// <summary>
    /// Messages whose events between one sweep reads: each holds a text and a window of two ranges at most (about 200
    /// bytes), far less than a ladder, so blocks are larger than <see cref="LadderSweep.LaddersPerSweep"/>: each block
    /// decodes the chunks its windows reach once, and a chunk decode costs a block more than its windows' reading.
    /// </summary>
    const int MessagesPerSweep = 1 << 16;

    /// <summary>
    /// The texts of <paramref name="findings"/> (a report's groups' first instances, in report order), their events
    /// between read a block of <see cref="MessagesPerSweep"/> at a time as the report takes them: what a block holds
    /// stays bounded, and each chunk is decoded once per block.
    /// </summary>
    internal static IEnumerable<FindingText> InBlocks(ReportInput input, IEnumerable<Finding> findings)
    {
        foreach (var block in findings.Chunk(MessagesPerSweep))
        {
            var texts = Array.ConvertAll(block, f => new FindingText(input.Metadata, f, input.Events) { Fixes = input.Fixes });
            ReadBetween(input.Events, texts);
            foreach (var text in texts) yield return text;
        }
    }

    /// <summary>The events between, read (alone when no sweep read them), or null for a kind whose message names none.</summary>
    EventsBetween? Between => _betweenPlanned ? _between : PlanBetween()?.Read();

    /// <summary>
    /// What this kind's message looks between: stale-dma-read, the store's cpu's barriers between the store and the
    /// publish; stale-cpu-read, the load's cpu's barriers between the acquire and the load; missing-cache-invalidate,
    /// the load's cpu's invalidations of every shared line between the device's write and the load; missing-cache-clean,
    /// the store's cpu's cleans of every shared line between the store and the release the hb path leaves by (the read
    /// when not known).
    /// </summary>
    EventsBetween? PlanBetween()
    {
        _betweenPlanned = true;
        long t = _f.Trigger;
        switch (_f.Kind)
        {
            case FindingKind.StaleDmaRead when Rel(RelatedRole.Store) is >= 0 and var s && Rel(RelatedRole.Publish) is >= 0 and var p:
                return _between = new EventsBetween(_events, _events[s].Agent, s, p, BetweenMatch.Barrier);
            case FindingKind.StaleCpuRead when Rel(RelatedRole.Acquire) is >= 0 and var a:
                return _between = new EventsBetween(_events, _trigger.Agent, a, t, BetweenMatch.Barrier);
            case FindingKind.MissingCacheInvalidate when Rel(RelatedRole.DmaWrite) is >= 0 and var w && SharedBytes.Of(_events[w], _trigger) is { } shared:
                return _between = new EventsBetween(_events, _trigger.Agent, w, t, BetweenMatch.Invalidation, shared, _md.CacheLineSize);
            case FindingKind.MissingCacheClean when Rel(RelatedRole.Store) is >= 0 and var s && SharedBytes.Of(_events[s], _trigger) is { } shared:
                int cpu = _events[s].Agent;
                long release = CleanRelease;
                return _between = new EventsBetween(_events, cpu, s, release >= 0 ? release : t, BetweenMatch.Clean, shared, _md.CacheLineSize);
            default:
                return _between = null;
        }
    }

    /// <summary>A missing-cache-clean's store's cpu's release the hb path to the read leaves by (the doorbell), or -1.</summary>
    long CleanRelease => Rel(RelatedRole.Store) is >= 0 and var s && Fixes is { } fixes ? fixes.FirstRelease(_events[s].Agent, s, _trigger.Agent, _f.Trigger) : -1;

    /// <summary>
    /// stale-dma-read's parenthetical on the store and the publish: cli.md's "(no store barrier between them)" when no
    /// barrier of the store's cpu lies between them; else the barrier, where it is, and why it did not order the store
    /// (the ladder marks it <c>&lt;- does not order #S before #P</c>).
    /// </summary>
    string StoreBarrierNote
    {
        get
        {
            if (Between is not { Count: > 0 } found)
                return Between is { Whole: false } ? $"(no store barrier between them within {N(LadderEvents.ScanNear)} events of either)" : "(no store barrier between them)";
            long s = Rel(RelatedRole.Store), p = Rel(RelatedRole.Publish);
            var observer = Fixes?.FirstHop(_events[s].Agent, p, _trigger.Agent, _f.Trigger) ?? FixObserver.Unknown;
            return $"({Describe(found, "between them", "orders it")}, {WhyNot(new BarrierCode((ushort)found.Aux), observer, reads: false)})";
        }
    }

    /// <summary>stale-cpu-read's clause on the acquire and the read, as <see cref="StoreBarrierNote"/> for read barriers.</summary>
    string ReadBarrierNote
    {
        get
        {
            long a = Rel(RelatedRole.Acquire);
            string between = $"between the acquire at #{N(a)} and the read";
            if (Between is not { Count: > 0 } found)
                return Between is { Whole: false } ? $"with no read barrier {between} within {N(LadderEvents.ScanNear)} events of either" : "with no read barrier " + between;
            var observer = Kind(a) == EventKind.MmioRead ? FixObserver.Device : Fixes?.Releaser(_trigger.Agent, a) ?? FixObserver.Unknown;
            return $"and {Describe(found, between, "orders the read")}, {WhyNot(new BarrierCode((ushort)found.Aux), observer, reads: true)}";
        }
    }

    /// <summary>
    /// missing-cache-invalidate's clause on the device's write and the load: "without invalidating its cache lines after
    /// the write", unless the load's cpu invalidated (or flushed) every line the two share between them, in trace order:
    /// then that invalidation was not hb-after the write, which the ladder marks <c>&lt;- before the completion of #W is
    /// observed</c>, and the message says so.
    /// </summary>
    string InvalidationNote => Between is { Count: > 0 } found
        ? $"and its invalidation of those lines at #{N(found.Latest)} is not ordered after the write (it comes before the completion of #{N(Rel(RelatedRole.DmaWrite))} is observed)"
        : "without invalidating its cache lines after the write";

    /// <summary>
    /// missing-cache-clean's clause on the store: "which is not cleaned from the cpu cache before it is published",
    /// unless the store's cpu cleaned (or flushed) every line the store and the read share before the release the hb
    /// path leaves it by (the doorbell the help names): then no barrier completed that clean before it, which the
    /// ladder marks <c>&lt;- does not complete the clean #C</c>, and the message says so.
    /// </summary>
    string CleanNote
    {
        get
        {
            if (Between is not { Count: > 0 } found) return "which is not cleaned from the cpu cache before it is published";
            long release = CleanRelease;
            string publish = release >= 0 ? $"the {PublishNoun(release)} at #{N(release)}" : "its publish";
            return $"which is cleaned at #{N(found.Latest)}, but no barrier between the clean and {publish} completes it";
        }
    }

    /// <summary><c>the barrier between them, smp_wmb at #2</c>; for several, how many and the latest.</summary>
    static string Describe(EventsBetween found, string between, string orders)
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
