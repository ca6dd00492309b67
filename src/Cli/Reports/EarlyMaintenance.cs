using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A cache kind's look-back (docs/reports.md "The text ladder"): the cpu's latest maintenance of the bytes the rule
/// judges made before the related access the rule counts maintenance from, within <see cref="LadderEvents.ScanNear"/>
/// events of it. It can never count, so the ladder shows it marked: a missing-cache-invalidate's invalidation or flush
/// before the device's write (at refill, as <c>dma_map_single</c> for <c>DMA_FROM_DEVICE</c> does on arm32 and did on
/// arm64 before Linux 6.0, with nothing after the completion), a missing-cache-clean's clean or
/// flush before the store (<c>dma_map_single</c>'s for <c>DMA_TO_DEVICE</c>, the buffer written after it).
/// </summary>
sealed class EarlyMaintenance
{
    readonly int _agent;
    readonly SharedBytes _shared;
    readonly bool _cleans;

    /// <summary>The related access the rule counts maintenance from (the device's write, the store): the look-back ends before it.</summary>
    public long Anchor { get; }

    /// <summary>The look-back's first event.</summary>
    public long From => Math.Max(0, Anchor - LadderEvents.ScanNear);

    /// <summary>The cpu whose maintenance counts: the load's, the store's.</summary>
    public int Agent => _agent;

    /// <summary>The latest maintenance found so far, or -1.</summary>
    public long Latest { get; private set; } = -1;

    /// <summary>Its marker's reason.</summary>
    public EvidenceNote Note => _cleans ? EvidenceNote.BeforeStore : EvidenceNote.BeforeWrite;

    EarlyMaintenance(int agent, long anchor, SharedBytes shared, bool cleans) =>
        (_agent, Anchor, _shared, _cleans) = (agent, anchor, shared, cleans);

    /// <summary>
    /// The look-back of <paramref name="f"/>, or null: not a cache kind, no related access, none before it, or the two
    /// accesses share no byte (<paramref name="events"/> looks up shown events only).
    /// </summary>
    public static EarlyMaintenance? Plan(Finding f, Func<long, TraceEvent> events)
    {
        var (role, cleans) = f.Kind switch
        {
            FindingKind.MissingCacheInvalidate => (RelatedRole.DmaWrite, false),
            FindingKind.MissingCacheClean => (RelatedRole.Store, true),
            _ => (default(RelatedRole?), false),
        };
        if (role is not { } r || f.RelatedIndex(r) is not (> 0 and var anchor)) return null;
        var (a, t) = (events(anchor), events(f.Trigger));
        if (SharedBytes.Of(a, t) is not { } shared) return null;
        // The cpu is the load's for an invalidation (the trigger), the store's for a clean (the related access).
        return new EarlyMaintenance(cleans ? a.Agent : t.Agent, anchor, shared, cleans);
    }

    /// <summary>Notes event <paramref name="index"/> if it is the cpu's maintenance of the kind that would have counted, of any shared byte, in the look-back.</summary>
    public void Consider(long index, EventKind kind, int agent, ulong address, int size, int lineSize)
    {
        if (index >= Anchor || index < From || agent != _agent) return;
        // A flush cleans and invalidates: it would have counted for either kind.
        if (kind != EventKind.CacheFlush && kind != (_cleans ? EventKind.CacheClean : EventKind.CacheInval)) return;
        if (_shared.AnyInLines(address, size, lineSize)) Latest = Math.Max(Latest, index);
    }
}
