using System.Runtime.CompilerServices;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>Consumes the next batch (its <see cref="EventBatch.FirstIndex"/> continues the previous one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Process(EventBatch batch)
    {
        if (_completed) ReplayThrow.Completed();
        if (batch.FirstIndex != _next) ReplayThrow.OutOfOrder(_next, batch.FirstIndex);
        PostToShards(batch);
        var hb = _hb;
        int count = batch.Count, agentCount = hb.AgentCount;
        var kinds = batch.Kinds.AsSpan(0, count);
        var agents = batch.Agents.AsSpan(0, count);
        var addresses = batch.Addresses.AsSpan(0, count);
        var sizes = batch.Sizes.AsSpan(0, count);
        var aux = batch.Aux.AsSpan(0, count);
        var offsets = batch.DataOffsets.AsSpan(0, count);
        var isDevice = hb.IsDevice;
        var time = hb.Time;
        var inbox = hb.InboxFull;
        long first = batch.FirstIndex;
        for (int i = 0; i < count; i++)
        {
            long index = first + i;
            var kind = kinds[i];
            int agent = agents[i];
            if ((uint)agent >= (uint)agentCount) ReplayThrow.UndeclaredAgent(index, agent);
            if (isDevice[agent] == kind.IsCpuEvent()) ReplayThrow.WrongAgentKind(index, kind, Metadata.Agents[agent]);
            // Local time = trace index + 1: monotone per agent (all clocks need), and an epoch then names its
            // event, so the shadow keeps no index columns.
            if ((ulong)index >= uint.MaxValue) ReplayThrow.TraceTooLong(index);
            time[agent] = (uint)(index + 1);
            if (inbox[agent]) hb.DrainInbox(agent);
            switch (kind)
            {
                case EventKind.Store:
                case EventKind.DmaWrite:
                {
                    int rid = Memory(index, kind, addresses[i], sizes[i]);
                    if (kind == EventKind.DmaWrite && DeviceDmaHooks.Length != 0) DeviceDmaEvent(agent, kind, index, addresses[i], sizes[i], rid);
                    int off = offsets[i];
                    if (off < 0) ReplayThrow.NoBytes(index, kind);
                    var data = batch.Data.AsSpan(off, sizes[i]);
                    Write(agent, kind, index, addresses[i], sizes[i], data, rid);
                    break;
                }
                case EventKind.Load:
                case EventKind.DmaRead:
                {
                    int rid = Memory(index, kind, addresses[i], sizes[i]);
                    if (kind == EventKind.DmaRead && DeviceDmaHooks.Length != 0) DeviceDmaEvent(agent, kind, index, addresses[i], sizes[i], rid);
                    Read(agent, kind, index, addresses[i], sizes[i], rid);
                    break;
                }
                case EventKind.Barrier:
                    hb.Barrier(agent, aux[i]);
                    break;
                case EventKind.MmioWrite:
                {
                    int device = Device(index, kind, addresses[i], sizes[i]);
                    hb.TransferToNext(agent, device, AccessClass.O, index);
                    if (DoorbellHooks.Length != 0) DoorbellEvent(agent, device, index);
                    break;
                }
                case EventKind.MmioRead:
                    hb.Transfer(Device(index, kind, addresses[i], sizes[i]), agent, AccessClass.O, AcquireMode.PlainMmio, index);
                    break;
                case EventKind.CacheClean:
                case EventKind.CacheInval:
                case EventKind.CacheFlush:
                    CacheMaintenance(agent, kind, index, addresses[i], sizes[i]);
                    break;
                case EventKind.DevInvalidate:
                    DevInvalidate(agent, index, DeviceAgent(index, aux[i]), addresses[i], sizes[i]);
                    break;
                case EventKind.Lock:
                    hb.Lock(agent, LockId(index, aux[i]), index);
                    break;
                case EventKind.Unlock:
                    hb.Unlock(agent, LockId(index, aux[i]), index);
                    break;
                case EventKind.TakeIrq:
                    // raise_irq → the next take_irq of that device: the line is consumed.
                    hb.TakeIrq(agent, DeviceAgent(index, aux[i]), index);
                    break;
                case EventKind.RaiseIrq:
                    hb.RaiseIrq(agent, index);
                    break;
                case EventKind.Fetch:
                {
                    int rid = Memory(index, kind, addresses[i], sizes[i]);
                    var table = Regions[rid];
                    if (table.Kind != RegionKind.Table || table.Device != agent)
                        ReplayThrow.NotFetcher(index, table, Metadata.Agents[agent]);
                    Fetch(agent, index, addresses[i], sizes[i], aux[i], rid);
                    break;
                }
                case EventKind.StoreRelease:
                case EventKind.Xchg:
                    AtomicWrite(agent, kind, index, addresses[i], sizes[i], batch, offsets[i]);
                    break;
                case EventKind.LoadAcquire:
                    LoadAcquire(agent, index, addresses[i], sizes[i]);
                    break;
                case EventKind.IommuMode:
                case EventKind.Quiesce:
                case EventKind.Handover:
                case EventKind.DmaMap:
                case EventKind.DmaUnmap:
                    DeviceControlEvent(agent, kind, index, addresses[i], sizes[i], aux[i]);
                    break;
                case EventKind.FirmwareCall:
                    FirmwareCall(agent, index, aux[i], FirmwareBytes(batch, offsets[i], sizes[i]));
                    break;
                case EventKind.FirmwareReturn:
                    FirmwareReturn(agent, index, aux[i], FirmwareBytes(batch, offsets[i], sizes[i]));
                    break;
                default:
                    // Every defined kind has its case above; a kind beyond them (a batch not from the reader,
                    // which refuses them) is refused here.
                    if ((byte)kind >= EventKinds.Count) ReplayThrow.UnknownKind(index, kind);
                    break;
            }
        }
        _next = first + count;
    }

    /// <summary>The memory (non-MMIO) region holding the whole access.</summary>
    int _memoryHint, _mmioHint;

    int Memory(long index, EventKind kind, ulong address, int size)
    {
        int rid = size > 0 ? _regionMap.Find(address, size, ref _memoryHint) : -1;
        if (rid < 0) ReplayThrow.OutsideRegions(index, kind, address, size);
        if (Regions[rid].Kind == RegionKind.Mmio) ReplayThrow.TouchesMmio(index, kind, Regions[rid]);
        return rid;
    }

    /// <summary>The device owning the MMIO register accessed.</summary>
    int Device(long index, EventKind kind, ulong address, int size)
    {
        int rid = size > 0 ? _regionMap.Find(address, size, ref _mmioHint) : -1;
        if (rid < 0 || Regions[rid].Kind != RegionKind.Mmio)
            ReplayThrow.NotMmio(index, kind, address, size);
        return DeviceAgent(index, (uint)Regions[rid].Device);
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
