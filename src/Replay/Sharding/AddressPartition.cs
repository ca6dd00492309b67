using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// Which replica of a replay judges the data bytes of a page: every replica runs the whole hb stage, and each
/// records and checks only the bytes of the pages it owns. A page goes to replica
/// <see cref="Owner(ulong, int, uint)"/> (a multiplicative hash spreads neighbouring pages), except the pages a table
/// region touches: they all go to replica 0, where the entry detectors run (their per-entry and per-fetcher state
/// spans a table's entries, and a fetcher's tables) and a cache line never straddles two owners.
/// </summary>
sealed class AddressPartition
{
    readonly int _replica, _replicas;
    /// <summary>Page hashes below it belong to replica 0.</summary>
    readonly uint _zeroBelow;
    /// <summary>Per region: true when some of its pages is a table page (then each page is looked up; else hashed).</summary>
    readonly bool[] _nearTable;
    /// <summary>The table pages, as sorted disjoint [first, last] page ranges (memory per table, not per page).</summary>
    readonly (ulong First, ulong Last)[] _tablePages;

    /// <summary>
    /// The partition of replica <paramref name="replica"/> of <paramref name="replicas"/> over <paramref name="regions"/>;
    /// replica 0 takes the share <paramref name="share0"/> of the pages no table touches (<see cref="ReplayThreadShare"/>).
    /// </summary>
    public AddressPartition(IReadOnlyList<RegionInfo> regions, int replica, int replicas, double share0)
    {
        _replica = replica;
        _replicas = replicas;
        _zeroBelow = (uint)Math.Min(uint.MaxValue, share0 * 4294967296.0);
        _tablePages = TablePages(regions);
        _nearTable = [.. regions.Select(r => r.Size > 0 && Overlaps(_tablePages, PageOf(r.Base), PageOf(r.End - 1)))];
    }

    /// <summary>
    /// The share of the hashed pages replica 0 takes: about a third of an even share. Replica 0 also runs the table
    /// pages and the detectors that are not split. On the 10^7-event driver mix with two replicas (all detectors, the
    /// batches routed, per-thread perf samples), a quarter of the pages kept the replay thread at 3,956 and 3,612
    /// samples against the shard's 3,738 and 3,253 (1.06 and 1.11); 0.18 at 3,269 and 3,645 against 3,201 and 3,568
    /// (1.02 both). Before routing, when every replica looked up every access, half an even share balanced.
    /// </summary>
    public static double ReplayThreadShare(int replicas) => 0.36 / replicas;

    /// <summary>
    /// The replica owning the page <paramref name="page"/> when no table touches it: a multiplicative hash of the
    /// page spreads neighbouring pages; hashes below <paramref name="zeroBelow"/> go to replica 0 and the rest evenly
    /// to the others (replica 0 has the tables and the detectors that are not split besides its pages).
    /// </summary>
    public static int Owner(ulong page, int replicas, uint zeroBelow)
    {
        uint h = (uint)((page * 0x9E3779B97F4A7C15UL) >> 32);
        if (h < zeroBelow || replicas == 1) return 0;
        if (replicas == 2) return 1; // --threads 2: no division per access
        return 1 + (int)((ulong)(h - zeroBelow) * (ulong)(replicas - 1) / (0x1_0000_0000UL - zeroBelow));
    }

    /// <summary>This replica's number (0: the engine on the caller's thread, which merges the findings).</summary>
    public int Replica => _replica;

    /// <summary>The replica owning <paramref name="page"/>.</summary>
    public int OwnerOf(ulong page) => Overlaps(_tablePages, page, page) ? 0 : Owner(page, _replicas, _zeroBelow);

    /// <summary>The replica owning <paramref name="page"/> of region <paramref name="region"/> (a lookup of the table pages only near a table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int OwnerIn(int region, ulong page) => _nearTable[region] ? OwnerOf(page) : Owner(page, _replicas, _zeroBelow);

    /// <summary>
    /// The next piece of [<paramref name="cursor"/>, <paramref name="end"/>) in region <paramref name="region"/>
    /// that this replica owns: [<paramref name="from"/>, <paramref name="cursor"/>) on return, a maximal run of
    /// owned pages; false when the rest holds none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextPiece(int region, ref ulong cursor, ulong end, out ulong from)
    {
        bool near = _nearTable[region];
        while (cursor < end)
        {
            ulong next = ShadowPage.ClipToPage(cursor, end);
            if (!Owns(near, PageOf(cursor)))
            {
                cursor = next;
                continue;
            }
            from = cursor;
            while (next < end && Owns(near, PageOf(next))) next = ShadowPage.ClipToPage(next, end);
            cursor = next;
            return true;
        }
        from = end;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Owns(bool nearTable, ulong page) => (nearTable ? OwnerOf(page) : Owner(page, _replicas, _zeroBelow)) == _replica;

    static ulong PageOf(ulong address) => address >> ShadowPage.Shift;

    static (ulong First, ulong Last)[] TablePages(IReadOnlyList<RegionInfo> regions)
    {
        var ranges = regions.Where(r => r.Kind == RegionKind.Table && r.Size > 0)
            .Select(r => (First: PageOf(r.Base), Last: PageOf(r.End - 1))).OrderBy(p => p.First).ToList();
        var merged = new List<(ulong First, ulong Last)>();
        foreach (var p in ranges)
        {
            if (merged.Count > 0 && p.First <= merged[^1].Last + 1) merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, p.Last));
            else merged.Add(p);
        }
        return [.. merged];
    }

    /// <summary>True when [<paramref name="first"/>, <paramref name="last"/>] meets one of the sorted <paramref name="ranges"/>.</summary>
    static bool Overlaps((ulong First, ulong Last)[] ranges, ulong first, ulong last)
    {
        int lo = 0, hi = ranges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ranges[mid].Last < first) lo = mid + 1;
            else hi = mid;
        }
        return lo < ranges.Length && ranges[lo].First <= last;
    }
}
