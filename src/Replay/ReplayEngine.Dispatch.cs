using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>Consumes the next batch (its <see cref="EventBatch.FirstIndex"/> continues the previous one).</summary>
    /// <remarks>
    /// The loop holds only the per-event checks and the four kinds that make up about 85 % of a driver trace
    /// (store, load and their DMA twins, barrier, doorbell); every other kind goes through
    /// <see cref="RareEvent"/>, out of line, so the loop's locals stay in registers (inlined, the rare kinds'
    /// code spilled the loop's span columns to the stack).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Process(EventBatch batch)
    {
        if (_completed) ReplayThrow.Completed();
        if (batch.FirstIndex != _next) ReplayThrow.OutOfOrder(_next, batch.FirstIndex);
        var routes = PostToShards(batch);
        byte routeBit = _routeBit;
        var hb = _hb;
        long first = batch.FirstIndex;
        int count = batch.Count, agentCount = hb.AgentCount;
        // Local time = trace index + 1 in 32 bits: monotone per agent (all clocks need), and an epoch then names
        // its event, so the shadow keeps no index columns. Events from index 2^32 - 1 on are refused, at the first.
        int replayable = (int)Math.Clamp(MaxEvents - first, 0, count);
        var kinds = batch.Kinds.AsSpan(0, replayable);
        ref ushort agent0 = ref MemoryMarshal.GetReference(batch.Agents.AsSpan(0, replayable));
        // The per-agent arrays hold AgentCount entries (HbState): once the agent is checked against it, they are
        // read without a bounds check each (three compares and branches an event).
        ref bool isDevice = ref MemoryMarshal.GetArrayDataReference(hb.IsDevice);
        ref uint time = ref MemoryMarshal.GetArrayDataReference(hb.Time);
        ref bool inbox = ref MemoryMarshal.GetArrayDataReference(hb.InboxFull);
        int prefetchLimit = BatchPrefetch.Limit(batch, replayable);
        for (int i = 0; i < kinds.Length; i++)
        {
            if ((i & (BatchPrefetch.Stride - 1)) == 0) BatchPrefetch.Columns(batch, i, prefetchLimit);
            long index = first + i;
            var kind = kinds[i];
            int agent = Unsafe.Add(ref agent0, i);
            if ((uint)agent >= (uint)agentCount || Unsafe.Add(ref isDevice, agent) == kind.IsCpuEvent()) BadAgent(index, kind, agent);
            Unsafe.Add(ref time, agent) = (uint)(index + 1);
            if (Unsafe.Add(ref inbox, agent)) hb.DrainInbox(agent);
            if (routes.Length != 0 && (routes[i] & routeBit) == 0) continue; // split replay: a data access on other replicas' pages
            switch (kind)
            {
                case EventKind.Store:
                case EventKind.DmaWrite:
                    DataWrite(batch, i, agent, kind, index);
                    break;
                case EventKind.Load:
                case EventKind.DmaRead:
                    DataRead(batch, i, agent, kind, index);
                    break;
                case EventKind.Barrier:
                    hb.Barrier(agent, batch.Aux[i]);
                    break;
                case EventKind.MmioWrite:
                {
                    int device = Device(index, kind, batch.Addresses[i], batch.Sizes[i]);
                    hb.TransferToNext(agent, device, AccessClass.O, index);
                    if (DoorbellHooks.Length != 0) DoorbellEvent(agent, device, index);
                    break;
                }
                default:
                    RareEvent(batch, i, agent, kind, index);
                    break;
            }
        }
        if (replayable < count)
        {
            long index = first + replayable;
            int agent = batch.Agents[replayable];
            var kind = batch.Kinds[replayable];
            if ((uint)agent >= (uint)agentCount || hb.IsDevice[agent] == kind.IsCpuEvent()) BadAgent(index, kind, agent);
            ReplayThrow.TraceTooLong(index);
        }
        _next = first + count;
    }

    /// <summary>A cpu store or a device DMA write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void DataWrite(EventBatch batch, int i, int agent, EventKind kind, long index)
    {
        ulong address = batch.Addresses[i];
        int size = batch.Sizes[i];
        int rid = Memory(index, kind, address, size, out var regionKind);
        if (kind == EventKind.DmaWrite)
        {
            if (regionKind == RegionKind.Ram) CheckCensus(index, kind, rid, address, size);
            if (DeviceDmaHooks.Length != 0) DeviceDmaEvent(agent, kind, index, address, size, rid);
        }
        int off = batch.DataOffsets[i];
        if (off < 0) ReplayThrow.NoBytes(index, kind);
        // No rule can ever judge these bytes (the census): skipped here, before the call, as 36 % of a driver's events are.
        if (kind == EventKind.Store && regionKind == RegionKind.Ram && _ramCensus.CpuOnly(rid, address, size)) return;
        Write(agent, kind, index, address, size, batch.Data.AsSpan(off, size), rid, regionKind);
    }

    /// <summary>A cpu load or a device DMA read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void DataRead(EventBatch batch, int i, int agent, EventKind kind, long index)
    {
        ulong address = batch.Addresses[i];
        int size = batch.Sizes[i];
        int rid = Memory(index, kind, address, size, out var regionKind);
        if (kind == EventKind.DmaRead)
        {
            if (regionKind == RegionKind.Ram) CheckCensus(index, kind, rid, address, size);
            if (DeviceDmaHooks.Length != 0) DeviceDmaEvent(agent, kind, index, address, size, rid);
        }
        // Ram holds no sync bytes: a load the census rules out acquires nothing and no rule judges it.
        if (kind == EventKind.Load && regionKind == RegionKind.Ram && _ramCensus.CpuOnly(rid, address, size)) return;
        Read(agent, kind, index, address, size, rid, regionKind, AcquireMode.PlainLoad);
    }

    /// <summary>
    /// A device access to ram must lie on census pages: a census that leaves one out (not this writer's) would let a cpu
    /// access on that page be skipped and its findings lost, so the replay refuses it like any other bad event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void CheckCensus(long index, EventKind kind, int rid, ulong address, int size)
    {
        if (_ramCensus.Unlisted(rid, address, size) is { } page) ReplayThrow.OutsideCensus(index, kind, page);
    }

    /// <summary>The agent is declared and of the kind the event needs (a cpu event by a cpu, a device event by a device).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    void BadAgent(long index, EventKind kind, int agent)
    {
        if ((uint)agent >= (uint)_hb.AgentCount) ReplayThrow.UndeclaredAgent(index, agent);
        ReplayThrow.WrongAgentKind(index, kind, Metadata.Agents[agent]);
    }

    /// <summary>Every kind but the four the loop of <see cref="Process"/> handles itself.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void RareEvent(EventBatch batch, int i, int agent, EventKind kind, long index)
    {
        // Each case reads only the columns its kind uses: a column line the loop has not touched is a cache miss.
        var hb = _hb;
        // The census kinds that may touch ram must lie on census pages (fetch and dev_invalidate touch tables, which
        // are never skipped; DMA is checked in the loop).
        if (DevicePages.InCensus(kind) && kind is not (EventKind.Fetch or EventKind.DevInvalidate) && batch.Sizes[i] > 0
            && _ramCensus.Unlisted(batch.Addresses[i], batch.Sizes[i]) is { } page)
            ReplayThrow.OutsideCensus(index, kind, page);
        switch (kind)
        {
            case EventKind.MmioRead:
                hb.Transfer(Device(index, kind, batch.Addresses[i], batch.Sizes[i]), agent, AccessClass.O, AcquireMode.PlainMmio, index);
                break;
            case EventKind.CacheClean:
            case EventKind.CacheInval:
            case EventKind.CacheFlush:
                CacheMaintenance(agent, kind, index, batch.Addresses[i], batch.Sizes[i]);
                break;
            case EventKind.DevInvalidate:
            {
                ulong address = batch.Addresses[i];
                int size = batch.Sizes[i];
                int device = DeviceAgent(index, batch.Aux[i]);
                if (size != 0) TableEntry(index, address);
                DevInvalidate(agent, index, device, address, size);
                break;
            }
            case EventKind.Lock:
                hb.Lock(agent, LockId(index, batch.Aux[i]), index);
                break;
            case EventKind.Unlock:
                hb.Unlock(agent, LockId(index, batch.Aux[i]), index);
                break;
            case EventKind.TakeIrq:
                // raise_irq → the next take_irq of that device: the line is consumed.
                hb.TakeIrq(agent, DeviceAgent(index, batch.Aux[i]), index);
                break;
            case EventKind.RaiseIrq:
                hb.RaiseIrq(agent, index);
                break;
            case EventKind.Fetch:
            {
                ulong address = batch.Addresses[i];
                int size = batch.Sizes[i];
                int rid = Memory(index, kind, address, size);
                var table = Regions[rid];
                if (table.Kind != RegionKind.Table || table.Device != agent)
                    ReplayThrow.NotFetcher(index, table, Metadata.Agents[agent]);
                // The granule number names the granule the address lies in (the entry detectors index by it).
                uint granule = batch.Aux[i];
                if (!table.IsGranuleAt(address, granule)) ReplayThrow.GranuleElsewhere(index, table, address, granule);
                Fetch(agent, index, address, size, granule, rid);
                break;
            }
            case EventKind.StoreRelease:
            case EventKind.Xchg:
                AtomicWrite(agent, kind, index, batch.Addresses[i], batch.Sizes[i], batch, batch.DataOffsets[i]);
                break;
            case EventKind.LoadAcquire:
                LoadAcquire(agent, index, batch.Addresses[i], batch.Sizes[i]);
                break;
            case EventKind.IommuMode:
            case EventKind.Quiesce:
            case EventKind.Handover:
            case EventKind.DmaMap:
            case EventKind.DmaUnmap:
                DeviceControlEvent(agent, kind, index, batch.Addresses[i], batch.Sizes[i], batch.Aux[i]);
                break;
            case EventKind.FirmwareCall:
                FirmwareCall(agent, index, batch.Aux[i], FirmwareBytes(batch, batch.DataOffsets[i], batch.Sizes[i]));
                break;
            case EventKind.FirmwareReturn:
                FirmwareReturn(agent, index, batch.Aux[i], FirmwareBytes(batch, batch.DataOffsets[i], batch.Sizes[i]));
                break;
            default:
                // Every defined kind has its case here or in Process; a kind beyond them (a batch not from the
                // reader, which refuses them) is refused here.
                if ((byte)kind >= EventKinds.Count) ReplayThrow.UnknownKind(index, kind);
                break;
        }
    }

    /// <summary>The memory (non-MMIO) region holding the whole access.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Memory(long index, EventKind kind, ulong address, int size) => Memory(index, kind, address, size, out _);

    /// <summary>The memory (non-MMIO) region holding the whole access, and its kind.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Memory(long index, EventKind kind, ulong address, int size, out RegionKind regionKind)
    {
        int rid = _regionMap.Find(address, size, out regionKind);
        if (rid < 0 || regionKind == RegionKind.Mmio) NotMemory(index, kind, address, size, rid);
        return rid;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void NotMemory(long index, EventKind kind, ulong address, int size, int rid)
    {
        if (rid < 0) ReplayThrow.OutsideRegions(index, kind, address, size);
        ReplayThrow.TouchesMmio(index, kind, Regions[rid]);
    }

    /// <summary>The device owning the MMIO register accessed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Device(long index, EventKind kind, ulong address, int size)
    {
        int rid = _regionMap.Find(address, size, out var regionKind);
        if (rid < 0 || regionKind != RegionKind.Mmio) ReplayThrow.NotMmio(index, kind, address, size);
        int device = _mmioDevices[rid];
        return device >= 0 ? device : DeviceAgent(index, (uint)Regions[rid].Device);
    }

    /// <summary>
    /// Per region, the owning device of an mmio region whose owner is a declared device, else -1 (then
    /// <see cref="DeviceAgent"/> refuses the access, at the event).
    /// </summary>
    int[] MmioDevices() =>
        [.. Regions.Select(r => r.Kind == RegionKind.Mmio && (uint)r.Device < (uint)_hb.AgentCount && _hb.IsDevice[r.Device] ? r.Device : -1)];

    /// <summary>A targeted dev_invalidate names the first byte of a table entry (the CLI refuses anything else too).</summary>
    void TableEntry(long index, ulong address)
    {
        int rid = _regionMap.Find(address, 1, out var regionKind);
        if (rid < 0 || regionKind != RegionKind.Table || (address - Regions[rid].Base) % Regions[rid].EntrySize != 0)
            ReplayThrow.NotTableEntry(index, address);
    }

    int DeviceAgent(long index, uint agent)
    {
        if (agent >= (uint)_hb.AgentCount || !_hb.IsDevice[agent]) ReplayThrow.NotDevice(index, agent);
        return (int)agent;
    }

    int LockId(long index, uint id)
    {
        if (id >= (uint)Metadata.Locks.Count) ReplayThrow.UndeclaredLock(index, id);
        return (int)id;
    }
}
