using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// Splits a batch between the replicas of a replay, once per batch, for all of them: per event, the replicas that
/// replay it in full (bit r for replica r). A store, load or DMA access to ram, or to a table's entries without
/// touching a present word, goes only to the owners of its pages (and to the replicas with device-DMA hooks for a
/// DMA); so does a fetch of a table's entries that reads no present word. Every other event goes to every replica.
/// </summary>
/// <remarks>
/// For such an access the hb stage does nothing but the per-event prologue every replica still runs (the agent
/// check, its local time, its inbox): it writes no sync byte, acquires none, and only the owners record or judge
/// its bytes (the entry detectors and the table values, which a table's data bytes feed, run in replica 0, the
/// owner of every table page). The exceptions go to every replica: a ram write once a release store may have put a release on ram
/// (the write overwrites it), an access the engine would refuse (outside memory, no bytes; every replica then
/// refuses it at the same event, as before), and every batch out of order. Before, each replica looked each
/// access up and walked its pieces to find none: 60 % of the driver mix's events were such work in every replica.
/// </remarks>
sealed class BatchRouter
{
    /// <summary>Replicas a route byte can name: with more, every event goes to every replica.</summary>
    public const int MaxReplicas = 8;

    readonly RegionMap _regionMap;
    readonly RegionInfo[] _regions;
    readonly AddressPartition _partition;
    readonly byte _all;
    /// <summary>The replicas whose detectors see every DMA access (device-DMA hooks).</summary>
    readonly byte _dma;
    /// <summary>Routes of accesses inside one page, per page (null: every access takes the lookup; tests compare both).</summary>
    readonly PageRoutes? _pageRoutes;
    /// <summary>A release store or xchg was seen: from then on ram writes may overwrite a ram release.</summary>
    bool _ramReleases;
    long _next;

    /// <summary>
    /// The router for <paramref name="replicas"/> replicas over <paramref name="partition"/>'s pages (any replica's
    /// partition: owners are the same); <paramref name="cachePages"/> false looks every access up (the reference the
    /// page cache is tested against).
    /// </summary>
    public BatchRouter(IReadOnlyList<RegionInfo> regions, AddressPartition partition, int replicas, byte dmaReplicas, bool cachePages = true)
    {
        _pageRoutes = cachePages ? new PageRoutes() : null;
        if (replicas > MaxReplicas) ReplayThrow.OutOfRange(nameof(replicas), replicas, $"at most {MaxReplicas} replicas");
        _regionMap = new RegionMap(regions);
        _regions = [.. regions];
        _partition = partition;
        _all = (byte)((1 << replicas) - 1);
        _dma = dmaReplicas;
    }

    /// <summary>The bit of replica <paramref name="replica"/> in a route (0 beyond <see cref="MaxReplicas"/>: no routes then).</summary>
    public static byte Bit(int replica) => replica < MaxReplicas ? (byte)(1 << replica) : (byte)0;

    /// <summary>Fills <paramref name="routes"/>[0, count) for <paramref name="batch"/>; batches must come in trace order (else every event goes to all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Route(EventBatch batch, byte[] routes)
    {
        int n = batch.Count;
        var kinds = batch.Kinds.AsSpan(0, n);
        var sizes = batch.Sizes.AsSpan(0, n);
        var addresses = batch.Addresses.AsSpan(0, n);
        var offsets = batch.DataOffsets.AsSpan(0, n);
        var agents = batch.Agents.AsSpan(0, n);
        var to = routes.AsSpan(0, n);
        if (batch.FirstIndex != _next)
        {
            // Out of order: the engine refuses the batch; which ram writes follow a release is unknown from here on.
            _ramReleases = true;
            to.Fill(_all);
            _next = batch.FirstIndex + n;
            return;
        }
        _next = batch.FirstIndex + n;
        for (int i = 0; i < to.Length; i++)
        {
            var kind = kinds[i];
            byte route = _all;
            switch (kind)
            {
                case EventKind.Store:
                case EventKind.DmaWrite:
                    if (!_ramReleases && offsets[i] >= 0) route = Owners(addresses[i], sizes[i], kind == EventKind.DmaWrite);
                    break;
                case EventKind.Load:
                case EventKind.DmaRead:
                    route = Owners(addresses[i], sizes[i], kind == EventKind.DmaRead);
                    break;
                case EventKind.Fetch:
                    route = FetchOwners(addresses[i], sizes[i], agents[i]);
                    break;
                case EventKind.StoreRelease:
                case EventKind.Xchg:
                    _ramReleases = true;
                    break;
            }
            to[i] = route;
        }
    }

    /// <summary>The owners of the pages of a data-only access to ram or a table (plus the DMA replicas), or every replica.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    byte Owners(ulong address, int size, bool dma)
    {
        byte route = _pageRoutes is { } cache ? cache.Get(address, size) : (byte)0;
        if (route == 0) route = OwnersLookedUp(address, size);
        return dma ? (byte)(route | _dma) : route;
    }

    /// <summary>
    /// <see cref="Owners"/> without the DMA replicas, from the region lookup; caches the route of a page wholly inside
    /// one region when every access inside it routes the same (not a table's: its present words go to every replica).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    byte OwnersLookedUp(ulong address, int size)
    {
        int rid = _regionMap.Find(address, size, out var kind);
        if (rid < 0) return _all;
        if (kind == RegionKind.Table) return HasSyncByte(rid, address, size) ? _all : TableOwner;
        byte route = kind == RegionKind.Ram ? (byte)PageOwners(rid, address, size) : _all;
        ulong page = address >> ShadowPage.Shift, first = page << ShadowPage.Shift;
        var region = _regions[rid];
        if (_pageRoutes is { } cache && first >= region.Base && region.Size >= ShadowPage.Size && first - region.Base <= region.Size - ShadowPage.Size
            && (address + (ulong)(size - 1)) >> ShadowPage.Shift == page)
            cache.Set(page, route);
        return route;
    }

    /// <summary>The owner of a fetch's table pages when it reads no present word (and is a valid fetch), or every replica.</summary>
    byte FetchOwners(ulong address, int size, int agent)
    {
        int rid = _regionMap.Find(address, size, out var kind);
        if (rid < 0 || kind != RegionKind.Table || _regions[rid].Device != agent || HasSyncByte(rid, address, size)) return _all;
        return TableOwner;
    }

    /// <summary>The route of a table's data bytes: replica 0 owns every table page (<see cref="AddressPartition"/>), so no page lookup.</summary>
    const byte TableOwner = 1;

    bool HasSyncByte(int rid, ulong address, int size)
    {
        ulong cursor = address;
        return ByteRuns.Next(_regions[rid], ByteClass.Sync, ref cursor, address + (ulong)size, out _);
    }

    int PageOwners(int rid, ulong address, int size)
    {
        // In the region, so the last byte does not wrap.
        ulong page = address >> ShadowPage.Shift, last = (address + (ulong)(size - 1)) >> ShadowPage.Shift;
        int route = 1 << _partition.OwnerIn(rid, page);
        while (page < last) route |= 1 << _partition.OwnerIn(rid, ++page);
        return route;
    }
}
