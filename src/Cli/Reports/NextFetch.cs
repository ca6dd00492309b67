using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A live-entry-write's look-ahead (docs/reports.md "The text ladder"): the fetcher's next fetch of the entry after the
/// store, the fetch the store failed at (model.md §8: no invalidation the store is ordered before came first), shown
/// marked (<c>&lt;- next fetch of the entry</c>). A fetch begins at a read of another entry than the fetcher's previous
/// read, or of a granule not above it; the rest of a fetch under way at the store is torn-entry-fetch's, not this one.
/// Looked for within <see cref="LadderEvents.ScanNear"/> events after the store; none when the trace ends first (the
/// finding was found at the end: the fetcher may use its copy for ever).
/// </summary>
sealed class NextFetch
{
    readonly int _fetcher;
    readonly ulong _entry, _entrySize;
    // The fetcher's previous read as the window reads it, from the related fetch (a read of the entry) on: whether it
    // was of the entry, and its granule. Only the latest read decides whether the next one begins a fetch.
    bool _previousOfEntry = true;
    uint _previousGranule;

    /// <summary>The related fetch, the read that saw the entry present: the fetcher's reads are followed from after it.</summary>
    public long Fetch { get; }

    /// <summary>The store (the trigger): the look-ahead starts after it.</summary>
    public long Store { get; }

    /// <summary>The look-ahead's last event (within the trace).</summary>
    public long To { get; }

    /// <summary>The fetch read that begins the fetcher's next fetch of the entry, or -1: not found.</summary>
    public long Found { get; private set; } = -1;

    NextFetch(int fetcher, ulong entry, ulong entrySize, long fetch, uint granule, long store, long to) =>
        (_fetcher, _entry, _entrySize, Fetch, _previousGranule, Store, To) = (fetcher, entry, entrySize, fetch, granule, store, to);

    /// <summary>
    /// The look-ahead of <paramref name="f"/>, or null: not a live-entry-write, no related fetch of a table entry, or the
    /// store is the trace's last event (<paramref name="lastIndex"/>). <paramref name="events"/> looks up shown events only.
    /// </summary>
    public static NextFetch? Plan(Finding f, Func<long, TraceEvent> events, TraceMetadata md, long lastIndex)
    {
        if (f.Kind != FindingKind.LiveEntryWrite || f.Trigger >= lastIndex || f.RelatedIndex(RelatedRole.Fetch) is not (>= 0 and var at)) return null;
        var fetch = events(at);
        if (EventText.EntryAt(md, fetch.Address) is not var (table, index)) return null;
        return new NextFetch(fetch.Agent, table.Base + index * table.EntrySize, table.EntrySize, at, fetch.Aux, f.Trigger,
            Math.Min(lastIndex, f.Trigger + LadderEvents.ScanNear));
    }

    /// <summary>Notes event <paramref name="index"/>: a read of the fetcher's after the related fetch; called in trace order.</summary>
    public void Consider(long index, EventKind kind, int agent, ulong address, uint aux)
    {
        if (Found >= 0 || kind != EventKind.Fetch || agent != _fetcher || index <= Fetch || index > To) return;
        bool ofEntry = address - _entry < _entrySize;
        if (index > Store && ofEntry && (!_previousOfEntry || aux <= _previousGranule))
        {
            Found = index;
            return;
        }
        (_previousOfEntry, _previousGranule) = (ofEntry, aux);
    }
}
