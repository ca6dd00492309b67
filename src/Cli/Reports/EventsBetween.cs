using System.Runtime.InteropServices;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>What an <see cref="EventsBetween"/> counts.</summary>
enum BetweenMatch : byte
{
    /// <summary>Barriers.</summary>
    Barrier,
    /// <summary>Invalidations and flushes whose lines hold every shared byte.</summary>
    Invalidation,
    /// <summary>Cleans and flushes whose lines hold every shared byte.</summary>
    Clean,
}

/// <summary>
/// The events of one cpu strictly between two of its events that a message names (a barrier between a store and its
/// publish, an invalidation between a device's write and a load, a clean between a store and its doorbell): how many,
/// the latest and its aux (a barrier's code), and whether the whole window was read (up to
/// <see cref="LadderEvents.ScanWhole"/> events, else only within <see cref="LadderEvents.ScanNear"/> of either end, as
/// the ladder reads it). Read in a sweep with the other groups' (<see cref="LadderSweep"/>), so each chunk is decoded
/// once: read group by group, windows spread over more chunks than the lookup keeps decoded them again per group.
/// </summary>
sealed class EventsBetween : IWindowReader
{
    readonly IEventLookup _events;
    readonly int _agent, _lineSize;
    readonly BetweenMatch _match;
    readonly SharedBytes _shared;
    readonly List<(long From, long To)> _ranges;

    /// <summary>Plans the read of <paramref name="agent"/>'s events after <paramref name="from"/> and before <paramref name="to"/>.</summary>
    public EventsBetween(IEventLookup events, int agent, long from, long to, BetweenMatch match, SharedBytes shared = default, int lineSize = 0)
    {
        (_events, _agent, _match, _shared, _lineSize) = (events, agent, match, shared, lineSize);
        _ranges = to - from < 2 ? [] : LadderEvents.WindowRanges([from, to], from + 1, to - 1);
        Whole = _ranges.Count == 0 || _ranges is [var only] && only.From == from + 1 && only.To == to - 1;
    }

    /// <summary>Matching events seen.</summary>
    public int Count { get; private set; }

    /// <summary>The latest of them, or -1.</summary>
    public long Latest { get; private set; } = -1;

    /// <summary>The latest's aux (a barrier's code).</summary>
    public uint Aux { get; private set; }

    /// <summary>True when every event between was read.</summary>
    public bool Whole { get; private set; }

    /// <summary>Reads the window alone (a report of one group; many are read together by <see cref="LadderSweep.Sweep"/>).</summary>
    public EventsBetween Read()
    {
        LadderSweep.Sweep(_events, [this]);
        return this;
    }

    IReadOnlyList<(long From, long To)> IWindowReader.Ranges => _ranges;

    /// <summary>
    /// Finds the kinds it counts with a vectorized search over the kind column: windows run to 65,536 events a group, and
    /// an event-by-event test cost 10,000 groups' JSON report half a second (5 ns an event).
    /// </summary>
    void IWindowReader.Scan(EventBatch batch, int first, int last)
    {
        var kinds = MemoryMarshal.AsBytes(batch.Kinds.AsSpan(first, last - first + 1));
        var (a, b) = _match switch
        {
            BetweenMatch.Barrier => (EventKind.Barrier, EventKind.Barrier),
            BetweenMatch.Invalidation => (EventKind.CacheInval, EventKind.CacheFlush),
            _ => (EventKind.CacheClean, EventKind.CacheFlush),
        };
        for (int at = 0; at < kinds.Length;)
        {
            int k = kinds[at..].IndexOfAny((byte)a, (byte)b);
            if (k < 0) return;
            int j = first + at + k;
            if (batch.Agents[j] == _agent && Matches(batch.Kinds[j], batch.Addresses[j], batch.Sizes[j])) Take(batch.FirstIndex + j, batch.Aux[j]);
            at += k + 1;
        }
    }

    void IWindowReader.ScanOne(long index)
    {
        if (!_events.Has(index))
        {
            Whole = false; // a partial lookup (tests): what it lacks is not known
            return;
        }
        var e = _events[index];
        if (e.Agent == _agent && Matches(e.Kind, e.Address, e.Size)) Take(index, e.Aux);
    }

    void Take(long index, uint aux) => (Count, Latest, Aux) = (Count + 1, index, aux);

    bool Matches(EventKind kind, ulong address, int size) => _match switch
    {
        BetweenMatch.Barrier => kind == EventKind.Barrier,
        BetweenMatch.Invalidation => kind is EventKind.CacheInval or EventKind.CacheFlush && _shared.AllInLines(address, size, _lineSize),
        _ => kind is EventKind.CacheClean or EventKind.CacheFlush && _shared.AllInLines(address, size, _lineSize),
    };
}
