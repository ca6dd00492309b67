using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Census;

/// <summary>
/// The engine's side of the census: per region, whether a plain cpu access to it may be skipped. A ram region none
/// of whose pages is in the census is skipped outright (one byte load per access); one with some pages in it asks
/// the page set; every other region (sync, table, MMIO, a ram region wholly in the census, no census) is judged.
/// </summary>
sealed class RamCensus
{
    const byte Judge = 0, Skip = 1, ByPage = 2;

    readonly byte[] _regions;
    readonly DevicePages? _pages;

    /// <summary>No census: every access is judged.</summary>
    public RamCensus(int regions) => _regions = new byte[regions];

    /// <summary>The per-region summary of <paramref name="pages"/> over <paramref name="regions"/>.</summary>
    public RamCensus(IReadOnlyList<RegionInfo> regions, DevicePages pages)
    {
        _pages = pages;
        _regions = new byte[regions.Count];
        var sorted = pages.Sorted();
        for (int r = 0; r < regions.Count; r++)
        {
            var region = regions[r];
            if (region.Kind != RegionKind.Ram || region.Size == 0) continue;
            // The metadata reader keeps base + size within 2^64, so the last byte does not wrap.
            ulong first = region.Base >> DevicePages.PageShift, last = (region.Base + (region.Size - 1)) >> DevicePages.PageShift;
            ulong inCensus = CountBetween(sorted, first, last);
            _regions[r] = inCensus == 0 ? Skip : inCensus == last - first + 1 ? Judge : ByPage;
        }
    }

    /// <summary>True when a plain cpu access of [<paramref name="address"/>, + <paramref name="size"/>) in region <paramref name="rid"/> needs no data work.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CpuOnly(int rid, ulong address, int size)
    {
        byte state = _regions[rid];
        return state != Judge && (state == Skip || !_pages!.Touches(address, size));
    }

    /// <summary>
    /// The first page of a device access to region <paramref name="rid"/> that the census leaves out, or null: for a
    /// region judged in full (every page listed, or no census) without a lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong? Unlisted(int rid, ulong address, int size) =>
        _regions[rid] == Judge ? null : _pages!.FirstMissing(address, size);

    /// <summary>The first page of a census event that the census leaves out, or null (always null without a census).</summary>
    public ulong? Unlisted(ulong address, int size) => _pages?.FirstMissing(address, size);

    /// <summary>Entries of ascending <paramref name="sorted"/> in [<paramref name="first"/>, <paramref name="last"/>].</summary>
    static ulong CountBetween(ulong[] sorted, ulong first, ulong last)
    {
        // Page numbers are addresses >> 12: last + 1 cannot wrap.
        int lo = LowerBound(sorted, first), hi = LowerBound(sorted, last + 1);
        return (ulong)(hi - lo);
    }

    static int LowerBound(ulong[] sorted, ulong value)
    {
        int i = Array.BinarySearch(sorted, value);
        return i >= 0 ? i : ~i;
    }
}
