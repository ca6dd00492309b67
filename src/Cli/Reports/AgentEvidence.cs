namespace TraceTools.Cli.Reports;

/// <summary>
/// Why a ladder marks an evidence event (<see cref="LadderEvents"/>): not at all; a barrier between the two events it
/// failed to order, or after the publish; a missing-cache-invalidate's cache maintenance that cleaned where it had to
/// invalidate, invalidated before the device's write was observed or before the write itself; a missing-cache-clean's
/// clean before the store, a barrier after its clean that does not complete it, or a clean or completing barrier
/// after the release to the device; a missing-flush-after-clear's
/// invalidation not ordered after the clear; a barrier on the wrong side of the event it had to follow or precede
/// (<see cref="MisplacedBarrier"/>).
/// </summary>
enum EvidenceNote : byte
{
    None,
    DoesNotOrder,
    AfterPublish,
    AfterRelease,
    CleansOnly,
    BeforeObserved,
    BeforeWrite,
    BeforeStore,
    NotCompletion,
    NotAfterClear,
    BeforeTheStore,
    BeforeThePayload,
    BeforeTheAcquire,
    AfterTheLoad,
    AfterThePresentStore,
    AfterInvalidation,
}

/// <summary>
/// One agent's evidence in a ladder's window as it is read: how many events, and the first
/// <see cref="LadderEvents.MaxEvidencePerAgent"/> by priority (marked events, barriers, sync events), then index —
/// the rows the ladder shows. Keeping only those holds a window of 65,536 events in a few slots.
/// </summary>
sealed class AgentEvidence
{
    /// <summary>Evidence events seen.</summary>
    public int Total;

    /// <summary>Events kept, at most <see cref="LadderEvents.MaxEvidencePerAgent"/>.</summary>
    public int Kept;

    /// <summary>The kept events' indices, priorities and marks, ascending by priority, then index.</summary>
    public readonly long[] Index = new long[LadderEvents.MaxEvidencePerAgent];
    public readonly int[] Priority = new int[LadderEvents.MaxEvidencePerAgent];
    public readonly EvidenceNote[] Note = new EvidenceNote[LadderEvents.MaxEvidencePerAgent];

    /// <summary>Counts an event and keeps it in order if it comes before the last kept (or there is room).</summary>
    public void Add(long index, int priority, EvidenceNote note)
    {
        Total++;
        int at = Kept;
        if (Kept == Index.Length)
        {
            if (!Before(index, priority, Kept - 1)) return;
            at = Kept - 1; // the last kept one drops out
        }
        else Kept++;
        for (; at > 0 && Before(index, priority, at - 1); at--)
        {
            Index[at] = Index[at - 1];
            Priority[at] = Priority[at - 1];
            Note[at] = Note[at - 1];
        }
        Index[at] = index;
        Priority[at] = priority;
        Note[at] = note;
    }

    bool Before(long index, int priority, int k) => priority < Priority[k] || (priority == Priority[k] && index < Index[k]);
}
