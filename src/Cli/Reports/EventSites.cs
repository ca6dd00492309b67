using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The site number of every event some findings name (triggers and related events), read once in trace order and
/// kept as a number: what suppressions, the baseline and grouping read of every finding. The events themselves are
/// read ahead only for the instances a report shows.
/// </summary>
/// <remarks>
/// Read ahead whole (<see cref="IEventLookup.Prefetch"/>), every finding's events and their bytes stayed in the
/// lookup for the whole report. This keeps 8 bytes a distinct event (its index as a <see cref="uint"/>: replay takes
/// fewer than 2^32 events, <see cref="Replay.ReplayEngine.MaxEvents"/>, and its site), and only until the groups are
/// built: with the key strings and sorted copy grouping no longer makes, peak RSS fell by about 490 bytes a finding
/// (195,904 dma-race findings in one group: 136.0 -> 44.4 MB).
/// </remarks>
public sealed class EventSites
{
    readonly uint[] _indices;
    readonly int[] _sites;

    EventSites(uint[] indices, int[] sites)
    {
        _indices = indices;
        _sites = sites;
    }

    /// <summary>Distinct events whose sites are kept.</summary>
    public int Count => _indices.Length;

    /// <summary>Bytes held (indices and sites), for the memory tests.</summary>
    internal long Footprint => 4L * (_indices.Length + _sites.Length);

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
        var indices = new uint[named];
        long n = 0;
        for (int i = 0; i < store.Count; i++)
        {
            // A role without its event (index -1) has no site to read: it becomes uint.MaxValue, past every event, and is dropped.
            indices[n++] = Narrow(store.TriggerAt(i));
            for (int k = 0, related = store.RelatedCountAt(i); k < related; k++) indices[n++] = Narrow(store.RelatedAt(i, k).Index);
        }
        Array.Sort(indices);
        int count = 0;
        foreach (uint index in indices)
        {
            if (index == uint.MaxValue || (count > 0 && indices[count - 1] == index)) continue;
            indices[count++] = index;
        }
        // Kept at its size: the named events are two or more a finding, the distinct ones often half of them.
        Array.Resize(ref indices, count);
        var sites = new int[count];
        for (int i = 0; i < count; i++) sites[i] = events[indices[i]].Site;
        return new EventSites(indices, sites);
    }

    /// <summary>An event index as kept: below <see cref="Replay.ReplayEngine.MaxEvents"/>, or -1 (no event) as <see cref="uint.MaxValue"/>.</summary>
    static uint Narrow(long index)
    {
        if (index >= Replay.ReplayEngine.MaxEvents) CliThrow.NotNamed(index);
        return (uint)index;
    }

    /// <summary>The site number of event <paramref name="index"/> (-1 for an index below 0: no event).</summary>
    public int this[long index]
    {
        get
        {
            if (index < 0) return -1;
            int at = (ulong)index < uint.MaxValue ? Array.BinarySearch(_indices, (uint)index) : -1;
            if (at < 0) CliThrow.NotNamed(index);
            return _sites[at];
        }
    }
}
