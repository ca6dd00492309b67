using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Hardening;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// A text report reads its ladders' evidence windows together, in one sweep in trace order (<see cref="LadderSweep"/>),
/// keeping per agent only the evidence rows it shows. These hold the sweep to the per-group scan it replaced, written
/// out here from the rule (docs/reports.md "The ladder") event by event, on random window sets over random chunk
/// layouts; and count the chunks the sweep asks for.
/// </summary>
[TestClass]
public sealed class LadderSweepTests
{
    /// <summary>A lookup that counts how often <see cref="BatchAt"/> answers with another chunk than the time before.</summary>
    sealed class ChunkSwitches(IEventLookup inner) : IEventLookup
    {
        long _last = -1;
        public int Count { get; private set; }
        public TraceEvent this[long index] => inner[index];
        public ReadOnlySpan<byte> GetData(long index) => inner.GetData(index);
        public bool Has(long index) => inner.Has(index);
        public void Prefetch(IEnumerable<long> indices) => inner.Prefetch(indices);

        public EventBatch? BatchAt(long index)
        {
            var batch = inner.BatchAt(index);
            if (batch is not null && batch.FirstIndex != _last)
            {
                Count++;
                _last = batch.FirstIndex;
            }
            return batch;
        }
    }

    /// <summary>Two cpus and a device; a ram buffer, a sync word, a doorbell (the window tests' trace metadata).</summary>
    static TraceMetadata Metadata => LadderWindowTests.Metadata;

    const int Events = 100_000;

    // Marked cache maintenance each seed shows more of (5 to 45 when written): the twin's cache marks are exercised.
    const int CacheMarksAbove = 3;

    // Of them, the maintenance before the device's write or the store (6 to 11 when written): the twin's look-back is exercised.
    const int EarlyMarksAbove = 4;

    // Of the barriers, those after a missing-cache-clean's clean, before a completing barrier or a release, that do not
    // complete it (1 to 3 when written: the random trace releases often; CompletionMarkerTests hold the cases): the
    // twin's completion marks are exercised.
    const int CompletionMarksAbove = 0;

    // Barriers just before the store, payload store or acquire, or just after the trigger (4 to 13 when written): the
    // twin's look-back and look-ahead are exercised.
    const int MisplacedMarksAbove = 2;

    /// <summary>The window tests' random trace, <see cref="Events"/> events in chunks of <paramref name="chunk"/>.</summary>
    static string RandomTrace(Scratch s, int seed, int chunk) => LadderWindowTests.RandomTrace(s, seed, Events, chunk);

    static readonly FindingKind[] Kinds =
        [FindingKind.StaleDmaRead, FindingKind.MissingCacheClean, FindingKind.DmaRace, FindingKind.StaleCpuRead, FindingKind.PresentBeforePayload,
         FindingKind.UnquiescedDma, FindingKind.MissingCacheInvalidate];

    /// <summary>Findings with windows of a few events to past <see cref="LadderEvents.ScanWhole"/>, some sharing a trigger.</summary>
    static List<Finding> RandomFindings(Random rng, int count)
    {
        var findings = new List<Finding>();
        for (int n = 0; n < count; n++)
        {
            long trigger = n % 7 == 6 ? findings[^1].Trigger : rng.Next(Events / 3 * 2, Events);
            long span = (n % 3) switch { 0 => rng.Next(1, 200), 1 => rng.Next(1_000, 30_000), _ => rng.Next((int)LadderEvents.ScanWhole + 1, Events / 3 * 2) };
            var kind = Kinds[rng.Next(Kinds.Length)];
            var first = kind switch
            {
                FindingKind.PresentBeforePayload => RelatedRole.Payload,
                FindingKind.StaleCpuRead => RelatedRole.Acquire,
                FindingKind.MissingCacheInvalidate => RelatedRole.DmaWrite,
                FindingKind.DmaRace => RelatedRole.Other,
                _ => RelatedRole.Store,
            };
            // The window is the span long (a long one is scanned in ranges near its shown events).
            long a = trigger - span, b = trigger - rng.NextInt64(1, span + 1);
            var related = new List<RelatedEvent> { new(first, Math.Min(a, b)), new(RelatedRole.Publish, Math.Max(a, b)) };
            if (rng.Next(4) == 0) related.Add(new RelatedEvent(RelatedRole.Other, -1));
            findings.Add(new Finding(kind, trigger, [.. related]));
        }
        return findings;
    }

    /// <summary>
    /// A cache kind whose two accesses share bytes, so that its cpu's cache maintenance is marked. A missing-cache-invalidate:
    /// the trigger moves to the next buf load at or after it, the "device write" back to the last access of the same word at
    /// or before it, or of the word before. A missing-cache-clean: the trigger moves to the next dma_read at or after it,
    /// the store back to the last store to the same word before it, or to the word before. (Other kinds, and findings
    /// without such events, are left as they are.)
    /// </summary>
    internal static Finding SharingBytes(IEventLookup events, Finding f, long eventCount = Events)
    {
        (RelatedRole? role, EventKind triggerKind, EventKind[] accessKinds) = f.Kind switch
        {
            FindingKind.MissingCacheInvalidate => ((RelatedRole?)RelatedRole.DmaWrite, EventKind.Load, new[] { EventKind.Load, EventKind.Store }),
            FindingKind.MissingCacheClean => (RelatedRole.Store, EventKind.DmaRead, new[] { EventKind.Store }),
            _ => (null, EventKind.Load, Array.Empty<EventKind>()),
        };
        if (role is not { } r || f.RelatedIndex(r) is not (>= 0 and var access)) return f;
        long trigger = f.Trigger;
        while (trigger < eventCount && !(events[trigger].Kind == triggerKind && Metadata.RegionAt(events[trigger].Address)?.Name == "buf")) trigger++;
        if (trigger == eventCount) return f;
        // One in four takes the word before instead: the two share no byte and nothing is marked, though they
        // meet at a byte boundary a line may hold.
        ulong word = events[trigger].Address - (trigger % 4 == 0 ? 8UL : 0);
        while (access >= 0 && !(accessKinds.Contains(events[access].Kind) && events[access].Address == word)) access--;
        if (access < 0) return f;
        return f with { Trigger = trigger, Related = [.. f.Related.Select(x => x.Role == r ? x with { Index = access } : x)] };
    }

    [TestMethod]
    [DataRow(1, 300)]
    [DataRow(2, 1_000)]
    [DataRow(3, 4_096)]
    [DataRow(4, 9_000)]
    [DataRow(5, 70_000)]
    public void Sweep_RandomWindowsOverChunks_SameRowsAndHiddenAsThePerGroupScan(int seed, int chunk)
    {
        using var s = new Scratch();
        string trace = RandomTrace(s, seed, chunk);
        using var swept = new TraceEventLookup(trace);
        using var plain = new TraceEventLookup(trace);
        var findings = RandomFindings(new Random(seed), 80).Select(f => SharingBytes(plain, f)).ToList();
        ((IEventLookup)swept).Prefetch(IEventLookup.NamedBy(findings));
        var input = new ReportInput(Metadata, findings, swept, trace, Events);
        var texts = findings.Select(f => new FindingText(Metadata, f, swept)).ToList();
        var ladders = LadderSweep.Pick(input, findings, texts);
        int shown = 0, hidden = 0, marked = 0, cacheMarked = 0, earlyMarked = 0, completionMarked = 0, misplacedMarked = 0;
        for (int k = 0; k < findings.Count; k++)
        {
            var f = findings[k];
            var (rows, hiddenPerAgent) = PerGroup(plain, f, new FindingText(Metadata, f, plain));
            CollectionAssert.AreEqual(rows, ladders[k].Rows.ToList(), $"finding {k}, trigger {f.Trigger}");
            CollectionAssert.AreEqual(hiddenPerAgent, ladders[k].Hidden.ToList(), $"finding {k}, trigger {f.Trigger}");
            // One ladder alone (check's path) is the same sweep of one.
            CollectionAssert.AreEqual(rows, new LadderEvents(input, f, texts[k]).Rows.ToList(), $"finding {k} alone");
            shown += rows.Count;
            hidden += hiddenPerAgent.Sum(h => h.Value);
            marked += rows.Count(r => r.Marker is not null && r.Index != f.Trigger);
            cacheMarked += rows.Count(r => r.Marker is not null && plain[r.Index].Kind is EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush);
            earlyMarked += rows.Count(r => r.Marker?.StartsWith("<- before the device's write", StringComparison.Ordinal) == true
                || r.Marker?.StartsWith("<- before the store", StringComparison.Ordinal) == true);
            completionMarked += rows.Count(r => r.Marker?.StartsWith("<- does not complete the clean", StringComparison.Ordinal) == true);
            misplacedMarked += rows.Count(r => plain[r.Index].Kind == EventKind.Barrier && (r.Index > f.Trigger || r.Marker?.StartsWith("<- before the", StringComparison.Ordinal) == true));
        }
        Assert.IsGreaterThan(500, shown, "the windows hold rows to compare");
        Assert.IsGreaterThan(100, hidden, "and evidence left out");
        Assert.IsGreaterThan(10, marked, "and marked barriers");
        Assert.IsGreaterThan(CacheMarksAbove, cacheMarked, "and marked cache maintenance");
        Assert.IsGreaterThan(EarlyMarksAbove, earlyMarked, "and maintenance before the device's write");
        Assert.IsGreaterThan(CompletionMarksAbove, completionMarked, "and barriers that do not complete a clean");
        Assert.IsGreaterThan(MisplacedMarksAbove, misplacedMarked, "and barriers on the wrong side of their event");
    }

    [TestMethod]
    public void Sweep_ManyWindowsOverManyChunks_AsksForEachChunkOnce()
    {
        using var s = new Scratch();
        string trace = RandomTrace(s, 9, 2_000);
        var findings = RandomFindings(new Random(9), 120);
        using var lookup = new TraceEventLookup(trace);
        var counting = new ChunkSwitches(lookup);
        ((IEventLookup)counting).Prefetch(IEventLookup.NamedBy(findings));
        var input = new ReportInput(Metadata, findings, counting, trace, Events);
        LadderSweep.Pick(input, findings, findings.Select(f => new FindingText(Metadata, f, counting)).ToList());
        // 50 chunks; the windows, ladder by ladder, went back and forth over them hundreds of times.
        Assert.IsLessThanOrEqualTo(Events / 2_000, counting.Count, "chunk switches of the sweep");
        Assert.IsGreaterThan(Events / 2_000 / 2, counting.Count, "the windows cover the trace");
    }

    /// <summary>
    /// The per-group scan, from the rule: the rows are the related events and the trigger (its marker); each agent
    /// shown contributes its barriers and sync events from its first shown event to the trigger (in a window longer
    /// than <see cref="LadderEvents.ScanWhole"/>, only those within <see cref="LadderEvents.ScanNear"/> of a shown
    /// event; a dma-race's and a missing-cache-invalidate's trigger agent from the other agent's access, its <c>other</c> or
    /// the device's write, if that comes first; a cache kind's early maintenance, marked, see
    /// <see cref="EarlyMaintenance"/>), marked events first, then
    /// barriers, then by index, at most <see cref="LadderEvents.MaxEvidencePerAgent"/>.
    /// </summary>
    static (List<LadderRow> Rows, List<KeyValuePair<int, int>> Hidden) PerGroup(IEventLookup events, Finding f, FindingText text)
    {
        var rows = new SortedDictionary<long, string?>();
        foreach (var r in f.Related) if (r.Index >= 0) rows[r.Index] = null;
        rows[f.Trigger] = text.Marker;
        long lo = rows.Keys.First(), hi = f.Trigger;
        var first = new Dictionary<int, long>();
        foreach (long i in rows.Keys) first.TryAdd(events[i].Agent, i);
        long other = f.Kind switch
        {
            FindingKind.DmaRace => f.RelatedIndex(RelatedRole.Other),
            FindingKind.MissingCacheInvalidate => f.RelatedIndex(RelatedRole.DmaWrite),
            _ => -1,
        };
        if (other >= 0) first[events[hi].Agent] = Math.Min(first[events[hi].Agent], other);
        var found = new SortedDictionary<int, List<(int Priority, long Index, string? Marker)>>();
        long firstClean = -1;
        bool cleanDone = false; // since the first clean, a completing barrier or a release of the store's cpu
        for (long i = lo; i <= hi; i++)
        {
            if (hi - lo + 1 > LadderEvents.ScanWhole && !rows.Keys.Any(at => Math.Abs(at - i) <= LadderEvents.ScanNear)) continue;
            var e = events[i];
            if (!first.TryGetValue(e.Agent, out long since) || i < since || !IsEvidence(f.Kind, e)) continue;
            string? notCompleting = e.Kind == EventKind.Barrier && !cleanDone ? NotCompleting(events, f, i, e, firstClean) : null;
            if (firstClean >= 0 && i > firstClean && e.Agent == events[f.RelatedIndex(RelatedRole.Store)].Agent && (e.Kind == EventKind.Barrier ? e.Aux is 1 or 3 : IsRelease(e)))
                cleanDone = true;
            if (firstClean < 0 && CleansAfterTheStore(events, f, i, e)) firstClean = i;
            if (rows.ContainsKey(i)) continue;
            string? marker = e.Kind == EventKind.Barrier
                ? notCompleting ?? Marker(events, f, text, i, e.Agent)
                : CacheMarker(events, f, e);
            if (!found.TryGetValue(e.Agent, out var list)) found[e.Agent] = list = [];
            list.Add((marker is not null ? 0 : e.Kind == EventKind.Barrier ? 1 : 2, i, marker));
        }
        if (EarlyMaintenance(events, f, first) is (>= 0, var cpu, var early) at)
        {
            if (!found.TryGetValue(cpu, out var list)) found[cpu] = list = [];
            list.Add((0, at.Index, early));
        }
        foreach (var (index, agent, marker) in Misplaced(events, f, first))
        {
            if (!found.TryGetValue(agent, out var list)) found[agent] = list = [];
            list.Add((0, index, marker));
        }
        var hidden = new List<KeyValuePair<int, int>>();
        foreach (var (agent, list) in found)
        {
            list.Sort();
            foreach (var (_, i, marker) in list.Take(LadderEvents.MaxEvidencePerAgent)) rows[i] = marker;
            if (list.Count > LadderEvents.MaxEvidencePerAgent) hidden.Add(new(agent, list.Count - LadderEvents.MaxEvidencePerAgent));
        }
        return ([.. rows.Select(r => new LadderRow(r.Key, r.Value))], hidden);
    }

    /// <summary>
    /// A cache kind's early maintenance: for a missing-cache-invalidate, the load's cpu's latest invalidation or flush
    /// before the device's write; for a missing-cache-clean, the store's cpu's latest clean or flush before the store; at
    /// most <see cref="LadderEvents.ScanNear"/> events before that access, its lines holding any byte the two accesses
    /// share, and before the cpu's first evidence event <paramref name="first"/> names (the access itself, for a real
    /// finding). Index -1: none.
    /// </summary>
    internal static (long Index, int Agent, string? Marker) EarlyMaintenance(IEventLookup events, Finding f, IReadOnlyDictionary<int, long> first)
    {
        bool cleans = f.Kind == FindingKind.MissingCacheClean;
        long anchor = f.Kind switch
        {
            FindingKind.MissingCacheInvalidate => f.RelatedIndex(RelatedRole.DmaWrite),
            FindingKind.MissingCacheClean => f.RelatedIndex(RelatedRole.Store),
            _ => -1,
        };
        if (anchor < 0) return (-1, -1, null);
        var (a, t) = (events[anchor], events[f.Trigger]);
        ulong from = Math.Max(a.Address, t.Address), to = Math.Min(a.Address + (ulong)a.Size, t.Address + (ulong)t.Size);
        if (from >= to) return (-1, -1, null);
        int cpu = cleans ? a.Agent : t.Agent;
        string marker = cleans ? $"<- before the store #{anchor}" : $"<- before the device's write #{anchor}";
        ulong line = (ulong)Metadata.CacheLineSize;
        for (long i = Math.Min(anchor, first.GetValueOrDefault(cpu, long.MaxValue)) - 1; i >= 0 && i >= anchor - LadderEvents.ScanNear; i--)
        {
            var e = events[i];
            bool counts = e.Kind == EventKind.CacheFlush || e.Kind == (cleans ? EventKind.CacheClean : EventKind.CacheInval);
            if (e.Agent != cpu || !counts) continue;
            ulong start = e.Address / line * line, end = (e.Address + (ulong)Math.Max(e.Size, 1) + line - 1) / line * line;
            if (start < to && from < end) return (i, cpu, marker);
        }
        return (-1, -1, null);
    }

    /// <summary>
    /// A barrier kind's barrier on the wrong side of its event, from the rule (docs/reports.md): the anchor's cpu's
    /// latest barrier of the class before the anchor (stale-dma-read's store, present-before-payload's payload store,
    /// stale-cpu-read's acquire) within <see cref="LadderEvents.ScanNear"/> events, with no event it serves between; for
    /// the latter two, when the trigger is that cpu's, its first such barrier after the trigger within as many, before
    /// any event it serves. A read barrier whose cpu's event before it (in the look-back or look-ahead) is an acquire,
    /// and a store barrier in the look-ahead whose cpu's next event is a release, serve those instead. Store barriers
    /// serve releases, read barriers acquires; the observers here are devices (no replay state: unknown), so of arm64's
    /// Linux barriers (codes 1..9: mb, rmb, wmb, dma_mb, dma_rmb, dma_wmb, smp_mb, smp_rmb, smp_wmb) the outer ones
    /// count: stores {1,3,4,6}, reads {1,2,4,5}. A present-before-payload whose payload is another cpu's has none. A
    /// look-back barrier inside the cpu's window (from its first named event, <paramref name="first"/>) is evidence
    /// already: not again.
    /// </summary>
    internal static IEnumerable<(long Index, int Agent, string Marker)> Misplaced(IEventLookup events, Finding f, IReadOnlyDictionary<int, long> first, long eventCount = Events)
    {
        var (role, reads, ahead, early) = f.Kind switch
        {
            FindingKind.StaleDmaRead => (RelatedRole.Store, false, false, "<- before the store #"),
            FindingKind.PresentBeforePayload => (RelatedRole.Payload, false, true, "<- before the payload store #"),
            FindingKind.StaleCpuRead => (RelatedRole.Acquire, true, true, "<- before the acquire #"),
            _ => (RelatedRole.Store, false, false, ""),
        };
        long anchor = f.RelatedIndex(role);
        if (early == "" || anchor < 0) yield break;
        int cpu = events[anchor].Agent;
        if (f.Kind == FindingKind.PresentBeforePayload && events[f.Trigger].Agent != cpu) yield break;
        uint[] barriers = reads ? [1, 2, 4, 5] : [1, 3, 4, 6];
        bool Serves(TraceEvent e)
        {
            var region = Metadata.RegionAt(e.Address)?.Kind;
            bool syncWord = region is RegionKind.Sync or RegionKind.Table;
            return e.Kind == EventKind.Xchg || (reads
                ? e.Kind is EventKind.MmioRead or EventKind.Lock or EventKind.TakeIrq or EventKind.LoadAcquire || (e.Kind == EventKind.Load && syncWord)
                : e.Kind is EventKind.MmioWrite or EventKind.DevInvalidate or EventKind.Unlock or EventKind.RaiseIrq or EventKind.StoreRelease || (e.Kind == EventKind.Store && syncWord));
        }
        long from = Math.Max(0, anchor - LadderEvents.ScanNear);
        // The cpu's event before i within lo..i-1, or -1.
        long Before(long i, long lo)
        {
            for (long j = i - 1; j >= lo; j--) if (events[j].Agent == cpu) return j;
            return -1;
        }
        for (long i = anchor - 1; i >= from; i--)
        {
            var e = events[i];
            if (e.Agent != cpu) continue;
            if (e.Kind == EventKind.Barrier && barriers.Contains(e.Aux))
            {
                long j = Before(i, from);
                bool taken = reads && j >= 0 && Serves(events[j]);
                if (!taken && i < first.GetValueOrDefault(cpu, long.MaxValue)) yield return (i, cpu, early + anchor);
                break;
            }
            if (Serves(e)) break;
        }
        if (!ahead || events[f.Trigger].Agent != cpu) yield break;
        string late = reads ? $"<- after the load #{f.Trigger}" : $"<- after the store that sets present #{f.Trigger}";
        long to = Math.Min(eventCount - 1, f.Trigger + LadderEvents.ScanNear);
        // (An acquire before a read barrier here ends the look-ahead first.)
        for (long i = f.Trigger + 1; i <= to; i++)
        {
            var e = events[i];
            if (e.Agent != cpu) continue;
            if (e.Kind == EventKind.Barrier && barriers.Contains(e.Aux))
            {
                long next = i + 1;
                while (next <= to && events[next].Agent != cpu) next++;
                if (!reads && next <= to && Serves(events[next])) yield break;
                yield return (i, cpu, late);
                yield break;
            }
            if (Serves(e)) yield break;
        }
    }

    static bool IsEvidence(FindingKind kind, TraceEvent e)
    {
        var region = Metadata.RegionAt(e.Address)?.Kind;
        return e.Kind switch
        {
            EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.MmioWrite => true,
            EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush => kind is FindingKind.MissingCacheClean or FindingKind.MissingCacheInvalidate,
            EventKind.Quiesce => kind is FindingKind.UnquiescedDma,
            EventKind.Load or EventKind.Store => region is RegionKind.Sync,
            EventKind.StoreRelease => region is RegionKind.Sync or RegionKind.Ram or RegionKind.Table,
            _ => false,
        };
    }

    /// <summary>A barrier of the first related event's agent between the two events that needed ordering, or after a stale-dma-read's publish of that agent.</summary>
    static string? Marker(IEventLookup events, Finding f, FindingText text, long index, int agent)
    {
        (long before, long after) = f.Kind switch
        {
            FindingKind.StaleDmaRead => (f.RelatedIndex(RelatedRole.Store), f.RelatedIndex(RelatedRole.Publish)),
            FindingKind.PresentBeforePayload => (f.RelatedIndex(RelatedRole.Payload), f.Trigger),
            FindingKind.StaleCpuRead => (f.RelatedIndex(RelatedRole.Acquire), f.Trigger),
            _ => (-1L, -1L),
        };
        if (before < 0 || after < 0 || events[before].Agent != agent) return null;
        if (index > before && index < after) return $"<- does not order #{before} before #{after}";
        if (f.Kind == FindingKind.StaleDmaRead && index > after && events[after].Agent == agent) return $"<- after the {text.PublishNounOf(after)}";
        return null;
    }

    /// <summary>A release of a cpu (what a store barrier serves): MMIO write, invalidation, unlock, interrupt, release or xchg, a store to a sync word or table.</summary>
    static bool IsRelease(TraceEvent e) =>
        e.Kind is EventKind.MmioWrite or EventKind.DevInvalidate or EventKind.Unlock or EventKind.RaiseIrq or EventKind.StoreRelease or EventKind.Xchg
        || (e.Kind == EventKind.Store && Metadata.RegionAt(e.Address)?.Kind is RegionKind.Sync or RegionKind.Table);

    /// <summary>A missing-cache-clean's store's cpu's clean or flush after the store whose lines hold a byte the store and the read share.</summary>
    static bool CleansAfterTheStore(IEventLookup events, Finding f, long index, TraceEvent e)
    {
        long store = f.RelatedIndex(RelatedRole.Store);
        if (f.Kind != FindingKind.MissingCacheClean || store < 0 || index <= store || e.Kind is not (EventKind.CacheClean or EventKind.CacheFlush)) return false;
        var (st, read) = (events[store], events[f.Trigger]);
        if (e.Agent != st.Agent) return false;
        ulong from = Math.Max(st.Address, read.Address), to = Math.Min(st.Address + (ulong)st.Size, read.Address + (ulong)read.Size);
        ulong line = (ulong)Metadata.CacheLineSize;
        ulong start = e.Address / line * line, end = (e.Address + (ulong)Math.Max(e.Size, 1) + line - 1) / line * line;
        return from < to && start < to && from < end;
    }

    /// <summary>
    /// A missing-cache-clean's store's cpu's barrier after its first such clean that does not complete cache maintenance
    /// on arm64 (model.md §3: only mb = dsb sy and wmb = dsb st among the Linux barriers, codes 1 and 3, the random trace's),
    /// while neither a completing barrier nor a release of the cpu came since the clean (the caller's).
    /// </summary>
    static string? NotCompleting(IEventLookup events, Finding f, long index, TraceEvent e, long firstClean)
    {
        if (firstClean < 0 || index <= firstClean || e.Agent != events[f.RelatedIndex(RelatedRole.Store)].Agent) return null;
        return e.Aux is 1 or 3 ? null : $"<- does not complete the clean #{firstClean}";
    }

    /// <summary>
    /// A missing-cache-invalidate's cpu's cache maintenance of the bytes its load and the device's write share: a clean
    /// whose lines hold any of them, an invalidation or flush whose lines hold all of them.
    /// </summary>
    static string? CacheMarker(IEventLookup events, Finding f, TraceEvent e)
    {
        long write = f.RelatedIndex(RelatedRole.DmaWrite);
        var load = events[f.Trigger];
        if (f.Kind != FindingKind.MissingCacheInvalidate || write < 0 || e.Agent != load.Agent) return null;
        if (e.Kind is not (EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush)) return null;
        var w = events[write];
        ulong from = Math.Max(w.Address, load.Address), to = Math.Min(w.Address + (ulong)w.Size, load.Address + (ulong)load.Size);
        if (from >= to) return null;
        ulong line = (ulong)Metadata.CacheLineSize;
        ulong start = e.Address / line * line, end = (e.Address + (ulong)Math.Max(e.Size, 1) + line - 1) / line * line;
        if (e.Kind == EventKind.CacheClean) return start < to && from < end ? "<- cleans, does not invalidate" : null;
        return start <= from && to <= end ? $"<- before the completion of #{write} is observed" : null;
    }
}
