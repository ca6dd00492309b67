using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Hardening;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// A ladder's evidence window is scanned over the decoded batches' columns where the lookup has them
/// (<see cref="IEventLookup.BatchAt"/>); these hold that scan to the event-by-event one it replaced, on random
/// traces whose windows cross chunks, short and long (past <see cref="LadderEvents.ScanWhole"/>).
/// </summary>
[TestClass]
public sealed class LadderWindowTests
{
    /// <summary>The same lookup without batches: the ladder looks at every event through the indexer.</summary>
    sealed class OneByOne(IEventLookup inner) : IEventLookup
    {
        public TraceEvent this[long index] => inner[index];
        public ReadOnlySpan<byte> GetData(long index) => inner.GetData(index);
        public bool Has(long index) => inner.Has(index);
        public void Prefetch(IEnumerable<long> indices) => inner.Prefetch(indices);
    }

    internal static readonly TraceMetadata Metadata = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("cpu1", AgentKind.Cpu), new("dev", AgentKind.Device)],
        Regions =
        [
            new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 },
            new RegionInfo { Name = "flag", Kind = RegionKind.Sync, Base = 0x8000, Size = 0x40 },
            new RegionInfo { Name = "db", Kind = RegionKind.Mmio, Base = 0xf000, Size = 0x10, Device = 2 },
        ],
        Locks = ["l"],
    };

    const int Events = 150_000;

    /// <summary>
    /// Mostly plain stores and loads, with barriers, sync-word accesses, MMIO, locks, cache maintenance and releases
    /// among them: <paramref name="events"/> events in chunks of <paramref name="chunk"/>.
    /// </summary>
    internal static string RandomTrace(Scratch s, int seed, int events = Events, int chunk = 1 << 12)
    {
        string path = s.Path($"w{seed}.trace");
        var rng = new Random(seed);
        TraceFile.Write(path, Metadata, new TraceWriterOptions { ChunkEvents = chunk }, sink =>
        {
            var data = new byte[8];
            for (int i = 0; i < events; i++)
            {
                int cpu = rng.Next(2);
                ulong buf = 0x1000 + (ulong)rng.Next(512) * 8, flag = 0x8000 + (ulong)rng.Next(8) * 8;
                switch (rng.Next(40))
                {
                    case 0: sink.Append(new TraceEvent(EventKind.Barrier, (ushort)cpu, 0, 0, (uint)rng.Next(1, 10)), default); break;
                    case 1: sink.Append(new TraceEvent(EventKind.Store, (ushort)cpu, flag, 8), data); break;
                    case 2: sink.Append(new TraceEvent(EventKind.Load, (ushort)cpu, flag, 8), data); break;
                    case 3: sink.Append(new TraceEvent(EventKind.MmioWrite, (ushort)cpu, 0xf000, 4), data.AsSpan(0, 4)); break;
                    case 4: sink.Append(new TraceEvent(EventKind.CacheClean, (ushort)cpu, buf, rng.Next(1, 257)), default); break;
                    case 8: sink.Append(new TraceEvent(rng.Next(2) == 0 ? EventKind.CacheInval : EventKind.CacheFlush, (ushort)cpu, buf, rng.Next(1, 257)), default); break;
                    case 5: sink.Append(new TraceEvent(EventKind.StoreRelease, (ushort)cpu, buf, 8), data); break;
                    case 6: sink.Append(new TraceEvent(EventKind.DmaRead, 2, buf, 8), default); break;
                    case 7: sink.Append(new TraceEvent(rng.Next(2) == 0 ? EventKind.Lock : EventKind.Unlock, (ushort)cpu, 0, 0, 0), default); break;
                    case < 24: sink.Append(new TraceEvent(EventKind.Store, (ushort)cpu, buf, 8), data); break;
                    default: sink.Append(new TraceEvent(EventKind.Load, (ushort)cpu, buf, 8), data); break;
                }
            }
        });
        return path;
    }

    static readonly FindingKind[] Kinds =
        [FindingKind.StaleDmaRead, FindingKind.MissingCacheClean, FindingKind.DmaRace, FindingKind.StaleCpuRead, FindingKind.MissingCacheInvalidate];

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Evidence_ColumnScan_SameRowsAndHiddenAsEventByEvent(int seed)
    {
        using var s = new Scratch();
        string trace = RandomTrace(s, seed);
        var rng = new Random(seed);
        var findings = new List<Finding>();
        for (int n = 0; n < 60; n++)
        {
            // Windows of a few events to past ScanWhole, over chunk boundaries.
            long trigger = rng.Next(Events / 2, Events);
            long span = n % 3 == 0 ? rng.Next(1, 100) : n % 3 == 1 ? rng.Next(1_000, 20_000) : rng.Next((int)LadderEvents.ScanWhole, Events / 2);
            var kind = Kinds[n % Kinds.Length];
            var firstRole = kind switch { FindingKind.MissingCacheInvalidate => RelatedRole.DmaWrite, FindingKind.DmaRace => RelatedRole.Other, _ => RelatedRole.Store };
            var related = Enumerable.Range(0, rng.Next(1, 4)).Select(k => new RelatedEvent(k == 0 ? firstRole : RelatedRole.Publish, trigger - rng.NextInt64(1, span + 1))).ToArray();
            findings.Add(new Finding(kind, trigger, related));
        }
        using var columns = new TraceEventLookup(trace);
        using var plain = new TraceEventLookup(trace);
        // Cache kinds whose two accesses share bytes: their cpu's maintenance before the first of them is shown.
        findings = [.. findings.Select(f => LadderSweepTests.SharingBytes(plain, f, Events))];
        IEventLookup byEvent = new OneByOne(plain);
        ((IEventLookup)columns).Prefetch(IEventLookup.NamedBy(findings));
        byEvent.Prefetch(IEventLookup.NamedBy(findings));
        var a = new ReportInput(Metadata, findings, columns, trace, Events);
        var b = new ReportInput(Metadata, findings, byEvent, trace, Events);
        int shownEvidence = 0, early = 0;
        foreach (var f in findings)
        {
            var fast = new LadderEvents(a, f, new FindingText(Metadata, f, columns));
            var slow = new LadderEvents(b, f, new FindingText(Metadata, f, byEvent));
            CollectionAssert.AreEqual(slow.Rows.ToList(), fast.Rows.ToList(), $"trigger {f.Trigger}");
            CollectionAssert.AreEqual(slow.Hidden.ToList(), fast.Hidden.ToList(), $"trigger {f.Trigger}");
            // And to the rule, literally: per agent, shown plus hidden evidence is every evidence event of the window.
            var named = f.Related.Select(r => r.Index).Append(f.Trigger).ToHashSet();
            var literal = LiteralEvidence(plain, f, named);
            foreach (int agent in Enumerable.Range(0, Metadata.Agents.Count))
            {
                int shown = fast.Rows.Count(r => !named.Contains(r.Index) && plain[r.Index].Agent == agent);
                Assert.AreEqual(literal.GetValueOrDefault(agent), shown + fast.Hidden.GetValueOrDefault(agent), $"trigger {f.Trigger}, agent {agent}");
            }
            shownEvidence += fast.Rows.Count() - f.Related.Length - 1;
            early += fast.Rows.Count(r => r.Marker is { } m && (m.StartsWith("<- before the device's write", StringComparison.Ordinal) || m.StartsWith("<- before the store", StringComparison.Ordinal)));
        }
        Assert.IsGreaterThan(100, shownEvidence, "the windows hold evidence to compare");
        Assert.IsGreaterThan(0, early, "and maintenance before the access it had to follow");
    }

    /// <summary>
    /// Evidence events per agent in <paramref name="f"/>'s window, from each agent's first named event (a
    /// dma-race's or missing-cache-invalidate's trigger agent: from the other agent's access if that comes first), read
    /// one by one.
    /// </summary>
    static Dictionary<int, int> LiteralEvidence(IEventLookup events, Finding f, HashSet<long> named)
    {
        long lo = named.Min(), hi = f.Trigger;
        var first = new Dictionary<int, long>();
        foreach (long i in named.Order()) first.TryAdd(events[i].Agent, i);
        long other = f.RelatedIndex(f.Kind == FindingKind.DmaRace ? RelatedRole.Other : RelatedRole.DmaWrite);
        if (f.Kind is FindingKind.DmaRace or FindingKind.MissingCacheInvalidate && other >= 0)
            first[events[hi].Agent] = Math.Min(first[events[hi].Agent], other);
        bool whole = hi - lo + 1 <= LadderEvents.ScanWhole;
        var near = new HashSet<long>();
        if (!whole)
            foreach (long at in named)
                for (long i = Math.Max(lo, at - LadderEvents.ScanNear); i <= Math.Min(hi, at + LadderEvents.ScanNear); i++) near.Add(i);
        var count = new Dictionary<int, int>();
        for (long i = lo; i <= hi; i++)
        {
            if (named.Contains(i) || (!whole && !near.Contains(i))) continue;
            var e = events[i];
            if (!first.TryGetValue(e.Agent, out long since) || i < since) continue;
            var region = Metadata.RegionAt(e.Address)?.Kind;
            bool evidence = e.Kind switch
            {
                EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.MmioWrite => true,
                EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush => f.Kind is FindingKind.MissingCacheClean or FindingKind.MissingCacheInvalidate,
                EventKind.Load or EventKind.Store => region is RegionKind.Sync,
                EventKind.StoreRelease => region is RegionKind.Sync or RegionKind.Ram or RegionKind.Table,
                _ => false,
            };
            if (evidence) count[e.Agent] = count.GetValueOrDefault(e.Agent) + 1;
        }
        // Before the window: a cache kind's early maintenance, if any.
        if (LadderSweepTests.EarlyMaintenance(events, f, first) is (>= 0, var cpu, _)) count[cpu] = count.GetValueOrDefault(cpu) + 1;
        // Before and after it: a barrier kind's barrier on the wrong side of its event.
        foreach (var (_, agent, _) in LadderSweepTests.Misplaced(events, f, first, Events)) count[agent] = count.GetValueOrDefault(agent) + 1;
        return count;
    }

    [TestMethod]
    public void WindowRanges_RandomShownEvents_TheIndicesNearThemAsASetUnion()
    {
        var rng = new Random(7);
        for (int round = 0; round < 500; round++)
        {
            long lo = rng.Next(0, 1000), hi = lo + rng.Next(0, 3 * (int)LadderEvents.ScanWhole);
            var shown = Enumerable.Range(0, rng.Next(1, 12)).Select(_ => lo + rng.NextInt64(0, hi - lo + 1)).Append(lo).Append(hi).Distinct().Order().ToList();
            var expected = new SortedSet<long>();
            if (hi - lo + 1 <= LadderEvents.ScanWhole) for (long i = lo; i <= hi; i++) expected.Add(i);
            else
                foreach (long at in shown)
                    for (long i = Math.Max(lo, at - LadderEvents.ScanNear); i <= Math.Min(hi, at + LadderEvents.ScanNear); i++) expected.Add(i);
            var ranges = LadderEvents.WindowRanges(shown, lo, hi);
            for (int k = 1; k < ranges.Count; k++) Assert.IsGreaterThan(ranges[k - 1].To + 1, ranges[k].From, "ascending, disjoint, not adjacent");
            CollectionAssert.AreEqual(expected.ToList(), ranges.SelectMany(r => LongRange(r.From, r.To)).ToList(), $"round {round}");
        }
    }

    [TestMethod]
    [DataRow(65_535L, true)]  // events 0..65,535: 65,536 of them, searched whole
    [DataRow(65_536L, false)] // 65,537 events: "longer than 65,536" (docs/reports.md), only near the shown events
    public void WindowRanges_AtTheWholeScanLimit_WholeUpTo65536Events(long hi, bool whole)
    {
        var ranges = LadderEvents.WindowRanges([0, hi], 0, hi);
        CollectionAssert.AreEqual(whole ? new[] { (0L, hi) } : new[] { (0L, 1_024L), (hi - 1_024, hi) }, ranges);
    }

    [TestMethod]
    public void WithRange_RandomRangesAndOneMore_TheirIndicesAsASetUnion()
    {
        var rng = new Random(11);
        for (int round = 0; round < 2_000; round++)
        {
            var ranges = new List<(long From, long To)>();
            for (long at = rng.Next(0, 20); ranges.Count < rng.Next(0, 5); at += rng.Next(2, 30))
            {
                long to = at + rng.Next(0, 10);
                ranges.Add((at, to));
                at = to;
            }
            long from = rng.Next(0, 120), upTo = from + rng.Next(0, 40);
            var expected = new SortedSet<long>(ranges.SelectMany(r => LongRange(r.From, r.To)).Concat(LongRange(from, upTo)));
            var merged = LadderEvents.WithRange(ranges, from, upTo);
            for (int k = 1; k < merged.Count; k++) Assert.IsGreaterThan(merged[k - 1].To + 1, merged[k].From, $"round {round}: ascending, disjoint, not adjacent");
            CollectionAssert.AreEqual(expected.ToList(), merged.SelectMany(r => LongRange(r.From, r.To)).ToList(), $"round {round}");
        }
    }

    static IEnumerable<long> LongRange(long from, long to)
    {
        for (long i = from; i <= to; i++) yield return i;
    }
}
