using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// Event primitives. Each returns the event's trace index, or -1 once the budget is spent (the rest of
/// the trace is cut: a prefix of a trace has exactly the findings whose trigger lies in it).
/// </summary>
public sealed partial class DriverMixGenerator
{
    static readonly uint Wmb = BarrierCode.Linux("wmb").Value;
    static readonly uint DmaWmb = BarrierCode.Linux("dma_wmb").Value;
    static readonly uint DmaRmb = BarrierCode.Linux("dma_rmb").Value;
    static readonly uint SmpWmb = BarrierCode.Linux("smp_wmb").Value;

    IEventSink? _sink;
    readonly long _limit;
    long _emitted;

    /// <summary>Copy payload: one fixed pattern, so copies cost no filling and compress well.</summary>
    readonly byte[] _pattern = new byte[BufferSize];
    /// <summary>Bytes of small value stores, MMIO writes and completion entries.</summary>
    readonly byte[] _scratch = new byte[16];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    long Emit(EventKind kind, int agent, ulong address, int size, uint aux, Site site, ReadOnlySpan<byte> data)
    {
        long index = _emitted;
        if (index >= _limit) return -1;
        _sink!.Append(new TraceEvent(kind, (ushort)agent, address, size, aux, (int)site), data);
        _emitted = index + 1;
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ReadOnlySpan<byte> Value(ulong value, int size)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_scratch, value);
        return _scratch.AsSpan(0, size);
    }

    long Store(int cpu, ulong address, int size, ulong value, Site site) =>
        Emit(EventKind.Store, cpu, address, size, 0, site, Value(value, size));

    long Copy(int cpu, ulong address, int size, Site site) =>
        Emit(EventKind.Store, cpu, address, size, 0, site, _pattern.AsSpan(0, size));

    long Load(int cpu, ulong address, int size, Site site) => Emit(EventKind.Load, cpu, address, size, 0, site, default);

    long Barrier(int cpu, uint code, Site site) => Emit(EventKind.Barrier, cpu, 0, 0, code, site, default);

    long MmioWrite(int cpu, ulong address, ulong value, Site site) =>
        Emit(EventKind.MmioWrite, cpu, address, 4, 0, site, Value(value, 4));

    long MmioRead(int cpu, ulong address, Site site) => Emit(EventKind.MmioRead, cpu, address, 4, 0, site, default);

    long Lock(int cpu, int lockId, Site site) => Emit(EventKind.Lock, cpu, 0, 0, (uint)lockId, site, default);

    long Unlock(int cpu, int lockId, Site site) => Emit(EventKind.Unlock, cpu, 0, 0, (uint)lockId, site, default);

    long TakeIrq(int cpu, int device, Site site) => Emit(EventKind.TakeIrq, cpu, 0, 0, (uint)device, site, default);

    long RaiseIrq(int device, Site site) => Emit(EventKind.RaiseIrq, device, 0, 0, 0, site, default);

    long Cache(EventKind kind, int cpu, ulong address, int size, Site site) => Emit(kind, cpu, address, size, 0, site, default);

    long DevInvalidate(int cpu, int device, ulong entry, int entrySize, Site site) =>
        Emit(EventKind.DevInvalidate, cpu, entry, entrySize, (uint)device, site, default);

    long DmaMap(int cpu, ulong address, int size, int device, DmaDirection direction, Site site) =>
        Emit(EventKind.DmaMap, cpu, address, size, (uint)device | (uint)direction << 16, site, default);

    long DmaUnmap(int cpu, ulong address, int size, int device, Site site) =>
        Emit(EventKind.DmaUnmap, cpu, address, size, (uint)device, site, default);

    long Quiesce(int cpu, int device, Site site) => Emit(EventKind.Quiesce, cpu, 0, 0, (uint)device, site, default);

    long IommuMode(int cpu, int device, IommuTreatment mode, Site site) =>
        Emit(EventKind.IommuMode, cpu, 0, 0, (uint)device | (uint)mode << 16, site, default);

    long Handover(int cpu, Site site) => Emit(EventKind.Handover, cpu, 0, 0, 0, site, default);

    long DmaRead(int device, ulong address, int size, Site site) => Emit(EventKind.DmaRead, device, address, size, 0, site, default);

    long DmaCopy(int device, ulong address, int size, Site site) =>
        Emit(EventKind.DmaWrite, device, address, size, 0, site, _pattern.AsSpan(0, size));

    long DmaWrite(int device, ulong address, ReadOnlySpan<byte> bytes, Site site) =>
        Emit(EventKind.DmaWrite, device, address, bytes.Length, 0, site, bytes);

    /// <summary>A store of 8 bytes into a table entry (by a cpu, or a device's write-back).</summary>
    long StoreEntry(int agent, ulong tableBase, int entrySize, int entry, int offset, ulong value, Site site)
    {
        var kind = agent < Cpus ? EventKind.Store : EventKind.DmaWrite;
        return Emit(kind, agent, tableBase + (ulong)(entry * entrySize + offset), 8, 0, site, Value(value, 8));
    }

    /// <summary>
    /// The fetcher's read of granule <paramref name="granule"/>. Like every read of the synth it carries no
    /// bytes: the replay knows them from the writes (docs/synth.md), and a trace is a third smaller without.
    /// </summary>
    long Fetch(int device, ulong tableBase, int entrySize, int granuleSize, int entry, int granule, Site site) =>
        Emit(EventKind.Fetch, device, tableBase + (ulong)(entry * entrySize + granule * granuleSize), granuleSize, (uint)granule, site, default);
}
