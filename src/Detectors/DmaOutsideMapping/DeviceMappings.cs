using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaOutsideMapping;

/// <summary>
/// One device's DMA-API mappings: the live ones, and per range the latest unmap that ended one (for the
/// <c>unmap</c> related event), in a <see cref="MappingTree"/>, so a check costs a walk of the tree, not a scan of
/// every live mapping (a driver that leaks mappings, or maps a ring page by page, keeps thousands live).
/// </summary>
sealed class DeviceMappings
{
    readonly MappingTree _tree = new();

    /// <summary>Tree nodes visited so far (tests bound the replay's cost with it).</summary>
    internal long Probes => _tree.Probes;

    /// <summary>Distinct ranges held (tests bound the memory with it).</summary>
    internal int Ranges => _tree.Ranges;

    public void Map(ulong address, int size, DmaDirection direction, long index) =>
        _tree.Map(address, address + (ulong)size, direction, index);

    /// <summary>Ends the oldest live mapping with exactly these bytes (the kernel's unmap names its mapping); none: nothing.</summary>
    public void Unmap(ulong address, int size, long index) => _tree.Unmap(address, address + (ulong)size, index);

    /// <summary>The first byte of [address, end) that no live mapping permitting the access covers, or false when every byte is covered.</summary>
    public bool FirstUncovered(ulong address, ulong end, bool write, out ulong failing)
    {
        // Hop from covered byte to the end of the longest permitting mapping that covers it.
        for (ulong cursor = address; cursor < end;)
        {
            ulong next = _tree.CoverEnd(cursor, write);
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
    public long LiveMappingOf(ulong b) => _tree.LatestLiveCovering(b);

    /// <summary>The latest unmap that ended a mapping covering <paramref name="b"/>, or -1.</summary>
    public long UnmapOf(ulong b) => _tree.LatestUnmapCovering(b);
}
