using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>Which events an <see cref="EventsBetween"/> scan counts (a struct, so the scan's loop calls it inlined).</summary>
interface IEventMatch
{
    /// <summary>True for an event of the scanned cpu the message names.</summary>
    bool Matches(EventKind kind, ulong address, int size);
}

/// <summary>Barriers.</summary>
readonly struct AnyBarrier : IEventMatch
{
    public bool Matches(EventKind kind, ulong address, int size) => kind == EventKind.Barrier;
}

/// <summary>
/// Cache maintenance whose lines hold every byte of <paramref name="Shared"/>: cleans and flushes when
/// <paramref name="Cleans"/>, else invalidations and flushes.
/// </summary>
readonly record struct MaintenanceOf(SharedBytes Shared, int LineSize, bool Cleans) : IEventMatch
{
    public bool Matches(EventKind kind, ulong address, int size) =>
        (kind == EventKind.CacheFlush || kind == (Cleans ? EventKind.CacheClean : EventKind.CacheInval)) && Shared.AllInLines(address, size, LineSize);
}

/// <summary>
/// The events of one cpu strictly between two of its events that a message names (a barrier between a store and its
/// publish, an invalidation between a device's write and a load, a clean between a store and its doorbell): how many, the latest and its aux (a barrier's code),
/// and whether the whole window was read (up to <see cref="LadderEvents.ScanWhole"/> events, else only within
/// <see cref="LadderEvents.ScanNear"/> of either end, as the ladder reads it). Reads the decoded batches' columns where
/// the lookup has them: one message per group, over windows the ladder also bounds.
/// </summary>
readonly record struct EventsBetween(int Count, long Latest, uint Aux, bool Whole)
{
    /// <summary>The events of <paramref name="agent"/> after <paramref name="from"/> and before <paramref name="to"/> that <paramref name="match"/> takes.</summary>
    public static EventsBetween Find<TMatch>(IEventLookup events, int agent, long from, long to, TMatch match) where TMatch : struct, IEventMatch
    {
        if (to - from < 2) return new(0, -1, 0, true);
        var ranges = LadderEvents.WindowRanges([from, to], from + 1, to - 1);
        int count = 0;
        long latest = -1;
        uint aux = 0;
        bool whole = ranges is [var only] && only.From == from + 1 && only.To == to - 1;
        foreach (var (lo, hi) in ranges)
        {
            for (long i = lo; i <= hi;)
            {
                if (events.BatchAt(i) is { } batch)
                {
                    int first = (int)(i - batch.FirstIndex), last = (int)Math.Min(hi - batch.FirstIndex, batch.Count - 1);
                    var kinds = batch.Kinds.AsSpan(0, batch.Count);
                    var agents = batch.Agents.AsSpan(0, batch.Count);
                    for (int j = first; j <= last; j++)
                    {
                        if (agents[j] != agent || !match.Matches(kinds[j], batch.Addresses[j], batch.Sizes[j])) continue;
                        (count, latest, aux) = (count + 1, batch.FirstIndex + j, batch.Aux[j]);
                    }
                    i = batch.FirstIndex + last + 1;
                    continue;
                }
                if (!events.Has(i))
                {
                    whole = false; // a partial lookup (tests): what it lacks is not known
                    break;
                }
                var e = events[i];
                if (e.Agent == agent && match.Matches(e.Kind, e.Address, e.Size)) (count, latest, aux) = (count + 1, i, e.Aux);
                i++;
            }
        }
        return new(count, latest, aux, whole);
    }
}
