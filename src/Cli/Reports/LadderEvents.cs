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
public sealed partial class LadderEvents : IWindowReader
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
}
