using TraceTools.Replay.Findings;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

// The evidence sweep: which events of a window are evidence, their markers, and the cap per agent.
public sealed partial class LadderEvents
{
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
