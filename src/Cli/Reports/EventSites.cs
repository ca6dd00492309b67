using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The site number of every event some findings name (triggers and related events), read once in trace order and
/// kept as a number: what suppressions, the baseline and grouping read of every finding. The events themselves are
/// read ahead only for the instances a report shows.
/// </summary>
/// <remarks>
/// Read ahead whole (<see cref="IEventLookup.Prefetch"/>), every finding's events and their bytes stayed in the
/// lookup for the whole report. This keeps 12 bytes a distinct event, and only until the groups are built: with the
/// key strings and sorted copy grouping no longer makes, peak RSS fell by about 490 bytes a finding (195,904 dma-race
/// findings in one group: 136.0 -> 44.4 MB).
/// </remarks>
public sealed class EventSites
{
    readonly long[] _indices;
    readonly int[] _sites;
    readonly int _count;

    EventSites(long[] indices, int count, int[] sites)
    {
        _indices = indices;
        _count = count;
        _sites = sites;
    }

    /// <summary>Distinct events whose sites are kept.</summary>
    public int Count => _count;

    /// <summary>
    /// Reads the sites of the events <paramref name="findings"/> name from <paramref name="events"/>, in trace order
    /// (a lookup over a trace file decodes each chunk once), keeping nothing in the lookup.
    /// </summary>
    public static EventSites Read(IReadOnlyList<Finding> findings, IEventLookup events)
    {
        // Read from the store's columns: no finding is made (a list, as tests give, is put in a store first).
        var store = findings as FindingStore ?? FindingStore.From(findings);
        long named = 0;
        for (int i = 0; i < store.Count; i++) named += 1 + store.RelatedCountAt(i);
        var indices = new long[named];
        long n = 0;
        for (int i = 0; i < store.Count; i++)
        {
            indices[n++] = store.TriggerAt(i);
            for (int k = 0, related = store.RelatedCountAt(i); k < related; k++) indices[n++] = store.RelatedAt(i, k).Index;
        }
        Array.Sort(indices);
        int count = 0;
        foreach (long index in indices)
        {
            // A role without its event (index -1) has no site to read.
            if (index < 0 || (count > 0 && indices[count - 1] == index)) continue;
            indices[count++] = index;
        }
        var sites = new int[count];
        for (int i = 0; i < count; i++) sites[i] = events[indices[i]].Site;
        return new EventSites(indices, count, sites);
    }

    /// <summary>The site number of event <paramref name="index"/> (-1 for an index below 0: no event).</summary>
    public int this[long index]
    {
        get
        {
            if (index < 0) return -1;
            int at = Array.BinarySearch(_indices, 0, _count, index);
            if (at < 0) CliThrow.NotNamed(index);
            return _sites[at];
        }
    }
}
