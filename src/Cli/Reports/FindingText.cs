using System.Globalization;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The words a report puts around one finding: a short title for the text header, a one-sentence message
/// (JSON, SARIF), the ladder's marker on the trigger, and a <c>help:</c> line naming the barrier,
/// invalidation or cache operation that would fix it on the trace's arch.
/// </summary>
public sealed partial class FindingText
{
    readonly TraceMetadata _md;
    readonly Finding _f;
    readonly IEventLookup _events;
    readonly TraceEvent _trigger;

    /// <summary>Describes <paramref name="finding"/> of a trace with <paramref name="metadata"/>.</summary>
    public FindingText(TraceMetadata metadata, Finding finding, IEventLookup events)
    {
        _md = metadata;
        _f = finding;
        _events = events;
        _trigger = events[finding.Trigger];
    }

    /// <summary>What the report's findings share for their help lines (the observer of a hand-off, one fix per site); null: this finding alone.</summary>
    public FixAdvice? Fixes { get; init; }

    static string N(long i) => i.ToString(CultureInfo.InvariantCulture);

    long Rel(RelatedRole role) => _f.RelatedIndex(role);

    string AgentOf(long index) => index < 0 ? "?" : EventText.Agent(_md, _events[index].Agent);
    string TriggerAgent => EventText.Agent(_md, _trigger.Agent);
    string TriggerRange => EventText.Range(_md, _trigger.Address, (ulong)_trigger.Size);

    string EntryName
    {
        get
        {
            var at = EventText.EntryAt(_md, _trigger.Address);
            return at is { } e ? EventText.Entry(e.Table, e.Index) : EventText.Where(_md, _trigger.Address);
        }
    }

    string FetcherName
    {
        get
        {
            var at = EventText.EntryAt(_md, _trigger.Address);
            return at is { } e ? EventText.Agent(_md, e.Table.Device) : "the device";
        }
    }

    /// <summary>What the event at <paramref name="index"/> is as a publish: <c>doorbell</c>, <c>release store</c>, <c>unlock</c>…</summary>
    public string PublishNounOf(long index) => PublishNoun(index);

    string PublishNoun(long index) => index < 0 ? "release" : _events[index].Kind switch
    {
        EventKind.MmioWrite => "doorbell",
        EventKind.Store or EventKind.StoreRelease or EventKind.Xchg => "release store",
        EventKind.Unlock => "unlock",
        EventKind.DevInvalidate => "invalidation request",
        _ => "release",
    };

    /// <summary>The header title: <c>qm may read stale data from xqc+0x0..0x40</c>.</summary>
    public string Title => _f.Kind switch
    {
        FindingKind.StaleDmaRead => $"{TriggerAgent} may read stale data from {TriggerRange}",
        FindingKind.StaleCpuRead => $"{TriggerAgent} may read stale data from {TriggerRange}",
        FindingKind.DmaRace => $"{TriggerAgent} and {AgentOf(Rel(RelatedRole.Other))} race on {TriggerRange}",
        FindingKind.TornEntryFetch => $"{TriggerAgent} may fetch a torn {EntryName}",
        FindingKind.MissingFlushAfterClear => $"{EntryName} is changed after clearing present, with no invalidation of {FetcherName}'s copy ordered between the clear and the change",
        FindingKind.PresentBeforePayload => $"{EntryName} is made present before its payload is ordered",
        FindingKind.TornEntryUpdate => $"live {EntryName} is updated in place by several stores",
        FindingKind.MissingCacheClean => $"{TriggerAgent} may read {TriggerRange} while it is dirty in {AgentOf(Rel(RelatedRole.Store))}'s cache",
        FindingKind.MissingCacheInvalidate => $"{TriggerAgent} may read {TriggerRange} through stale cache lines",
        FindingKind.UnquiescedDma => ModeChangedUnderDevice
            ? $"{TriggerAgent} still DMAs after its IOMMU mode changed under it to {Mode.Name()}: {IommuOutcome}"
            : $"{TriggerAgent} still DMAs after the handover: {IommuOutcome}",
        FindingKind.DmaOutsideMapping => $"{TriggerAgent} {Verb(_trigger.Kind)} {TriggerRange} {MappingProblem}",
        FindingKind.LiveEntryWrite => $"{EntryName} is changed after {FetcherName} fetched it, and no invalidation ordered after the change comes before {FetcherName}'s next fetch",
        FindingKind.SmcccClobber or FindingKind.SmcccResultLost => FirmwareTitle,
        FindingKind.SharedCacheline => $"{RangeOf(Rel(RelatedRole.DmaWrite))} shares a cache line with {RangeOf(Rel(RelatedRole.Store))}, written by {AgentOf(Rel(RelatedRole.Store))} while {AgentOf(Rel(RelatedRole.DmaWrite))} owned the buffer",
        FindingKind.DiscardedStore => $"{TriggerAgent} may read {TriggerRange} after a cache invalidation discarded its store",
        _ => _f.Kind.Name(),
    };

    /// <summary>The one-sentence message of JSON and SARIF reports.</summary>
    public string Message
    {
        get
        {
            long t = _f.Trigger;
            return _f.Kind switch
            {
                FindingKind.StaleDmaRead => $"{TriggerAgent} read {TriggerRange}, stored by {AgentOf(Rel(RelatedRole.Store))} at #{N(Rel(RelatedRole.Store))}, which is not ordered before the {PublishNoun(Rel(RelatedRole.Publish))} at #{N(Rel(RelatedRole.Publish))} {StoreBarrierNote}",
                FindingKind.StaleCpuRead => $"{TriggerAgent} read {TriggerRange}, written by {AgentOf(Rel(RelatedRole.DmaWrite))} at #{N(Rel(RelatedRole.DmaWrite))}, {ReadBarrierNote}",
                FindingKind.DmaRace => $"{TriggerAgent} {Verb(_trigger.Kind)} {TriggerRange} at #{N(t)} while {AgentOf(Rel(RelatedRole.Other))} {Verb(Kind(Rel(RelatedRole.Other)))} it at #{N(Rel(RelatedRole.Other))}, and neither is ordered before the other",
                FindingKind.TornEntryFetch => $"{TriggerAgent} fetched granule {N(_trigger.Aux)} of {EntryName} at #{N(t)} after {AgentOf(Rel(RelatedRole.Store))} changed it at #{N(Rel(RelatedRole.Store))}, in the same fetch that began at #{N(Rel(RelatedRole.FirstGranule))} and saw present set: the fetch mixes two versions",
                FindingKind.MissingFlushAfterClear => $"{TriggerAgent} changed {EntryName} at #{N(t)} after present was cleared at #{N(Rel(RelatedRole.Clear))}, with no completed invalidation of the entry by {FetcherName} between them that the clear is ordered before",
                FindingKind.PresentBeforePayload => $"{TriggerAgent} set present on {EntryName} at #{N(t)}, but the payload store at #{N(Rel(RelatedRole.Payload))} is not ordered before it",
                FindingKind.TornEntryUpdate => $"{TriggerAgent} changed live {EntryName} at #{N(t)}, after the store at #{N(Rel(RelatedRole.EarlierStore))}, while present stayed set: a fetch between them sees an entry that is neither the old nor the new one",
                FindingKind.MissingCacheClean => $"{TriggerAgent} (noncoherent) read {TriggerRange}, stored by {AgentOf(Rel(RelatedRole.Store))} at #{N(Rel(RelatedRole.Store))}, {CleanNote}",
                FindingKind.MissingCacheInvalidate => $"{TriggerAgent} read {TriggerRange}, written by {AgentOf(Rel(RelatedRole.DmaWrite))} (noncoherent) at #{N(Rel(RelatedRole.DmaWrite))}, {InvalidationNote}",
                FindingKind.UnquiescedDma => ModeChangedUnderDevice
                    ? $"{TriggerAgent} {Verb(_trigger.Kind)} {TriggerRange} at #{N(t)}, after its IOMMU mode changed to {Mode.Name()} at #{N(Rel(RelatedRole.IommuMode))}, and no quiesce stopped it since it was started under another mode {LastStarted}: {IommuOutcome}"
                    : $"{TriggerAgent} {Verb(_trigger.Kind)} {TriggerRange} at #{N(t)}, after the handover at #{N(Rel(RelatedRole.Handover))}, and no quiesce stopped it since it was last started {LastStarted}: {IommuOutcome}{ModeSinceStart}",
                FindingKind.DmaOutsideMapping => $"{TriggerAgent} {Verb(_trigger.Kind)} {TriggerRange} at #{N(t)} {MappingProblem}",
                FindingKind.LiveEntryWrite => $"{TriggerAgent} changed {EntryName} at #{N(t)} while it was present, after {FetcherName} fetched it at #{N(Rel(RelatedRole.Fetch))}, and no invalidation of the entry that the store is ordered before came before {FetcherName}'s next fetch: {FetcherName} may use the old entry, or a mix of old and new",
                FindingKind.SmcccClobber or FindingKind.SmcccResultLost => FirmwareMessage,
                FindingKind.SharedCacheline => $"{TriggerAgent} invalidated {TriggerRange} at #{N(t)}, after {AgentOf(Rel(RelatedRole.DmaWrite))} (noncoherent) wrote {RangeOf(Rel(RelatedRole.DmaWrite))} at #{N(Rel(RelatedRole.DmaWrite))}, but {AgentOf(Rel(RelatedRole.Store))} stored to {RangeOf(Rel(RelatedRole.Store))}, in the same {N(_md.CacheLineSize)}-byte line, at #{N(Rel(RelatedRole.Store))} while the device owned the buffer: the invalidation drops that store, or the dirty line's write-back overwrites the device's data",
                FindingKind.DiscardedStore => $"{TriggerAgent} read {TriggerRange} at #{N(t)}, stored by {AgentOf(Rel(RelatedRole.Store))} at #{N(Rel(RelatedRole.Store))}, but {AgentOf(Rel(RelatedRole.Invalidation))} invalidated its {N(_md.CacheLineSize)}-byte line at #{N(Rel(RelatedRole.Invalidation))} before any clean: the store was discarded and the load reads older memory",
                _ => _f.Kind.Name(),
            };
        }
    }

    EventKind Kind(long index) => index < 0 ? EventKind.Load : _events[index].Kind;

    /// <summary>The bytes the event at <paramref name="index"/> accessed, as <c>REGION+0xOFF..0xEND</c>.</summary>
    string RangeOf(long index) => index < 0 ? "?" : EventText.Range(_md, _events[index].Address, (ulong)_events[index].Size);

    static string Verb(EventKind k) => k switch
    {
        EventKind.Store or EventKind.StoreRelease => "stores to",
        EventKind.Xchg => "exchanges",
        EventKind.Load or EventKind.LoadAcquire => "loads",
        EventKind.DmaRead => "reads",
        EventKind.DmaWrite => "writes",
        _ => "accesses",
    };

    /// <summary>The ladder's marker on the trigger row (smccc-clobber's names each clobbered register, passed -> returned).</summary>
    public string Marker => _f.Kind switch
    {
        FindingKind.StaleDmaRead or FindingKind.StaleCpuRead => "<- stale",
        FindingKind.DmaRace => "<- race",
        FindingKind.TornEntryFetch => "<- torn",
        FindingKind.MissingFlushAfterClear => "<- not flushed",
        FindingKind.PresentBeforePayload => "<- present too early",
        FindingKind.TornEntryUpdate => "<- torn update",
        FindingKind.MissingCacheClean => "<- dirty",
        FindingKind.MissingCacheInvalidate => "<- stale cache",
        FindingKind.UnquiescedDma => ModeChangedUnderDevice ? "<- mode changed under it" : "<- after handover",
        FindingKind.DmaOutsideMapping => "<- not mapped",
        FindingKind.LiveEntryWrite => "<- changed while fetched",
        FindingKind.SmcccClobber => $"<- clobbered {ClobberedValues}",
        FindingKind.SmcccResultLost => "<- result lost",
        FindingKind.SharedCacheline => "<- shared line",
        FindingKind.DiscardedStore => "<- store lost",
        _ => "<-",
    };
}
