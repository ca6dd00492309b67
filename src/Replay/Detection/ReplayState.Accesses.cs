using TraceTools.Replay.Clocks;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

public sealed partial class ReplayState
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool HasDataBytes(RegionInfo r) => r.Kind is RegionKind.Ram or RegionKind.Table;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool HasSyncBytes(RegionInfo r) => r.Kind is RegionKind.Sync or RegionKind.Table;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RunHooks(IDetector[] hooks, in DataAccess access)
    {
        foreach (var d in hooks) d.OnAccess(this, access);
    }

    /// <summary>A cpu store or a device DMA write: detectors first (they see the previous writers), then the shadow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    internal void Write(int agent, EventKind kind, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid)
    {
        var region = Regions[rid];
        uint t = Time[agent];
        bool cpu = kind == EventKind.Store;
        if (HasDataBytes(region))
        {
            var hooks = cpu ? StoreHooks : DmaWriteHooks;
            if (hooks.Length != 0) RunHooks(hooks, new DataAccess(index, kind, agent, t, address, size, rid));
        }
        // Device writes too: one that clears present restarts the payload window and ends a burst (contract v1.1).
        if (region.Kind == RegionKind.Table && EntryStoreHooks.Length != 0) EntryStores(agent, index, address, size, data, rid);

        ulong at = Epoch.Pack(agent, t);
        // Only entries' values are ever read (EntryStores): other regions skip the copy and the column.
        bool values = region.Kind == RegionKind.Table;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            SmallSpans.Fill(cpu ? page.CpuWriteAt : page.DevWriteAt, off, n, at);
            if (page.HasCacheState)
            {
                SmallSpans.Clear(page.CleanTime, off, n);
                SmallSpans.Clear(page.InvalidatedBy, off, n);
            }
            if (values) SmallSpans.Copy(data.Slice(i, n), page.OwnValues(), off);
            i += n;
        }
        if (!HasSyncBytes(region)) return;

        // Reads-from: every sync byte written refers to this one release snapshot.
        int release = 0;
        ulong cursor = address, end = address + (ulong)size;
        while (NextRun(region, ByteClass.Sync, ref cursor, end, out var p, out int o, out int len))
        {
            var handles = p.OwnReleases().AsSpan(o, len);
            if (release == 0)
            {
                release = Snapshot(agent, AccessClass.W, index);
                Arena.AddRef(release, len - 1);
            }
            else Arena.AddRef(release, len);
            foreach (int old in handles) Arena.Release(old);
            handles.Fill(release);
        }
    }

    /// <summary>
    /// cpu load (plain acquire on sync bytes), device DMA read or fetch (acquire at once). The acquire
    /// comes first: a read that observes a sync store is hb-after it, so the data bytes of the same
    /// access are judged with the acquired knowledge. For a cpu it is not yet in LOADS (the cpu's later
    /// loads wait for a read barrier), but the access's own data bytes count as ordered after it
    /// (contract v1.1 "an access sees its own bytes"): <see cref="SelfLoads"/> holds it while they are judged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Read(int agent, EventKind kind, long index, ulong address, int size, int rid)
    {
        var region = Regions[rid];
        uint t = Time[agent];
        bool cpu = kind == EventKind.Load;
        ulong end = address + (ulong)size;
        bool self = cpu && region.Kind == RegionKind.Table;
        if (HasSyncBytes(region))
        {
            ulong c = address;
            int lastAcquired = 0;
            while (NextRun(region, ByteClass.Sync, ref c, end, out var page, out int off, out int len))
            {
                // Reads-from: the read observes the last store to each byte in trace order.
                foreach (int h in page.Release.AsSpan(off, len))
                {
                    if (h == 0 || h == lastAcquired) continue;
                    AcquireSnapshot(agent, h, cpu ? AcquireMode.PlainLoad : AcquireMode.AtOnce, index);
                    if (self) JoinSelfLoads(agent, h);
                    lastAcquired = h;
                }
            }
        }
        // Fetches are checked only by the entry detectors: no data hooks, no read epochs (model.md §4).
        if (!HasDataBytes(region) || kind == EventKind.Fetch) return;
        var hooks = cpu ? LoadHooks : DmaReadHooks;
        if (hooks.Length != 0) RunHooks(hooks, new DataAccess(index, kind, agent, t, address, size, rid));
        _selfLoadsAgent = -1;
        ulong at = Epoch.Pack(agent, t), cursor = address;
        while (NextRun(region, ByteClass.Data, ref cursor, end, out var p, out int o, out int n))
        {
            SmallSpans.Fill(cpu ? p.CpuReadAt : p.DevReadAt, o, n, at);
        }
    }

    /// <summary>The current load's own acquired release counts for its own data bytes (joined into <see cref="SelfLoads"/>).</summary>
    void JoinSelfLoads(int cpu, int handle)
    {
        if (_selfLoadsAgent != cpu)
        {
            ClockKernels.Copy(Simd, SelfLoads, Arena.Hb(handle));
            _selfLoadsAgent = cpu;
        }
        else ClockKernels.Join(Simd, SelfLoads, Arena.Hb(handle));
    }

    /// <summary>Cache maintenance: cleans mark the writer's dirty bytes, invalidations mark device-written bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Cache(int cpu, EventKind kind, ulong address, int size)
    {
        if (!TracksCaches) return;
        uint t = Time[cpu];
        bool clean = kind != EventKind.CacheInval, inval = kind != EventKind.CacheClean;
        ulong bit = 1UL << CpuBit(cpu);
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            for (int k = off; k < off + n; k++)
            {
                if (page.LastWriteIsCpu(k))
                {
                    // Only the first clean by the store's own cpu after the store counts (model.md §4).
                    if (clean && (int)(page.CpuWriteAt[k] >> 32) == cpu && page.CleanTime[k] == 0)
                    {
                        page.OwnCacheState();
                        page.CleanTime[k] = t;
                    }
                }
                else if (inval && page.LastWriteIsDevice(k) && HbBefore(page.DevWrite(k), cpu))
                {
                    page.OwnCacheState();
                    page.InvalidatedBy[k] |= bit;
                }
            }
            i += n;
        }
    }
}
