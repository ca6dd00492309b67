using TraceTools.TraceFormat;
using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>A reader of events in index ranges, fed by a sweep in trace order (<see cref="LadderSweep.Sweep"/>).</summary>
interface IWindowReader
{
    /// <summary>The ranges to read, ascending and disjoint; fixed once the sweep starts.</summary>
    IReadOnlyList<(long From, long To)> Ranges { get; }

    /// <summary>Reads positions <paramref name="first"/>..<paramref name="last"/> of a decoded batch (part of one range); looks nothing up.</summary>
    void Scan(EventBatch batch, int first, int last);

    /// <summary>Reads event <paramref name="index"/> through the lookup (one without batches).</summary>
    void ScanOne(long index);
}

/// <summary>
/// Reads the evidence windows of many ladders in one sweep in trace order, so each decoded chunk is read once for all
/// of them: read ladder by ladder, windows reaching into more chunks than the lookup keeps decoded decoded chunks
/// again per group (10,000 groups over five chunks: 6.7–7.2 s of text).
/// </summary>
public static class LadderSweep
{
    /// <summary>
    /// Ladders chosen per sweep: a text report reads its groups' windows this many at a time, so what it holds stays
    /// bounded whatever the number of groups, and each chunk is decoded once per this many groups at most.
    /// </summary>
    public const int LaddersPerSweep = 1024;

    /// <summary>
    /// The ladders of <paramref name="findings"/> (with their texts), their evidence read in one sweep, and every row's
    /// event read ahead (<see cref="IEventLookup.Prefetch"/>) for the report to come.
    /// </summary>
    public static LadderEvents[] Pick(ReportInput input, IReadOnlyList<Finding> findings, IReadOnlyList<FindingText> texts)
    {
        var ladders = new LadderEvents[findings.Count];
        for (int i = 0; i < ladders.Length; i++) ladders[i] = LadderEvents.WithoutEvidence(input, findings[i], texts[i]);
        Complete(input, ladders);
        return ladders;
    }

    /// <summary>Adds the evidence to <paramref name="ladders"/> (made without it) and reads every row's event ahead.</summary>
    internal static void Complete(ReportInput input, LadderEvents[] ladders)
    {
        // The hb path's hops are not among the events findings name: read them ahead in trace order, each chunk once.
        input.Events.Prefetch(RowsOf(ladders));
        foreach (var ladder in ladders) ladder.PlanEvidence();
        Sweep(input.Events, ladders);
        foreach (var ladder in ladders) ladder.FinishEvidence();
        input.Events.Prefetch(RowsOf(ladders));
    }

    static IEnumerable<long> RowsOf(LadderEvents[] ladders)
    {
        foreach (var ladder in ladders)
            foreach (long i in ladder.Indices) yield return i;
    }

    /// <summary>
    /// Reads every reader's ranges (a ladder's evidence window, a message's events between), always at the lowest index
    /// any reader still has to read: the decoded chunks are asked for in trace order, so each is decoded once (the
    /// lookup keeps the last one). A reader's ranges are read in order, one at a time, so the queue holds one entry per
    /// reader.
    /// </summary>
    internal static void Sweep(IEventLookup events, IReadOnlyList<IWindowReader> ladders)
    {
        var queue = new PriorityQueue<(int Ladder, int Range), long>(ladders.Count);
        for (int l = 0; l < ladders.Count; l++)
            if (ladders[l].Ranges.Count > 0) queue.Enqueue((l, 0), ladders[l].Ranges[0].From);
        while (queue.TryDequeue(out var at, out long from))
        {
            var ladder = ladders[at.Ladder];
            long to = ladder.Ranges[at.Range].To, next;
            if (events.BatchAt(from) is { } batch)
            {
                int first = (int)(from - batch.FirstIndex), last = (int)Math.Min(to - batch.FirstIndex, batch.Count - 1);
                ladder.Scan(batch, first, last);
                next = batch.FirstIndex + last + 1;
            }
            else
            {
                ladder.ScanOne(from);
                next = from + 1;
            }
            if (next <= to) queue.Enqueue(at, next);
            else if (at.Range + 1 < ladder.Ranges.Count) queue.Enqueue((at.Ladder, at.Range + 1), ladder.Ranges[at.Range + 1].From);
        }
    }
}
