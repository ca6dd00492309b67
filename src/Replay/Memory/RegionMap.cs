using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>Finds the region of an access: regions sorted by base, the last hit cached.</summary>
sealed class RegionMap
{
    readonly RegionInfo[] _sorted;
    readonly int[] _ids;
    int _last;

    public RegionMap(IReadOnlyList<RegionInfo> regions)
    {
        _ids = [.. Enumerable.Range(0, regions.Count).OrderBy(i => regions[i].Base)];
        _sorted = [.. _ids.Select(i => regions[i])];
    }

    /// <summary>Index (into the metadata's regions) of the region holding the whole access, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong address, int size)
    {
        int last = _last;
        if ((uint)last < (uint)_sorted.Length && _sorted[last].Contains(address, (ulong)size)) return _ids[last];
        return FindSlow(address, size);
    }

    int FindSlow(ulong address, int size)
    {
        int lo = 0, hi = _sorted.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var r = _sorted[mid];
            if (address < r.Base) hi = mid - 1;
            else if (address >= r.End) lo = mid + 1;
            else
            {
                if (!r.Contains(address, (ulong)size)) return -1;
                _last = mid;
                return _ids[mid];
            }
        }
        return -1;
    }
}
