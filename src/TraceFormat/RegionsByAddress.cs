namespace TraceTools.TraceFormat;

/// <summary>
/// A trace's regions sorted by base, to find the one holding an address: a binary search over the bases,
/// nothing allocated per lookup (regions do not overlap, so the nearest base at or below is the only
/// candidate). <see cref="TraceMetadata.RegionAt"/> keeps one for its metadata.
/// </summary>
public sealed class RegionsByAddress
{
    readonly ulong[] _bases;
    readonly int[] _ids;
    readonly RegionInfo[] _regions;

    /// <summary>Sorts <paramref name="regions"/> (non-overlapping) by base; ids are indices into it.</summary>
    public RegionsByAddress(IReadOnlyList<RegionInfo> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        _regions = [.. regions];
        _ids = [.. Enumerable.Range(0, regions.Count).OrderBy(i => regions[i].Base)];
        _bases = [.. _ids.Select(i => regions[i].Base)];
    }

    /// <summary>The index in the regions given of the region holding byte <paramref name="address"/>, or -1.</summary>
    public int IdAt(ulong address)
    {
        int i = Array.BinarySearch(_bases, address);
        if (i < 0) i = ~i - 1;
        return i >= 0 && _regions[_ids[i]].Contains(address, 1) ? _ids[i] : -1;
    }

    /// <summary>The region holding byte <paramref name="address"/>, or null.</summary>
    public RegionInfo? At(ulong address)
    {
        int id = IdAt(address);
        return id >= 0 ? _regions[id] : null;
    }
}
