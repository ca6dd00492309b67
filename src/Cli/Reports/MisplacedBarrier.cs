using TraceTools.Replay.Findings;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A barrier kind's look-back and look-ahead (docs/reports.md "The text ladder"): the barrier of the right class just
/// on the wrong side of the event it had to follow or precede, outside the ladder's window, shown marked as one of its
/// cpu's evidence rows. Before: a stale-dma-read's store barrier before the store (<c>&lt;- before the store #S</c>), a
/// present-before-payload's before the payload store (<c>&lt;- before the payload store #P</c>), a stale-cpu-read's read
/// barrier before the acquire (<c>&lt;- before the acquire #A</c>). After: a present-before-payload's store barrier after
/// the store that sets present, a stale-cpu-read's read barrier after the load. Only a barrier with nothing of the
/// kind it serves in between counts: a release (for a store barrier) or an acquire (for a read barrier) of the cpu
/// between it and the event took the barrier for itself, as a loop's earlier iteration does.
/// </summary>
sealed class MisplacedBarrier
{
    readonly int _agent;
    readonly bool _reads;
    readonly Arch _arch;
    readonly Func<EventKind, ulong, bool> _servesBarrier;

    /// <summary>The event the look-back ends before (the store, payload store or acquire), or -1: none.</summary>
    public long Anchor { get; }

    /// <summary>The look-back's first event.</summary>
    public long From => Math.Max(0, Anchor - LadderEvents.ScanNear);

    /// <summary>The event the look-ahead starts after (the trigger), or -1: none.</summary>
    public long After { get; }

    /// <summary>The look-ahead's last event (within the trace).</summary>
    public long To { get; }

    /// <summary>The cpu whose barriers count.</summary>
    public int Agent => _agent;

    /// <summary>The latest barrier before <see cref="Anchor"/> with nothing it serves between, or -1.</summary>
    public long Early { get; private set; } = -1;

    /// <summary>The first barrier after <see cref="After"/> before anything it serves, or -1.</summary>
    public long Late { get; private set; } = -1;

    bool _lateClosed;

    MisplacedBarrier(int agent, bool reads, Arch arch, long anchor, long after, long to, Func<EventKind, ulong, bool> serves) =>
        (_agent, _reads, _arch, Anchor, After, To, _servesBarrier) = (agent, reads, arch, anchor, after, to, serves);

    /// <summary>
    /// The look-back and look-ahead of <paramref name="f"/>, or null for the other kinds. <paramref name="serves"/> tells
    /// whether an event (kind, address) is a release (for store barriers) or an acquire (for read barriers);
    /// <paramref name="lastIndex"/> is the trace's last event.
    /// </summary>
    public static MisplacedBarrier? Plan(Finding f, Func<long, TraceEvent> events, Arch arch, long lastIndex, Func<EventKind, ulong, bool, bool> serves)
    {
        var (anchorRole, reads, ahead) = f.Kind switch
        {
            FindingKind.StaleDmaRead => (RelatedRole.Store, false, false),
            FindingKind.PresentBeforePayload => (RelatedRole.Payload, false, true),
            FindingKind.StaleCpuRead => (RelatedRole.Acquire, true, true),
            _ => (default(RelatedRole?), false, false),
        };
        if (anchorRole is not { } role || f.RelatedIndex(role) is not (>= 0 and var anchor)) return null;
        int agent = events(anchor).Agent;
        // The look-ahead is the trigger's, on the same cpu (a present store, a load): a payload of another cpu has
        // its hand-off to fix, not a barrier after the present store.
        bool looksAhead = ahead && events(f.Trigger).Agent == agent && f.Trigger < lastIndex;
        long after = looksAhead ? f.Trigger : -1, to = looksAhead ? Math.Min(lastIndex, f.Trigger + LadderEvents.ScanNear) : -1;
        return new MisplacedBarrier(agent, reads, arch, anchor > 0 ? anchor : -1, after, to, (k, a) => serves(k, a, reads));
    }

    /// <summary>The marker of <see cref="Early"/>.</summary>
    public EvidenceNote EarlyNote(FindingKind kind) => kind switch
    {
        FindingKind.StaleDmaRead => EvidenceNote.BeforeTheStore,
        FindingKind.PresentBeforePayload => EvidenceNote.BeforeThePayload,
        _ => EvidenceNote.BeforeTheAcquire,
    };

    /// <summary>The marker of <see cref="Late"/>.</summary>
    public EvidenceNote LateNote(FindingKind kind) => kind == FindingKind.StaleCpuRead ? EvidenceNote.AfterTheLoad : EvidenceNote.AfterThePresentStore;

    /// <summary>Notes event <paramref name="index"/> of the look-back or look-ahead; called in trace order.</summary>
    public void Consider(long index, EventKind kind, int agent, ulong address, uint aux)
    {
        if (agent != _agent) return;
        bool early = Anchor >= 0 && index >= From && index < Anchor, late = After >= 0 && index > After && index <= To;
        if (!early && !late) return;
        if (kind == EventKind.Barrier && Serves(new BarrierCode((ushort)aux)))
        {
            if (early) Early = index;
            else if (!_lateClosed && Late < 0) Late = index;
        }
        else if (_servesBarrier(kind, address))
        {
            if (early) Early = -1;
            else _lateClosed = true;
        }
    }

    bool Serves(BarrierCode code) => _reads ? BarrierQuery.OrdersReads(_arch, code) : BarrierQuery.OrdersStores(_arch, code);
}
