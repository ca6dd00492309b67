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
/// the store that sets present, a stale-cpu-read's read barrier after the load. Only a barrier of the domain the
/// finding's observer needs counts (a device's: outer), and only one that serves nothing else: a release (for a store
/// barrier) or an acquire (for a read barrier) of the cpu between it and the event took the barrier for itself, as a
/// loop's other iteration does, and so does the release right after a store barrier (<c>writel</c>'s) or the acquire
/// right before a read barrier (<c>readl</c>'s). A payload of another cpu than the one setting present has a hand-off
/// to fix: none.
/// </summary>
sealed class MisplacedBarrier
{
    readonly int _agent;
    readonly bool _reads, _outer;
    readonly Arch _arch;
    readonly Func<EventKind, ulong, bool, bool> _servesBarrier;

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

    // The look-ahead ended (an event the barrier kind serves); the cpu's last event served one; the look-ahead's
    // candidate waits for the cpu's next event (a release right after it is what it serves).
    bool _lateClosed, _previousServes, _latePending, _inLate;

    MisplacedBarrier(int agent, bool reads, bool outer, Arch arch, long anchor, long after, long to, Func<EventKind, ulong, bool, bool> serves) =>
        (_agent, _reads, _outer, _arch, Anchor, After, To, _servesBarrier) = (agent, reads, outer, arch, anchor, after, to, serves);

    /// <summary>
    /// The look-back and look-ahead of <paramref name="f"/>, or null for the other kinds. <paramref name="serves"/> tells
    /// whether an event (kind, address) is a release (for store barriers) or an acquire (for read barriers);
    /// <paramref name="lastIndex"/> is the trace's last event; <paramref name="outer"/>, whether the observer is a device.
    /// </summary>
    public static MisplacedBarrier? Plan(Finding f, Func<long, TraceEvent> events, Arch arch, long lastIndex, bool outer, Func<EventKind, ulong, bool, bool> serves)
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
        // A payload of another cpu than the setter's has its hand-off to fix, not a barrier on either side.
        if (f.Kind == FindingKind.PresentBeforePayload && events(f.Trigger).Agent != agent) return null;
        bool looksAhead = ahead && events(f.Trigger).Agent == agent && f.Trigger < lastIndex;
        long after = looksAhead ? f.Trigger : -1, to = looksAhead ? Math.Min(lastIndex, f.Trigger + LadderEvents.ScanNear) : -1;
        return new MisplacedBarrier(agent, reads, outer, arch, anchor > 0 ? anchor : -1, after, to, serves);
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
        bool servedBy = kind != EventKind.Barrier && _servesBarrier(kind, address, _reads);
        if (late && !_inLate) (_inLate, _previousServes) = (true, false); // the trigger, a data load or a present store, came before
        if (_latePending)
        {
            // A store barrier right before a release is that release's (writel's dma_wmb): not misplaced.
            _latePending = false;
            if (servedBy) Late = -1;
        }
        if (kind == EventKind.Barrier && Fits(new BarrierCode((ushort)aux)))
        {
            // A read barrier right after an acquire is that acquire's (readl's dma_rmb): not misplaced.
            bool taken = _reads && _previousServes;
            if (early) Early = taken ? -1 : index;
            else if (!_lateClosed && Late < 0 && !taken) (Late, _latePending) = (index, !_reads);
        }
        else if (servedBy)
        {
            if (early) Early = -1;
            else _lateClosed = true;
        }
        _previousServes = servedBy;
    }

    bool Fits(BarrierCode code) => _reads ? BarrierQuery.OrdersReads(_arch, code, _outer) : BarrierQuery.OrdersStores(_arch, code, _outer);
}
