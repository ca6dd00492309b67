using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>One row of a ladder: an event, and the marker after it (null: none).</summary>
/// <param name="Index">Trace index.</param>
/// <param name="Marker">The text after the event (<c>&lt;- stale</c>, <c>&lt;- after the doorbell</c>), or null.</param>
public readonly record struct LadderRow(long Index, string? Marker);

/// <summary>
/// Picks the events a ladder shows (docs/reports.md "The ladder"): the trigger and related events; the hb
/// path's hops between agents (the acquires and releases of a hand-off through other cpus); and the
/// evidence on each agent shown between its first shown event and the trigger: barriers (the misplaced
/// one marked) and sync events (locks, interrupts, MMIO, sync-word accesses, invalidations, and cache
/// maintenance for the cache kinds). The evidence per agent is capped; what is left out is counted.
/// </summary>
public sealed class LadderEvents
{
    /// <summary>Evidence rows per agent at most; barriers go first.</summary>
    public const int MaxEvidencePerAgent = 6;

    /// <summary>Windows up to this many events are scanned whole; longer ones only near the shown events.</summary>
    public const long ScanWhole = 1 << 16;

    /// <summary>How far from each shown event a long window is scanned.</summary>
    public const long ScanNear = 1 << 10;

    readonly ReportInput _input;
    readonly Finding _f;
    readonly FindingText _text;
    readonly SortedDictionary<long, string?> _rows = [];
    RegionInfo? _lastRegion;

    /// <summary>Evidence rows left out, per agent (for the note under the ladder).</summary>
    public SortedDictionary<int, int> Hidden { get; } = [];

    /// <summary>The rows, in trace order.</summary>
    public IEnumerable<LadderRow> Rows => _rows.Select(r => new LadderRow(r.Key, r.Value));

    /// <summary>Chooses the rows for <paramref name="f"/>.</summary>
    public LadderEvents(ReportInput input, Finding f, FindingText text)
    {
        _input = input;
        _f = f;
        _text = text;
        foreach (var r in f.Related) if (r.Index >= 0) _rows[r.Index] = null;
        AddPath();
        _rows[f.Trigger] = text.Marker;
        AddEvidence();
    }

    TraceEvent Event(long i) => _input.Events[i];

    string AgentName(int agent) => EventText.Agent(_input.Metadata, agent);

    /// <summary>The hops from each other agent's last related event to the trigger.</summary>
    void AddPath()
    {
        if (_input.HbPath is not { } paths) return;
        int target = Event(_f.Trigger).Agent;
        var lastPerAgent = new Dictionary<int, long>();
        foreach (var r in _f.Related)
        {
            if (r.Index < 0 || r.Index > _f.Trigger) continue;
            int a = Event(r.Index).Agent;
            if (a != target && (!lastPerAgent.TryGetValue(a, out long at) || r.Index > at)) lastPerAgent[a] = r.Index;
        }
        foreach (var (agent, from) in lastPerAgent)
        {
            var hops = paths(agent, from, target, _f.Trigger);
            if (hops.Count < 2) continue; // a direct hop (the doorbell) is already on the ladder: nothing passes through other agents
            foreach (var hop in hops)
            {
                Mark(hop.ReleaseIndex, $"-> {AgentName(hop.ToAgent)}");
                Mark(hop.ReceiveIndex, $"<- from {AgentName(hop.FromAgent)}");
            }
        }
    }

    /// <summary>Shows a hop's event with its marker (a related event shown without one gets it too).</summary>
    void Mark(long index, string marker)
    {
        if (index < 0 || index == _f.Trigger || !_input.Events.Has(index)) return;
        if (!_rows.TryGetValue(index, out var had) || had is null) _rows[index] = marker;
    }

    /// <summary>Barriers and sync events of each shown agent from its first shown event to the trigger.</summary>
    void AddEvidence()
    {
        // Per agent, its first shown event: evidence before it is not shown.
        var since = new long[_input.Metadata.Agents.Count];
        Array.Fill(since, long.MaxValue);
        foreach (var i in _rows.Keys)
        {
            int a = Event(i).Agent;
            if ((uint)a < (uint)since.Length && since[a] == long.MaxValue) since[a] = i;
        }
        long lo = _rows.Keys.First(), hi = _f.Trigger;
        var found = new Dictionary<int, List<(long Index, int Priority, string? Marker)>>();
        foreach (long i in Evidence(WindowRanges(_rows.Keys, lo, hi), since))
        {
            if (_rows.ContainsKey(i)) continue;
            var e = Event(i);
            string? marker = e.Kind == EventKind.Barrier ? BarrierMarker(i, e.Agent) : null;
            int priority = marker is not null ? 0 : e.Kind == EventKind.Barrier ? 1 : 2;
            if (!found.TryGetValue(e.Agent, out var list)) found[e.Agent] = list = [];
            list.Add((i, priority, marker));
        }
        foreach (var (agent, list) in found)
        {
            var shown = list.OrderBy(x => x.Priority).ThenBy(x => x.Index).Take(MaxEvidencePerAgent).ToList();
            foreach (var (i, _, marker) in shown) _rows[i] = marker;
            if (list.Count > shown.Count) Hidden[agent] = list.Count - shown.Count;
        }
    }

    /// <summary>
    /// The index ranges of the window <paramref name="lo"/>..<paramref name="hi"/> to look at, ascending and
    /// disjoint: all of a window up to <see cref="ScanWhole"/> events; in a longer one, what lies within
    /// <see cref="ScanNear"/> of a shown event.
    /// </summary>
    /// <param name="shown">The events shown so far, ascending.</param>
    /// <param name="lo">The window's first event.</param>
    /// <param name="hi">The window's last event (the trigger).</param>
    public static List<(long From, long To)> WindowRanges(IEnumerable<long> shown, long lo, long hi)
    {
        if (hi - lo <= ScanWhole) return [(lo, hi)];
        var ranges = new List<(long From, long To)>();
        foreach (long at in shown)
        {
            long from = Math.Max(lo, at - ScanNear), to = Math.Min(hi, at + ScanNear);
            if (from > to) continue;
            if (ranges.Count > 0 && from <= ranges[^1].To + 1) ranges[^1] = (ranges[^1].From, Math.Max(ranges[^1].To, to));
            else ranges.Add((from, to));
        }
        return ranges;
    }

    /// <summary>
    /// The evidence events in <paramref name="ranges"/>, ascending, of agents shown from their first shown event
    /// on. A window holds up to <see cref="ScanWhole"/> events, so the scan reads the decoded batch's columns where
    /// the lookup has them: through the lookup event by event it cost about 45 ns an event (2,000 groups over
    /// 60,000-event windows: 5.6 s of text). The indices are collected before any is looked up, as a lookup may
    /// reuse the batch.
    /// </summary>
    List<long> Evidence(List<(long From, long To)> ranges, long[] since)
    {
        var evidence = new List<long>();
        foreach (var (from, to) in ranges)
        {
            for (long i = from; i <= to;)
            {
                if (_input.Events.BatchAt(i) is not { } batch)
                {
                    if (_input.Events.Has(i) && IsShownEvidence(Event(i), i, since)) evidence.Add(i);
                    i++;
                    continue;
                }
                int first = (int)(i - batch.FirstIndex), last = (int)Math.Min(to - batch.FirstIndex, batch.Count - 1);
                var kinds = batch.Kinds.AsSpan(0, batch.Count);
                var agents = batch.Agents.AsSpan(0, batch.Count);
                var addresses = batch.Addresses.AsSpan(0, batch.Count);
                for (int j = first; j <= last; j++)
                {
                    int a = agents[j];
                    long index = batch.FirstIndex + j;
                    if ((uint)a < (uint)since.Length && index >= since[a] && IsEvidence(kinds[j], addresses[j])) evidence.Add(index);
                }
                i = batch.FirstIndex + last + 1;
            }
        }
        return evidence;
    }

    bool IsShownEvidence(in TraceEvent e, long index, long[] since) =>
        (uint)e.Agent < (uint)since.Length && index >= since[e.Agent] && IsEvidence(e.Kind, e.Address);

    bool IsEvidence(EventKind kind, ulong address)
    {
        switch (kind)
        {
            case EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.TakeIrq or EventKind.RaiseIrq
                or EventKind.DevInvalidate or EventKind.MmioRead or EventKind.MmioWrite:
                return true;
            case EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush:
                return _f.Kind is FindingKind.MissingCacheClean or FindingKind.MissingCacheInvalidate;
            case EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover or EventKind.DmaMap or EventKind.DmaUnmap:
                return _f.Kind is FindingKind.UnquiescedDma or FindingKind.DmaOutsideMapping;
            case EventKind.Load or EventKind.Store:
                return RegionKindAt(address) is RegionKind.Sync;
            case EventKind.StoreRelease or EventKind.LoadAcquire or EventKind.Xchg:
                // Acquires and releases are synchronization wherever they are (on ram the pair is an hb edge).
                return RegionKindAt(address) is RegionKind.Sync or RegionKind.Ram or RegionKind.Table;
            default:
                return false;
        }
    }

    /// <summary>
    /// The kind of the region holding <paramref name="address"/>, or null. A window's loads and stores mostly fall
    /// in the region of the one before (regions do not overlap): a 60,000-event window of stores spent 60 % of its
    /// scan in the search over the regions.
    /// </summary>
    RegionKind? RegionKindAt(ulong address)
    {
        if (_lastRegion is { } last && address - last.Base < last.Size) return last.Kind;
        if (_input.Metadata.RegionAt(address) is not { } region) return null;
        _lastRegion = region;
        return region.Kind;
    }

    /// <summary>
    /// Why a barrier did not help, where the model makes it plain: after the publish it orders nothing the
    /// device reads (<c>&lt;- after the doorbell</c>); between the two events that needed ordering it was the
    /// wrong class or domain (<c>&lt;- does not order #0 before #1</c>).
    /// </summary>
    string? BarrierMarker(long index, int agent)
    {
        (long before, long after) = _f.Kind switch
        {
            FindingKind.StaleDmaRead => (_f.RelatedIndex(RelatedRole.Store), _f.RelatedIndex(RelatedRole.Publish)),
            FindingKind.PresentBeforePayload => (_f.RelatedIndex(RelatedRole.Payload), _f.Trigger),
            FindingKind.StaleCpuRead => (_f.RelatedIndex(RelatedRole.Acquire), _f.Trigger),
            _ => (-1L, -1L),
        };
        if (before < 0 || after < 0 || Event(before).Agent != agent) return null;
        if (index > before && index < after) return $"<- does not order #{before} before #{after}";
        if (_f.Kind == FindingKind.StaleDmaRead && index > after && Event(after).Agent == agent)
            return $"<- after the {_text.PublishNounOf(after)}";
        return null;
    }
}
