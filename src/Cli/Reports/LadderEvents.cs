using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Ordering;
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
/// one marked) and sync events (locks, interrupts, MMIO, sync-word accesses, a device's DMA to sync words and
/// table entries, invalidations, and cache
/// maintenance for the cache kinds; a dma-race's, missing-cache-invalidate's or missing-flush-after-clear's trigger
/// agent from the other agent's access or the clear on, a missing-cache-invalidate's maintenance that did not count
/// marked, a missing-cache-clean's barrier that does not complete its clean marked and its clean or completing barrier
/// after the release to the device marked, a missing-flush-after-clear's
/// invalidation not ordered after the clear marked; for both cache kinds, the cpu's latest maintenance before the access
/// the rule counts from, marked: <see cref="EarlyMaintenance"/>; for the barrier kinds, the barrier just on the wrong
/// side of its event, marked: <see cref="MisplacedBarrier"/>); for a live-entry-write, the fetcher's next fetch of the
/// entry after the store, marked: <see cref="NextFetch"/>. The evidence per agent is capped; what is left out is
/// counted.
/// </summary>
public sealed class LadderEvents : IWindowReader
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

    // Between PlanEvidence and FinishEvidence (a sweep, LadderSweep): per agent its first shown event, the window's
    // ranges, and per agent the evidence kept so far. Released once the rows are chosen.
    long[]? _since;
    List<(long From, long To)>? _ranges;
    AgentEvidence?[]? _evidence;
    // The barrier marker's events (BarrierMarker), found before the sweep: it may not look events up.
    long _before = -1, _after = -1;
    int _beforeAgent = -1, _afterAgent = -1;
    // The cache marker's (CacheMarker): a missing-cache-invalidate's cpu and the bytes its load and the device's write
    // share; no agent when they share none.
    int _cacheAgent = -1;
    SharedBytes _shared;
    // The completion marker's (CompletionMarker): a missing-cache-clean's store, its cpu and the bytes the store and
    // the device's read share (no agent when none), and the cpu's first clean of them after the store, once seen.
    long _cleanStore = -1, _firstClean = -1;
    int _cleanAgent = -1;
    // Since that clean: a barrier completed it before the cpu released; the cpu released (the doorbell, a flag). Later
    // barriers are not marked as not completing it.
    bool _cleanCompleted, _cleanReleased;
    // The store's cpu's release the hb path to the device's read leaves by (the doorbell), or -1: not known. A clean of
    // a shared byte, or a barrier completing an earlier one, after it is marked (<- after the doorbell): too late.
    long _cleanRelease = -1;
    SharedBytes _cleanShared;
    // The clean-after-invalidation marker's (CleanAfterInvalidation): a discarded-store's invalidation and the bytes its store and load share.
    long _discardedBy = -1;
    SharedBytes _lostBytes;
    // A cache kind's look-back before the related access its rule counts maintenance from; null: none.
    EarlyMaintenance? _early;
    // A barrier kind's look-back and look-ahead for the barrier on the wrong side of its event; null: none.
    MisplacedBarrier? _misplaced;
    // A live-entry-write's look-ahead for the fetcher's next fetch of the entry; null: none.
    NextFetch? _nextFetch;

    /// <summary>Evidence rows left out, per agent (for the note under the ladder).</summary>
    public SortedDictionary<int, int> Hidden { get; } = [];

    /// <summary>The rows, in trace order.</summary>
    public IEnumerable<LadderRow> Rows => _rows.Select(r => new LadderRow(r.Key, r.Value));

    /// <summary>The trace indices of the rows, ascending (what the report reads for them).</summary>
    public IEnumerable<long> Indices => _rows.Keys;

    /// <summary>Chooses the rows for <paramref name="f"/>, reading its evidence window alone (<see cref="LadderSweep"/> reads many together).</summary>
    public LadderEvents(ReportInput input, Finding f, FindingText text) : this(input, f, text, evidence: true) { }

    /// <summary>The related events, the hb path's hops and the trigger; the evidence waits for <see cref="LadderSweep"/>.</summary>
    internal static LadderEvents WithoutEvidence(ReportInput input, Finding f, FindingText text) => new(input, f, text, evidence: false);

    LadderEvents(ReportInput input, Finding f, FindingText text, bool evidence)
    {
        _input = input;
        _f = f;
        _text = text;
        foreach (var r in f.Related) if (r.Index >= 0) _rows[r.Index] = null;
        // Where the device was last started: the quiesce the rule looked for belongs after it.
        if (f.Kind == FindingKind.UnquiescedDma && f.RelatedIndex(RelatedRole.Doorbell) is >= 0 and var started) _rows[started] = "<- last started";
        AddPath();
        _rows[f.Trigger] = text.Marker;
        if (evidence) LadderSweep.Complete(input, [this]);
    }

    /// <summary>The evidence window's ranges, ascending and disjoint; valid between <see cref="PlanEvidence"/> and <see cref="FinishEvidence"/>.</summary>
    internal List<(long From, long To)> Ranges => _ranges!;

    IReadOnlyList<(long From, long To)> IWindowReader.Ranges => Ranges;

    void IWindowReader.Scan(EventBatch batch, int first, int last) => Scan(batch, first, last);

    void IWindowReader.ScanOne(long index) => ScanOne(index);

    TraceEvent Event(long i) => _input.Events[i];

    string AgentName(int agent) => EventText.Agent(_input.Metadata, agent);

    /// <summary>
    /// The hops from each other agent's last related event to the trigger; for a stale-cpu-read, the hop into its acquire
    /// from another cpu's release (<see cref="AddHopIntoAcquire"/>).
    /// </summary>
    void AddPath()
    {
        AddHopIntoAcquire();
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

    /// <summary>
    /// A stale-cpu-read's acquire that read another cpu's release (the device's completion forwarded by that cpu): the
    /// hop the replay logged landing on it. The path from the device is not known (edges out of devices are not
    /// logged), so the hop into the acquire is the part of the hand-off the ladder can show.
    /// </summary>
    void AddHopIntoAcquire()
    {
        if (_f.Kind != FindingKind.StaleCpuRead || _input.HopInto is not { } hopInto || _f.RelatedIndex(RelatedRole.Acquire) is not (>= 0 and var acquire)) return;
        if (hopInto(Event(acquire).Agent, acquire) is not { } hop) return;
        Mark(hop.ReleaseIndex, $"-> {AgentName(hop.ToAgent)}");
        Mark(hop.ReceiveIndex, $"<- from {AgentName(hop.FromAgent)}");
    }

    /// <summary>Shows a hop's event with its marker (a related event shown without one gets it too).</summary>
    void Mark(long index, string marker)
    {
        if (index < 0 || index == _f.Trigger || !_input.Events.Has(index)) return;
        if (!_rows.TryGetValue(index, out var had) || had is null) _rows[index] = marker;
    }

    /// <summary>
    /// Before the sweep: per agent its first shown event (evidence before it is not shown), the window from the first
    /// shown event to the trigger, and the events the barrier marker compares with. Looks up only shown events.
    /// </summary>
    internal void PlanEvidence()
    {
        var since = new long[_input.Metadata.Agents.Count];
        Array.Fill(since, long.MaxValue);
        foreach (var i in _rows.Keys)
        {
            int a = Event(i).Agent;
            if ((uint)a < (uint)since.Length && since[a] == long.MaxValue) since[a] = i;
        }
        _since = since;
        _evidence = new AgentEvidence?[since.Length];
        _ranges = WindowRanges(_rows.Keys, _rows.Keys.First(), _f.Trigger);
        StartTriggerEvidenceAtRelated(since);
        if (_f.Kind == FindingKind.MissingCacheInvalidate) PlanCacheMarker();
        if (_f.Kind == FindingKind.MissingCacheClean) PlanCompletionMarker();
        if (_f.Kind == FindingKind.DiscardedStore) PlanCleanAfterInvalidation();
        _early = EarlyMaintenance.Plan(_f, Event);
        if (_early is { } early) _ranges = WithRange(_ranges, early.From, early.Anchor - 1);
        _misplaced = MisplacedBarrier.Plan(_f, Event, _input.Metadata.Arch, _input.EventCount - 1, ObserverIsDevice(), ServesBarrier);
        if (_misplaced is { Anchor: >= 0 } back) _ranges = WithRange(_ranges, back.From, back.Anchor - 1);
        if (_misplaced is { After: >= 0 } ahead) _ranges = WithRange(_ranges, ahead.After + 1, ahead.To);
        _nextFetch = NextFetch.Plan(_f, Event, _input.Metadata, _input.EventCount - 1);
        if (_nextFetch is { } next) _ranges = WithRange(_ranges, next.Store + 1, next.To);
        (_before, _after) = _f.Kind switch
        {
            FindingKind.StaleDmaRead => (_f.RelatedIndex(RelatedRole.Store), _f.RelatedIndex(RelatedRole.Publish)),
            FindingKind.PresentBeforePayload => (_f.RelatedIndex(RelatedRole.Payload), _f.Trigger),
            FindingKind.StaleCpuRead => (_f.RelatedIndex(RelatedRole.Acquire), _f.Trigger),
            _ => (-1L, -1L),
        };
        if (_before >= 0 && _after >= 0)
        {
            _beforeAgent = Event(_before).Agent;
            _afterAgent = Event(_after).Agent;
        }
    }

    /// <summary>
    /// The related event from which the trigger's agent shows its evidence, for the kinds whose trigger is that agent's
    /// only shown event (docs/reports.md): from the trigger alone the ladder would never show what the rule judges
    /// there, a dma-race's status reads and interrupts that did not order the two accesses, a missing-cache-invalidate's
    /// cache maintenance. Null: from the agent's first shown event, as every other agent.
    /// </summary>
    static RelatedRole? TriggerEvidenceFrom(FindingKind kind) => kind switch
    {
        FindingKind.DmaRace => RelatedRole.Other,
        FindingKind.MissingCacheInvalidate => RelatedRole.DmaWrite,
        FindingKind.MissingFlushAfterClear => RelatedRole.Clear,
        _ => null,
    };

    /// <summary>For the kinds <see cref="TriggerEvidenceFrom"/> names, the trigger's agent's evidence starts at that related event.</summary>
    void StartTriggerEvidenceAtRelated(long[] since)
    {
        if (TriggerEvidenceFrom(_f.Kind) is not { } role || _f.RelatedIndex(role) is not (>= 0 and var from)) return;
        int agent = Event(_f.Trigger).Agent;
        if ((uint)agent < (uint)since.Length) since[agent] = Math.Min(since[agent], from);
    }

    /// <summary>The cache marker's (<see cref="CacheMarker"/>) load's cpu and the bytes the device's write and the load share.</summary>
    void PlanCacheMarker()
    {
        long write = _f.RelatedIndex(RelatedRole.DmaWrite);
        if (write < 0) return;
        var load = Event(_f.Trigger);
        if (SharedBytes.Of(Event(write), load) is { } shared) (_cacheAgent, _shared) = (load.Agent, shared);
    }

    /// <summary>The completion marker's (<see cref="CompletionMarker"/>) store, its cpu and the bytes the store and the device's read share.</summary>
    void PlanCompletionMarker()
    {
        long store = _f.RelatedIndex(RelatedRole.Store);
        if (store < 0) return;
        var s = Event(store);
        if (SharedBytes.Of(s, Event(_f.Trigger)) is not { } shared) return;
        (_cleanStore, _cleanAgent, _cleanShared) = (store, s.Agent, shared);
        _cleanRelease = _input.Fixes.FirstRelease(s.Agent, store, Event(_f.Trigger).Agent, _f.Trigger);
    }

    /// <summary>The clean-after-invalidation marker's (<see cref="CleanAfterInvalidation"/>) invalidation and the bytes the store and the load share.</summary>
    void PlanCleanAfterInvalidation()
    {
        long store = _f.RelatedIndex(RelatedRole.Store), invalidation = _f.RelatedIndex(RelatedRole.Invalidation);
        if (store < 0 || invalidation < 0) return;
        if (SharedBytes.Of(Event(store), Event(_f.Trigger)) is { } shared) (_discardedBy, _lostBytes) = (invalidation, shared);
    }

    /// <summary><paramref name="ranges"/> (ascending, disjoint) with <paramref name="from"/>..<paramref name="to"/> added: ascending, disjoint, merged where they meet.</summary>
    public static List<(long From, long To)> WithRange(List<(long From, long To)> ranges, long from, long to)
    {
        var all = new List<(long From, long To)>(ranges.Count + 1);
        foreach (var r in ranges.Append((From: from, To: to)).OrderBy(r => r.From))
        {
            if (all.Count > 0 && r.From <= all[^1].To + 1) all[^1] = (all[^1].From, Math.Max(all[^1].To, r.To));
            else all.Add(r);
        }
        return all;
    }

    /// <summary>
    /// Takes the evidence among positions <paramref name="first"/>..<paramref name="last"/> of a decoded
    /// <paramref name="batch"/> (part of one of <see cref="Ranges"/>), reading its columns: through the lookup event
    /// by event it cost about 45 ns an event (2,000 groups over 60,000-event windows: 5.6 s of text). Looks nothing
    /// up, as a lookup may reuse the batch.
    /// </summary>
    internal void Scan(EventBatch batch, int first, int last)
    {
        var since = _since!;
        var kinds = batch.Kinds.AsSpan(0, batch.Count);
        var agents = batch.Agents.AsSpan(0, batch.Count);
        var addresses = batch.Addresses.AsSpan(0, batch.Count);
        var sizes = batch.Sizes.AsSpan(0, batch.Count);
        var aux = batch.Aux.AsSpan(0, batch.Count);
        for (int j = first; j <= last; j++)
        {
            int a = agents[j];
            long index = batch.FirstIndex + j;
            _misplaced?.Consider(index, kinds[j], a, addresses[j], aux[j]);
            _nextFetch?.Consider(index, kinds[j], a, addresses[j], aux[j]);
            if (index > _f.Trigger) continue; // the look-ahead's: no evidence
            if ((uint)a < (uint)since.Length && index >= since[a] && IsEvidence(kinds[j], addresses[j])) Take(index, kinds[j], a, addresses[j], sizes[j], aux[j]);
            else if (_early is { } early && index < early.Anchor) early.Consider(index, kinds[j], a, addresses[j], sizes[j], _input.Metadata.CacheLineSize);
        }
    }

    /// <summary>Takes event <paramref name="index"/> if it is evidence, for a lookup without batches (<see cref="IEventLookup.BatchAt"/> null).</summary>
    internal void ScanOne(long index)
    {
        if (!_input.Events.Has(index)) return;
        var e = Event(index);
        _misplaced?.Consider(index, e.Kind, e.Agent, e.Address, e.Aux);
        _nextFetch?.Consider(index, e.Kind, e.Agent, e.Address, e.Aux);
        if (index > _f.Trigger) return; // the look-ahead's: no evidence
        if ((uint)e.Agent < (uint)_since!.Length && index >= _since[e.Agent] && IsEvidence(e.Kind, e.Address)) Take(index, e.Kind, e.Agent, e.Address, e.Size, e.Aux);
        else if (_early is { } early && index < early.Anchor) early.Consider(index, e.Kind, e.Agent, e.Address, e.Size, _input.Metadata.CacheLineSize);
    }

    /// <summary>
    /// Counts an evidence event of <paramref name="agent"/> and keeps it if it is among the first by priority, then
    /// index. Called in trace order within a ladder, as the completion marker needs.
    /// </summary>
    void Take(long index, EventKind kind, int agent, ulong address, int size, uint aux)
    {
        if (agent == _cleanAgent) NoteClean(index, kind, address, size, aux);
        if (_rows.ContainsKey(index)) return;
        var marker = kind switch
        {
            EventKind.Barrier when agent == _cleanAgent => CompletionMarker(index, aux),
            EventKind.CacheClean or EventKind.CacheFlush when agent == _cleanAgent => LateClean(index, address, size),
            EventKind.Barrier => BarrierMarker(index, agent),
            EventKind.DevInvalidate when _f.Kind == FindingKind.MissingFlushAfterClear => InvalidationMarker(index, agent, address, size, aux),
            EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush when agent == _cacheAgent => CacheMarker(kind, address, size),
            EventKind.CacheClean or EventKind.CacheFlush when _discardedBy >= 0 => CleanAfterInvalidation(index, address, size),
            _ => EvidenceNote.None,
        };
        int priority = marker != EvidenceNote.None ? 0 : kind == EventKind.Barrier ? 1 : 2;
        (_evidence![agent] ??= new AgentEvidence()).Add(index, priority, marker);
    }

    /// <summary>After the sweep: the evidence kept per agent becomes rows (with markers), the rest is counted as hidden.</summary>
    internal void FinishEvidence()
    {
        var evidence = _evidence!;
        // Marked, so it goes first among the cpu's evidence, within its cap. Only events before the cpu's evidence
        // window were considered: it starts at the look-back's end for a real finding (whose cpu shows nothing earlier).
        if (_early is { Latest: >= 0 } early) (evidence[early.Agent] ??= new AgentEvidence()).Add(early.Latest, 0, early.Note);
        if (_misplaced is { } m)
        {
            // Only a look-back barrier before the cpu's window (in it, it is evidence already, and none of a real
            // finding's: the anchor starts its cpu's window); the look-ahead's lies after the trigger.
            if (m.Early >= 0 && m.Early < _since![m.Agent]) (evidence[m.Agent] ??= new AgentEvidence()).Add(m.Early, 0, m.EarlyNote(_f.Kind));
            if (m.Late >= 0) (evidence[m.Agent] ??= new AgentEvidence()).Add(m.Late, 0, m.LateNote(_f.Kind));
        }
        // The fetch the store failed at: context, as a hop is, outside the fetcher's evidence cap (fetches are no evidence).
        if (_nextFetch is { Found: >= 0 } next) _rows[next.Found] = "<- next fetch of the entry";
        for (int agent = 0; agent < evidence.Length; agent++)
        {
            if (evidence[agent] is not { } kept) continue;
            for (int k = 0; k < kept.Kept; k++) _rows[kept.Index[k]] = MarkerText(kept.Note[k]);
            if (kept.Total > kept.Kept) Hidden[agent] = kept.Total - kept.Kept;
        }
        _since = null;
        _ranges = null;
        _evidence = null;
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
        // lo..hi holds hi - lo + 1 events (both ends): whole up to ScanWhole of them (docs/reports.md).
        if (hi - lo < ScanWhole) return [(lo, hi)];
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

    bool IsEvidence(EventKind kind, ulong address)
    {
        switch (kind)
        {
            case EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.TakeIrq or EventKind.RaiseIrq
                or EventKind.DevInvalidate or EventKind.MmioRead or EventKind.MmioWrite:
                return true;
            case EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush:
                return _f.Kind is FindingKind.MissingCacheClean or FindingKind.MissingCacheInvalidate or FindingKind.DiscardedStore;
            case EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover or EventKind.DmaMap or EventKind.DmaUnmap:
                return _f.Kind is FindingKind.UnquiescedDma or FindingKind.DmaOutsideMapping;
            case EventKind.Load or EventKind.Store:
                return RegionKindAt(address) is RegionKind.Sync;
            case EventKind.DmaWrite or EventKind.DmaRead:
                // A device's status or descriptor write-back is the release a cpu's acquire reads (and its read of
                // a sync word or entry the acquire of a cpu's release): without it the acquire's row has no source.
                return RegionKindAt(address) is RegionKind.Sync or RegionKind.Table;
            case EventKind.StoreRelease or EventKind.LoadAcquire or EventKind.Xchg:
                // Acquires and releases are synchronization wherever they are (on ram the pair is an hb edge).
                return RegionKindAt(address) is RegionKind.Sync or RegionKind.Ram or RegionKind.Table;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether the barrier a barrier kind needs must reach devices (docs/model.md §10.5): a present-before-payload's
    /// fetcher; a stale-dma-read's publish whose first hop is not known to reach a cpu; a stale-cpu-read's acquire of an
    /// MMIO read or of a release not known to be a cpu's. Unknown observers count as devices, as the help's advice does.
    /// </summary>
    bool ObserverIsDevice()
    {
        var fixes = _input.Fixes;
        switch (_f.Kind)
        {
            case FindingKind.StaleDmaRead:
                long store = _f.RelatedIndex(RelatedRole.Store), publish = _f.RelatedIndex(RelatedRole.Publish);
                return store < 0 || fixes.FirstHop(Event(store).Agent, publish, Event(_f.Trigger).Agent, _f.Trigger) != FixObserver.Cpu;
            case FindingKind.StaleCpuRead:
                long acquire = _f.RelatedIndex(RelatedRole.Acquire);
                return acquire < 0 || Event(acquire).Kind == EventKind.MmioRead || fixes.Releaser(Event(_f.Trigger).Agent, acquire) != FixObserver.Cpu;
            default:
                return true;
        }
    }

    /// <summary>
    /// Whether an event is what a misplaced barrier would have served (<see cref="MisplacedBarrier"/>): a release for a
    /// store barrier (MMIO write, invalidation request, unlock, interrupt, release or xchg, a store to a sync word or
    /// table), an acquire for a read barrier (MMIO read, lock, interrupt taken, acquire or xchg, a load of a sync word
    /// or table).
    /// </summary>
    bool ServesBarrier(EventKind kind, ulong address, bool reads) => kind switch
    {
        EventKind.Xchg => true,
        EventKind.MmioWrite or EventKind.DevInvalidate or EventKind.Unlock or EventKind.RaiseIrq or EventKind.StoreRelease => !reads,
        EventKind.MmioRead or EventKind.Lock or EventKind.TakeIrq or EventKind.LoadAcquire => reads,
        EventKind.Store => !reads && RegionKindAt(address) is RegionKind.Sync or RegionKind.Table,
        EventKind.Load => reads && RegionKindAt(address) is RegionKind.Sync or RegionKind.Table,
        _ => false,
    };

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
    /// wrong class or domain (<c>&lt;- does not order #0 before #1</c>). Decided from the events found before the
    /// sweep (<see cref="PlanEvidence"/>); the text is written once the rows are chosen (<see cref="MarkerText"/>).
    /// </summary>
    EvidenceNote BarrierMarker(long index, int agent)
    {
        if (_before < 0 || _after < 0 || _beforeAgent != agent) return EvidenceNote.None;
        if (index > _before && index < _after) return EvidenceNote.DoesNotOrder;
        if (_f.Kind == FindingKind.StaleDmaRead && index > _after && _afterAgent == agent) return EvidenceNote.AfterPublish;
        return EvidenceNote.None;
    }

    /// <summary>
    /// Why a missing-cache-invalidate's cpu's maintenance between the device's write and the load (its window) did not
    /// count: a clean whose lines hold any byte the two share drops nothing (<c>&lt;- cleans, does not invalidate</c>);
    /// an invalidation or flush whose lines hold every such byte lies po-before the load on the load's cpu, so it counted
    /// unless it was not hb-after the write (<c>&lt;- before the completion of #W is observed</c>). One holding only some
    /// of them may have counted for those: not marked.
    /// </summary>
    EvidenceNote CacheMarker(EventKind kind, ulong address, int size)
    {
        int lineSize = _input.Metadata.CacheLineSize;
        if (kind == EventKind.CacheClean) return _shared.AnyInLines(address, size, lineSize) ? EvidenceNote.CleansOnly : EvidenceNote.None;
        return _shared.AllInLines(address, size, lineSize) ? EvidenceNote.BeforeObserved : EvidenceNote.None;
    }

    /// <summary>
    /// Remembers a missing-cache-clean's cpu's first clean or flush of any shared byte after the store, and after it
    /// whether a barrier completed it or the cpu released (events of the cpu, in trace order).
    /// </summary>
    void NoteClean(long index, EventKind kind, ulong address, int size, uint aux)
    {
        if (index <= _cleanStore) return;
        if (_firstClean >= 0)
        {
            // Marked below only while neither happened: the barrier that mattered was the one before the release.
            if (kind == EventKind.Barrier && BarrierQuery.CompletesCacheMaintenance(_input.Metadata.Arch, new BarrierCode((ushort)aux)))
                _cleanCompleted |= !_cleanReleased && (_cleanRelease < 0 || index < _cleanRelease);
            else if (kind != EventKind.Barrier && ServesBarrier(kind, address, reads: false)) _cleanReleased = true;
            return;
        }
        if (kind is (EventKind.CacheClean or EventKind.CacheFlush) && _cleanShared.AnyInLines(address, size, _input.Metadata.CacheLineSize)) _firstClean = index;
    }

    /// <summary>
    /// Why a missing-cache-clean's cpu's barrier after its clean did not help: it does not complete cache maintenance
    /// for a device (arm64 <c>dma_wmb</c>, as in <c>writel</c>; x86's compiler-only barriers), so the clean is not
    /// ordered, with completion, before the doorbell after it (<c>&lt;- does not complete the clean #C</c>). Only a
    /// barrier between the clean and the cpu's first release after it, with none that completes it before. A barrier
    /// that does complete it, after the release the hb path leaves by, came too late (<c>&lt;- after the doorbell</c>).
    /// </summary>
    EvidenceNote CompletionMarker(long index, uint aux)
    {
        if (_firstClean < 0 || index <= _firstClean || _cleanCompleted) return EvidenceNote.None;
        bool completes = BarrierQuery.CompletesCacheMaintenance(_input.Metadata.Arch, new BarrierCode((ushort)aux));
        if (completes) return _cleanRelease >= 0 && index > _cleanRelease ? EvidenceNote.AfterRelease : EvidenceNote.None;
        return _cleanReleased ? EvidenceNote.None : EvidenceNote.NotCompletion;
    }

    /// <summary>
    /// A missing-cache-clean's cpu's clean or flush of a byte the store and the device's read share, after the release the
    /// hb path leaves the cpu by: it could not be ordered before that doorbell (<c>&lt;- after the doorbell</c>).
    /// </summary>
    EvidenceNote LateClean(long index, ulong address, int size) =>
        _cleanRelease >= 0 && index > _cleanRelease && index > _cleanStore && _cleanShared.AnyInLines(address, size, _input.Metadata.CacheLineSize)
            ? EvidenceNote.AfterRelease : EvidenceNote.None;

    /// <summary>
    /// Why a missing-flush-after-clear's invalidation did not count: one of the entry (or of all entries) by its
    /// fetcher, on the changing store's cpu between the clear and the change, is hb-before the change (program
    /// order, and a dev_invalidate completes before the cpu goes on), so only the clear's order before it failed
    /// (<c>&lt;- not ordered after the clear #C</c>). On another cpu it may have failed either way: not marked.
    /// </summary>
    EvidenceNote InvalidationMarker(long index, int agent, ulong address, int size, uint device)
    {
        long clear = _f.RelatedIndex(RelatedRole.Clear);
        var trigger = Event(_f.Trigger);
        if (clear < 0 || index <= clear || agent != trigger.Agent) return EvidenceNote.None;
        return EventText.InvalidatesEntry(_input.Metadata, trigger.Address, device, address, size) ? EvidenceNote.NotAfterClear : EvidenceNote.None;
    }

    /// <summary>
    /// Why a discarded-store's clean did not save the store: it came after the invalidation that dropped it, whose
    /// lines hold a byte the load reads (<c>&lt;- after the invalidation #I</c>); the line was no longer dirty, so it
    /// wrote nothing back. A clean before the invalidation would have been the fix (model.md §9).
    /// </summary>
    EvidenceNote CleanAfterInvalidation(long index, ulong address, int size) =>
        index > _discardedBy && _lostBytes.AnyInLines(address, size, _input.Metadata.CacheLineSize) ? EvidenceNote.AfterInvalidation : EvidenceNote.None;

    string? MarkerText(EvidenceNote note) => note switch
    {
        EvidenceNote.AfterInvalidation => $"<- after the invalidation #{_discardedBy}",
        EvidenceNote.BeforeTheStore => $"<- before the store #{_misplaced!.Anchor}",
        EvidenceNote.BeforeThePayload => $"<- before the payload store #{_misplaced!.Anchor}",
        EvidenceNote.BeforeTheAcquire => $"<- before the acquire #{_misplaced!.Anchor}",
        EvidenceNote.AfterTheLoad => $"<- after the load #{_f.Trigger}",
        EvidenceNote.AfterThePresentStore => $"<- after the store that sets present #{_f.Trigger}",
        EvidenceNote.NotAfterClear => $"<- not ordered after the clear #{_f.RelatedIndex(RelatedRole.Clear)}",
        EvidenceNote.NotCompletion => $"<- does not complete the clean #{_firstClean}",
        EvidenceNote.DoesNotOrder => $"<- does not order #{_before} before #{_after}",
        EvidenceNote.AfterPublish => $"<- after the {_text.PublishNounOf(_after)}",
        EvidenceNote.AfterRelease => $"<- after the {_text.PublishNounOf(_cleanRelease)}",
        EvidenceNote.CleansOnly => "<- cleans, does not invalidate",
        EvidenceNote.BeforeObserved => $"<- before the completion of #{_f.RelatedIndex(RelatedRole.DmaWrite)} is observed",
        EvidenceNote.BeforeWrite => $"<- before the device's write #{_f.RelatedIndex(RelatedRole.DmaWrite)}",
        EvidenceNote.BeforeStore => $"<- before the store #{_f.RelatedIndex(RelatedRole.Store)}",
        _ => null,
    };
}
