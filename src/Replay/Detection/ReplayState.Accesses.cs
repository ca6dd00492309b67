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

    void RunHooks(IDetector[] hooks, in DataAccess access)
    {
        foreach (var d in hooks) d.OnAccess(this, access);
    }

    [SkipLocalsInit]
    internal void Store(int cpu, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid)
    {
        var region = Regions[rid];
        uint t = Time[cpu];
        if (HasDataBytes(region) && StoreHooks.Length != 0)
            RunHooks(StoreHooks, new DataAccess(index, EventKind.Store, cpu, t, address, size, rid));
        if (region.Kind == RegionKind.Table && EntryStoreHooks.Length != 0) EntryStores(cpu, index, address, size, data, rid);

        var epoch = new Epoch(index, t, (ushort)cpu);
        bool sync = HasSyncBytes(region);
        int release = 0;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            page.CpuWrite.AsSpan(off, n).Fill(epoch);
            page.CleanTime.AsSpan(off, n).Clear();
            page.InvalidatedBy.AsSpan(off, n).Clear();
            data.Slice(i, n).CopyTo(page.Value.AsSpan(off, n));
            if (sync)
            {
                for (int k = 0; k < n; k++)
                {
                    if (!IsSyncByte(region, a + (ulong)k)) continue;
                    if (release == 0) release = Snapshot(cpu, AccessClass.W);
                    else Arena.AddRef(release, 1);
                    Arena.Release(page.Release[off + k]);
                    page.Release[off + k] = release;
                }
            }
            i += n;
        }
        if (release != 0) LogRelease(cpu, index);
    }

    internal void DmaWrite(int device, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid)
    {
        var region = Regions[rid];
        uint t = Time[device];
        if (HasDataBytes(region) && DmaWriteHooks.Length != 0)
            RunHooks(DmaWriteHooks, new DataAccess(index, EventKind.DmaWrite, device, t, address, size, rid));
        var epoch = new Epoch(index, t, (ushort)device);
        bool sync = HasSyncBytes(region);
        int release = 0;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            page.DevWrite.AsSpan(off, n).Fill(epoch);
            page.CleanTime.AsSpan(off, n).Clear();
            page.InvalidatedBy.AsSpan(off, n).Clear();
            data.Slice(i, n).CopyTo(page.Value.AsSpan(off, n));
            if (sync)
            {
                for (int k = 0; k < n; k++)
                {
                    if (!IsSyncByte(region, a + (ulong)k)) continue;
                    if (release == 0) release = Snapshot(device, AccessClass.W);
                    else Arena.AddRef(release, 1);
                    Arena.Release(page.Release[off + k]);
                    page.Release[off + k] = release;
                }
            }
            i += n;
        }
    }

    /// <summary>cpu load (plain acquire on sync bytes) or device DMA read (acquire at once).</summary>
    internal void Read(int agent, EventKind kind, long index, ulong address, int size, int rid)
    {
        var region = Regions[rid];
        uint t = Time[agent];
        bool cpu = kind == EventKind.Load, fetch = kind == EventKind.Fetch;
        // Fetches are checked only by the entry detectors: no data hooks, no read epochs (model.md §4).
        if (HasDataBytes(region) && !fetch)
        {
            var hooks = cpu ? LoadHooks : DmaReadHooks;
            if (hooks.Length != 0) RunHooks(hooks, new DataAccess(index, kind, agent, t, address, size, rid));
        }
        var epoch = new Epoch(index, t, (ushort)agent);
        bool data = HasDataBytes(region), sync = HasSyncBytes(region);
        int lastAcquired = 0;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            var reads = cpu ? page.CpuRead : page.DevRead;
            if (region.Kind == RegionKind.Ram) reads.AsSpan(off, n).Fill(epoch);
            else if (data || sync)
            {
                for (int k = 0; k < n; k++)
                {
                    ulong b = a + (ulong)k;
                    if (!IsSyncByte(region, b))
                    {
                        if (!fetch) reads[off + k] = epoch;
                        continue;
                    }
                    // Reads-from: the read observes the last store to the byte in trace order.
                    int h = page.Release[off + k];
                    if (h == 0 || h == lastAcquired) continue;
                    AcquireSnapshot(agent, h, cpu ? AcquireMode.PlainLoad : AcquireMode.AtOnce, index);
                    lastAcquired = h;
                }
            }
            i += n;
        }
    }

    /// <summary>Cache maintenance: cleans mark the writer's dirty bytes, invalidations mark device-written bytes.</summary>
    internal void Cache(int cpu, EventKind kind, ulong address, int size)
    {
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
                if (ShadowMemory.LastWriteIsCpu(page, k))
                {
                    // Only the first clean by the store's own cpu after the store counts (model.md §4).
                    if (clean && page.CpuWrite[k].Agent == cpu && page.CleanTime[k] == 0) page.CleanTime[k] = t;
                }
                else if (inval && ShadowMemory.LastWriteIsDevice(page, k) && HbBefore(page.DevWrite[k], cpu))
                {
                    page.InvalidatedBy[k] |= bit;
                }
            }
            i += n;
        }
    }
}
