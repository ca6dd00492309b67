using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaOutsideMapping;

/// <summary>
/// One device's DMA-API mappings: the live ones in a <see cref="MappingTree"/> a DMA check walks, and per range
/// the latest unmap that ended one (for the <c>unmap</c> related event), so a check costs a walk of the live tree,
/// not a scan of every live mapping (a driver that leaks mappings, or maps a ring page by page, keeps thousands
/// live).
/// </summary>
/// <remarks>
/// A range leaves the live tree with its last mapping, so a driver that maps and unmaps a buffer per request
/// keeps a tree of a few nodes, hot in the cache, however many buffers it ever mapped. The unmaps are only read
/// for a finding: each is noted in a map by range (one hash update, memory per distinct range), and moved into
/// their own tree when a finding asks (each range's latest once per finding at most).
/// </remarks>
sealed class DeviceMappings
{
    readonly MappingTree _live = new(), _unmapped = new();
    // Unmaps not yet in _unmapped: per range, its latest.
    readonly Dictionary<(ulong Address, ulong End), long> _pending = [];

    /// <summary>Tree nodes visited so far (tests bound the replay's cost with it).</summary>
    internal long Probes => _live.Probes + _unmapped.Probes;

    /// <summary>Distinct ranges held: live, unmapped, and unmaps not yet in their tree (tests bound the memory with it).</summary>
    internal int Ranges => _live.Ranges + _unmapped.Ranges + _pending.Count;

    public void Map(ulong address, int size, DmaDirection direction, long index) =>
        _live.Map(address, address + (ulong)size, direction, index);

    /// <summary>Ends the oldest live mapping with exactly these bytes (the kernel's unmap names its mapping); none: nothing.</summary>
    public void Unmap(ulong address, int size, long index)
    {
        ulong end = address + (ulong)size;
        if (_live.Unmap(address, end)) _pending[(address, end)] = index;
    }

    /// <summary>The first byte of [address, end) that no live mapping permitting the access covers, or false when every byte is covered.</summary>
    public bool FirstUncovered(ulong address, ulong end, bool write, out ulong failing)
    {
        // Hop from covered byte to the end of the longest permitting mapping that covers it.
        for (ulong cursor = address; cursor < end;)
        {
            ulong next = _live.CoverEnd(cursor, write);
            if (next <= cursor)
            {
                failing = cursor;
                return true;
            }
            cursor = next;
        }
        failing = 0;
        return false;
    }

    /// <summary>The latest live mapping covering <paramref name="b"/> (its direction refuses the access), or -1.</summary>
    public long LiveMappingOf(ulong b) => _live.LatestLiveCovering(b);

    /// <summary>The latest unmap that ended a mapping covering <paramref name="b"/>, or -1.</summary>
    public long UnmapOf(ulong b)
    {
        foreach (var ((address, end), index) in _pending) _unmapped.NoteUnmap(address, end, index);
        _pending.Clear();
        return _unmapped.LatestUnmapCovering(b);
    }
}
