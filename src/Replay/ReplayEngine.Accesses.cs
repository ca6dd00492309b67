using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool HasDataBytes(RegionKind k) => k is RegionKind.Ram or RegionKind.Table;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool HasSyncBytes(RegionKind k) => k is RegionKind.Sync or RegionKind.Table;

    /// <summary>A cpu store or a device DMA write into region <paramref name="rid"/>.</summary>
    void Write(int agent, EventKind kind, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid) =>
        Write(agent, kind, index, address, size, data, rid, Regions[rid].Kind);

    /// <summary>
    /// A cpu store or a device DMA write: detectors first (they see the previous writers), then the shadow, then its
    /// releases. <paramref name="regionKind"/> comes with the region lookup, so a ram access never loads its
    /// <see cref="RegionInfo"/> (an L1 miss once the detectors ran since the last access).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    void Write(int agent, EventKind kind, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid, RegionKind regionKind)
    {
        uint t = _hb.Time[agent];
        bool cpu = kind == EventKind.Store;
        // A plain store the census rules out never comes here (Process skips it). A release store or xchg does, but
        // its pages are census pages (checked at the event): so no ram release lies on a skipped page.
        if (HasDataBytes(regionKind))
            DataHooks(cpu ? StoreHooks : DmaWriteHooks, new DataAccess(index, kind, agent, t, address, size, rid));
        // Device writes too: one that clears present restarts the payload window and ends a burst (contract v1.1).
        if (regionKind == RegionKind.Table && EntryStoreHooks.Length != 0) EntryStores(agent, index, address, size, data, rid);
        if (_ramReleases is { } released && regionKind == RegionKind.Ram) released.Overwrite(address, address + (ulong)size);
        RecordWrite(agent, t, cpu, address, size, data, rid, regionKind);
        if (HasSyncBytes(regionKind)) Publish(agent, index, Regions[rid], address, size);
    }

    /// <summary>Reads-from: every sync byte written refers to this one release snapshot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Publish(int agent, long index, RegionInfo region, ulong address, int size)
    {
        int release = 0;
        var arena = _hb.Arena;
        ulong cursor = address, end = address + (ulong)size;
        while (_shadow.NextWritableRun(region, ByteClass.Sync, ref cursor, end, out var p, out int o, out int len))
        {
            if (release == 0)
            {
                release = _hb.Snapshot(agent, AccessClass.W);
                arena.AddRef(release, len - 1);
            }
            else arena.AddRef(release, len);
            // A run may lie in several pieces of the page's column (its blocks): each is a part of the run.
            for (int runEnd = o + len; o < runEnd;)
            {
                var piece = p.Releases.Cover(o, runEnd - o);
                ReleaseColumn.Replace(piece, release, arena);
                o += piece.Length;
            }
        }
    }

    /// <summary>
    /// cpu load (plain acquire on sync bytes), device DMA read or fetch (acquire at once). The acquire
    /// comes first: a read that observes a sync store is hb-after it, so the data bytes of the same
    /// access are judged with the acquired knowledge. For a cpu it is not yet in LOADS (the cpu's later
    /// loads wait for a read barrier), but the access's own data bytes count as ordered after it
    /// (contract v1.1 "an access sees its own bytes"): <see cref="HbState.SelfLoads"/> holds it while they are judged.
    /// </summary>
    void Read(int agent, EventKind kind, long index, ulong address, int size, int rid, AcquireMode cpuMode = AcquireMode.PlainLoad) =>
        Read(agent, kind, index, address, size, rid, Regions[rid].Kind, cpuMode);

    /// <summary>
    /// <see cref="Read(int, EventKind, long, ulong, int, int, AcquireMode)"/> with the region's kind from the lookup:
    /// a ram access loads no <see cref="RegionInfo"/> here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Read(int agent, EventKind kind, long index, ulong address, int size, int rid, RegionKind regionKind, AcquireMode cpuMode)
    {
        uint t = _hb.Time[agent];
        bool cpu = kind == EventKind.Load;
        // A plain load the census rules out never comes here (Process skips it); a load-acquire's pages are census pages.
        ulong end = address + (ulong)size;
        // Only stale-cpu-read (LOADS) asks what the load itself acquired.
        bool self = cpu && regionKind == RegionKind.Table && _hb.TracksLoads;
        if (HasSyncBytes(regionKind)) AcquireSync(agent, index, Regions[rid], address, end, cpu ? cpuMode : AcquireMode.AtOnce, self);
        // Fetches are checked only by the entry detectors: no data hooks, no read epochs (model.md §4).
        if (!HasDataBytes(regionKind) || kind == EventKind.Fetch) return;
        DataHooks(cpu ? LoadHooks : DmaReadHooks, new DataAccess(index, kind, agent, t, address, size, rid));
        if (self) _hb.EndSelfLoads();
        RecordRead(agent, t, cpu, rid, address, end);
    }

    /// <summary>Reads-from: the read observes the last store to each sync byte of [address, end) in trace order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void AcquireSync(int agent, long index, RegionInfo region, ulong address, ulong end, AcquireMode mode, bool self)
    {
        ulong c = address;
        int lastAcquired = 0;
        while (_shadow.NextRun(region, ByteClass.Sync, ref c, end, out var page, out int off, out int len))
        {
            // Bytes the column does not hold hold no release, as handle 0 (skipped): its pieces in address order give the
            // handles a whole-page array would, less those zeros.
            // (A run inside one piece costs one call: the loop ends at the run's end, not at an empty piece.)
            for (int at = off, runEnd = off + len; at < runEnd;)
            {
                var held = page.Releases.NextHeld(ref at, runEnd);
                if (held.IsEmpty) break;
                foreach (int h in held)
                {
                    if (h == 0 || h == lastAcquired) continue;
                    _hb.AcquireSnapshot(agent, h, mode, index);
                    if (self) _hb.JoinSelfLoads(agent, h);
                    lastAcquired = h;
                }
            }
        }
    }
}
