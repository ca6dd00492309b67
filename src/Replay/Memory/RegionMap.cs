using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Finds the region of an access. The common case reads one 32-byte line of a direct-mapped page → region
/// cache that carries the region's bounds, kind and id as plain fields (no <see cref="RegionInfo"/> property
/// call, no second array). A miss (a page's first access, a page two regions share, two pages on one line)
/// tries the regions next to the cached one, then binary-searches the regions sorted by base, and refills the line.
/// </summary>
/// <remarks>
/// A per-caller last-hit hint, tried first before, hit only about 65 % of the driver mix's accesses (a cpu
/// alternates between ring entries, buffers and sync words): every miss was a mispredicted branch plus the
/// search. The driver mix touches about 640 pages, so 1,024 lines rarely conflict.
/// </remarks>
sealed class RegionMap
{
    /// <summary>The cache's lines: 2^10 of 32 bytes (32 KiB, the size of an L1 data cache).</summary>
    const int LineBits = 10;

    /// <summary>A region's bounds in sort order, the search's view.</summary>
    readonly struct Bounds(ulong @base, ulong size, int id, RegionKind kind)
    {
        public readonly ulong Base = @base;
        public readonly ulong Size = size;
        public readonly int Id = id;
        public readonly RegionKind Kind = kind;
    }

    /// <summary>A cache line: the page it holds (+1, so 0 is empty), and the region that page's last access hit.</summary>
    struct Line
    {
        public ulong Key;
        public ulong Base;
        public ulong Size;
        public int Id;
        public RegionKind Kind;
    }

    readonly Bounds[] _sorted;
    /// <summary>Per region id, its position in <see cref="_sorted"/>.</summary>
    readonly int[] _slotOf;
    readonly Line[] _lines = new Line[1 << LineBits];

    public RegionMap(IReadOnlyList<RegionInfo> regions)
    {
        _sorted = [.. Enumerable.Range(0, regions.Count).OrderBy(i => regions[i].Base)
            .Select(i => new Bounds(regions[i].Base, regions[i].Size, i, regions[i].Kind))];
        _slotOf = new int[regions.Count];
        for (int s = 0; s < _sorted.Length; s++) _slotOf[_sorted[s].Id] = s;
    }

    /// <summary>
    /// Index (into the metadata's regions) of the region holding the whole access, or -1 (also for a size
    /// below 1); <paramref name="kind"/> is its kind.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong address, int size, out RegionKind kind)
    {
        ulong key = (address >> 12) + 1;
        ref var line = ref _lines[(int)key & ((1 << LineBits) - 1)];
        // size - 1 < Size: at least one byte, at most the region's length.
        if (line.Key == key && (ulong)(long)(size - 1) < line.Size && address >= line.Base && address - line.Base <= line.Size - (ulong)size)
        {
            kind = line.Kind;
            return line.Id;
        }
        return FindSlow(address, size, ref line, key, out kind);
    }

    /// <summary>The lookup without the cache: what <see cref="Find"/> must always agree with (tests).</summary>
    internal int Search(ulong address, int size)
    {
        int slot = SlotAt(address);
        return slot >= 0 && Holds(_sorted[slot], address, size) ? _sorted[slot].Id : -1;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    int FindSlow(ulong address, int size, ref Line line, ulong key, out RegionKind kind)
    {
        kind = RegionKind.Ram;
        if (size <= 0) return -1;
        // A page two regions share: the other one is the cached region's neighbour in base order.
        int slot = line.Key == key ? Neighbour(_slotOf[line.Id], address) : -1;
        if (slot < 0) slot = SlotAt(address);
        if (slot < 0) return -1;
        var r = _sorted[slot];
        if (!Holds(r, address, size)) return -1;
        line = new Line { Key = key, Base = r.Base, Size = r.Size, Id = r.Id, Kind = r.Kind };
        kind = r.Kind;
        return r.Id;
    }

    /// <summary>The region before or after <paramref name="slot"/> when it holds byte <paramref name="address"/>; else -1.</summary>
    int Neighbour(int slot, ulong address)
    {
        int n = address < _sorted[slot].Base ? slot - 1 : slot + 1;
        return (uint)n < (uint)_sorted.Length && address >= _sorted[n].Base && address - _sorted[n].Base < _sorted[n].Size ? n : -1;
    }

    /// <summary>The sort position of the region holding byte <paramref name="address"/>, or -1.</summary>
    int SlotAt(ulong address)
    {
        // The last region whose base is at or below the address: regions do not overlap.
        int lo = 0, hi = _sorted.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid].Base <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found >= 0 && address - _sorted[found].Base < _sorted[found].Size ? found : -1;
    }

    static bool Holds(in Bounds r, ulong address, int size) =>
        size > 0 && address >= r.Base && (ulong)size <= r.Size && address - r.Base <= r.Size - (ulong)size;
}
