using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
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
        var s = _state;
        int count = batch.Count, agentCount = s.AgentCount;
        var kinds = batch.Kinds.AsSpan(0, count);
        var agents = batch.Agents.AsSpan(0, count);
        var addresses = batch.Addresses.AsSpan(0, count);
        var sizes = batch.Sizes.AsSpan(0, count);
        var aux = batch.Aux.AsSpan(0, count);
        var offsets = batch.DataOffsets.AsSpan(0, count);
        var isDevice = s.IsDevice;
        var time = s.Time;
        var inbox = s.InboxFull;
        long first = batch.FirstIndex;
        for (int i = 0; i < count; i++)
        {
            long index = first + i;
            var kind = kinds[i];
            int agent = agents[i];
            if ((uint)agent >= (uint)agentCount) ReplayThrow.UndeclaredAgent(index, agent);
            if (isDevice[agent] == kind.IsCpuEvent()) ReplayThrow.WrongAgentKind(index, kind, s.Metadata.Agents[agent]);
            // Local time = trace index + 1: monotone per agent (all clocks need), and an epoch then names its
            // event, so the shadow keeps no index columns.
            if ((ulong)index >= uint.MaxValue) ReplayThrow.TraceTooLong(index);
            time[agent] = (uint)(index + 1);
            if (inbox[agent]) s.DrainInbox(agent);
            switch (kind)
            {
                case EventKind.Store:
                case EventKind.DmaWrite:
                {
                    int rid = Memory(index, kind, addresses[i], sizes[i]);
                    int off = offsets[i];
                    if (off < 0) ReplayThrow.NoBytes(index, kind);
                    var data = batch.Data.AsSpan(off, sizes[i]);
                    s.Write(agent, kind, index, addresses[i], sizes[i], data, rid);
                    break;
                }
                case EventKind.Load:
                case EventKind.DmaRead:
                    s.Read(agent, kind, index, addresses[i], sizes[i], Memory(index, kind, addresses[i], sizes[i]));
                    break;
                case EventKind.Barrier:
                    s.Barrier(agent, aux[i]);
                    break;
                case EventKind.MmioWrite:
                {
                    int device = Device(index, kind, addresses[i], sizes[i]);
                    s.TransferToNext(agent, device, AccessClass.O, index);
                    break;
                }
                case EventKind.MmioRead:
                    s.Transfer(Device(index, kind, addresses[i], sizes[i]), agent, AccessClass.O, AcquireMode.PlainMmio, index);
                    break;
                case EventKind.CacheClean:
                case EventKind.CacheInval:
                case EventKind.CacheFlush:
                    Memory(index, kind, addresses[i], sizes[i]);
                    s.Cache(agent, kind, addresses[i], sizes[i]);
                    break;
                case EventKind.DevInvalidate:
                    s.DevInvalidate(agent, index, DeviceAgent(index, aux[i]), addresses[i], sizes[i]);
                    break;
                case EventKind.Lock:
                    s.Lock(agent, LockId(index, aux[i]), index);
                    break;
                case EventKind.Unlock:
                    s.Unlock(agent, LockId(index, aux[i]), index);
                    break;
                case EventKind.TakeIrq:
                {
                    // raise_irq → the next take_irq of that device: the line is consumed.
                    ref int line = ref s.IrqRelease[DeviceAgent(index, aux[i])];
                    if (line != 0)
                    {
                        s.AcquireSnapshot(agent, line, AcquireMode.AtOnce, index);
                        s.Arena.Release(line);
                        line = 0;
                    }
                    break;
                }
                case EventKind.RaiseIrq:
                {
                    ref int line = ref s.IrqRelease[agent];
                    int h = s.Snapshot(agent, AccessClass.W, index);
                    s.Arena.Release(line);
                    line = h;
                    break;
                }
                case EventKind.Fetch:
                {
                    int rid = Memory(index, kind, addresses[i], sizes[i]);
                    var table = s.Regions[rid];
                    if (table.Kind != RegionKind.Table || table.Device != agent)
                        ReplayThrow.NotFetcher(index, table, s.Metadata.Agents[agent]);
                    s.Fetch(agent, index, addresses[i], sizes[i], aux[i], rid);
                    break;
                }
                default:
                    ReplayThrow.UnknownKind(index, kind);
                    break;
            }
        }
        _next = first + count;
    }

    /// <summary>The memory (non-MMIO) region holding the whole access.</summary>
    int _memoryHint, _mmioHint;

    int Memory(long index, EventKind kind, ulong address, int size)
    {
        int rid = size > 0 ? _state.RegionMap.Find(address, size, ref _memoryHint) : -1;
        if (rid < 0) ReplayThrow.OutsideRegions(index, kind, address, size);
        if (_state.Regions[rid].Kind == RegionKind.Mmio) ReplayThrow.TouchesMmio(index, kind, _state.Regions[rid]);
        return rid;
    }

    /// <summary>The device owning the MMIO register accessed.</summary>
    int Device(long index, EventKind kind, ulong address, int size)
    {
        int rid = size > 0 ? _state.RegionMap.Find(address, size, ref _mmioHint) : -1;
        if (rid < 0 || _state.Regions[rid].Kind != RegionKind.Mmio)
            ReplayThrow.NotMmio(index, kind, address, size);
        return DeviceAgent(index, (uint)_state.Regions[rid].Device);
    }

    int DeviceAgent(long index, uint agent)
    {
        if (agent >= (uint)_state.AgentCount || !_state.IsDevice[agent]) ReplayThrow.NotDevice(index, agent);
        return (int)agent;
    }

    int LockId(long index, uint id)
    {
        if (id >= (uint)_state.Metadata.Locks.Count) ReplayThrow.UndeclaredLock(index, id);
        return (int)id;
    }
}
