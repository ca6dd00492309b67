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

    /// <summary>
    /// Index (into the metadata's regions) of the region holding the whole access, or -1. Callers keep
    /// their own last hit in <paramref name="hint"/>: memory accesses and MMIO accesses alternate, and
    /// one shared cache would miss on every switch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong address, int size, ref int hint)
    {
        int last = hint;
        if ((uint)last < (uint)_sorted.Length)
        {
            var r = _sorted[last];
            if (address >= r.Base && address - r.Base <= r.Size - (ulong)size && (ulong)size <= r.Size) return _ids[last];
        }
        int found = FindSlow(address, size);
        if (found >= 0) hint = _last;
        return found;
    }

    // Direct-mapped page → region cache: accesses to a few hot pages of different regions alternate.
    readonly ulong[] _pageKeys = new ulong[64];
    readonly int[] _pageSlots = new int[64];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int FindSlow(ulong address, int size)
    {
        ulong key = (address >> 12) + 1;
        int line = (int)(key & 63);
        if (_pageKeys[line] == key)
        {
            int slot = _pageSlots[line];
            var r = _sorted[slot];
            if (r.Contains(address, (ulong)size))
            {
                _last = slot;
                return _ids[slot];
            }
        }
        int found = Search(address, size);
        if (found >= 0)
        {
            _pageKeys[line] = key;
            _pageSlots[line] = _last;
        }
        return found;
    }

    int Search(ulong address, int size)
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
