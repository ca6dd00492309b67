using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>One event with the bytes it carries (empty when none).</summary>
public sealed record RefEvent(TraceEvent E, byte[] Data);

/// <summary>The reference's input: a trace's metadata and all of its events, in trace order.</summary>
public sealed class RefTrace(TraceMetadata metadata, IReadOnlyList<RefEvent> events)
{
    public TraceMetadata Metadata { get; } = metadata;
    public IReadOnlyList<RefEvent> Events { get; } = events;
    public int Count => Events.Count;

    public TraceEvent this[int i] => Events[i].E;

    /// <summary>All events in one batch, as the engine is fed in the simplest case.</summary>
    public EventBatch ToBatch(long firstIndex = 0, int from = 0, int count = -1)
    {
        if (count < 0) count = Events.Count - from;
        var b = new EventBatch(Math.Max(count, 1));
        b.Reset(firstIndex);
        for (int i = from; i < from + count; i++) b.Append(Events[i].E, Events[i].Data);
        return b;
    }
}

/// <summary>
/// Builds small traces by hand the way a scenario would: declarations, then steps in trace order. Stores,
/// DMA writes, loads, DMA reads and fetches carry bytes; the builder keeps the memory image to record
/// what reads observe (memory starts zeroed).
/// </summary>
public sealed partial class TraceBuilder(Arch arch, string name = "")
{
    readonly List<AgentInfo> _agents = [];
    readonly List<RegionInfo> _regions = [];
    readonly List<string> _locks = [];
    readonly List<string> _sites = [];
    readonly List<RefEvent> _events = [];
    readonly Dictionary<ulong, byte> _memory = [];

    public Arch Arch { get; } = arch;
    public int Count => _events.Count;

    /// <summary>The declared cache line size (0: the arch's default).</summary>
    public int CacheLineSize { get; set; }

    public ushort Cpu(string n) { _agents.Add(new AgentInfo(n, AgentKind.Cpu)); return (ushort)(_agents.Count - 1); }
    public ushort Device(string n, bool coherent = true, IommuTreatment iommuAtStart = IommuTreatment.Translate)
    {
        _agents.Add(new AgentInfo(n, AgentKind.Device, coherent) { IommuAtStart = iommuAtStart });
        return (ushort)(_agents.Count - 1);
    }

    public RegionInfo Ram(string n, ulong b, ulong size) => Add(new RegionInfo { Name = n, Kind = RegionKind.Ram, Base = b, Size = size });
    public RegionInfo Sync(string n, ulong b, ulong size) => Add(new RegionInfo { Name = n, Kind = RegionKind.Sync, Base = b, Size = size });
    public RegionInfo Mmio(string n, ulong b, ulong size, ushort device) => Add(new RegionInfo { Name = n, Kind = RegionKind.Mmio, Base = b, Size = size, Device = device });
    public RegionInfo Table(string n, ulong b, ulong entries, uint entrySize, uint granule, uint presentBit, ushort fetcher, UsedBits? used = null) =>
        Add(new RegionInfo
        {
            Name = n, Kind = RegionKind.Table, Base = b, Size = entries * entrySize, Device = fetcher,
            Entries = entries, EntrySize = entrySize, Granule = granule, PresentBit = presentBit, UsedBits = used,
        });

    RegionInfo Add(RegionInfo r) { _regions.Add(r); return r; }

    public uint Lock(string n)
    {
        int i = _locks.IndexOf(n);
        if (i < 0) { _locks.Add(n); i = _locks.Count - 1; }
        return (uint)i;
    }

    int Site(string? s)
    {
        if (s is null) return -1;
        int i = _sites.IndexOf(s);
        if (i < 0) { _sites.Add(s); i = _sites.Count - 1; }
        return i;
    }

    /// <summary>Little-endian bytes of <paramref name="value"/> zero-extended to <paramref name="size"/>.</summary>
    public static byte[] Le(ulong value, int size)
    {
        var b = new byte[size];
        for (int k = 0; k < size && k < 8; k++) b[k] = (byte)(value >> (8 * k));
        return b;
    }

    byte[] Observe(ulong addr, int size)
    {
        var b = new byte[size];
        for (int k = 0; k < size; k++) b[k] = _memory.GetValueOrDefault(addr + (ulong)k);
        return b;
    }

    int Emit(EventKind kind, ushort agent, ulong addr, int size, uint aux, string? site, byte[] data)
    {
        if (kind is EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg)
            for (int k = 0; k < data.Length; k++) _memory[addr + (ulong)k] = data[k];
        _events.Add(new RefEvent(new TraceEvent(kind, agent, addr, size, aux, Site(site)), data));
        return _events.Count - 1;
    }

    /// <summary>A deterministic non-zero pattern for stores without a value.</summary>
    public byte[] Pattern(int size)
    {
        var b = new byte[size];
        for (int k = 0; k < size; k++) b[k] = (byte)(0x11 + _events.Count * 7 + k);
        return b;
    }

    public int Store(ushort cpu, ulong addr, int size, ulong? value = null, string? site = null) =>
        Emit(EventKind.Store, cpu, addr, size, 0, site, value is { } v ? Le(v, size) : Pattern(size));
    public int StoreBytes(ushort cpu, ulong addr, byte[] bytes, string? site = null) =>
        Emit(EventKind.Store, cpu, addr, bytes.Length, 0, site, bytes);
    public int Load(ushort cpu, ulong addr, int size, string? site = null) =>
        Emit(EventKind.Load, cpu, addr, size, 0, site, Observe(addr, size));
    public int Barrier(ushort cpu, string kind, string? site = null)
    {
        if (!BarrierCode.TryParse(kind, out var code)) throw new ArgumentException(kind);
        return Emit(EventKind.Barrier, cpu, 0, 0, code.Value.Value, site, []);
    }
    public int MmioWrite(ushort cpu, ulong addr, int size, ulong value, string? site = null) =>
        Emit(EventKind.MmioWrite, cpu, addr, size, 0, site, Le(value, size));
    public int MmioRead(ushort cpu, ulong addr, int size, string? site = null) =>
        Emit(EventKind.MmioRead, cpu, addr, size, 0, site, []);
    public int Writel(ushort cpu, ulong addr, ulong value, string? site = null)
    {
        Barrier(cpu, "dma_wmb", site);
        return MmioWrite(cpu, addr, 4, value, site);
    }
    public int Readl(ushort cpu, ulong addr, string? site = null)
    {
        int r = MmioRead(cpu, addr, 4, site);
        Barrier(cpu, "dma_rmb", site);
        return r;
    }
    public int CacheClean(ushort cpu, ulong addr, int size, string? site = null) => Emit(EventKind.CacheClean, cpu, addr, size, 0, site, []);
    public int CacheInval(ushort cpu, ulong addr, int size, string? site = null) => Emit(EventKind.CacheInval, cpu, addr, size, 0, site, []);
    public int CacheFlush(ushort cpu, ulong addr, int size, string? site = null) => Emit(EventKind.CacheFlush, cpu, addr, size, 0, site, []);
    public int DevInvalidate(ushort cpu, ushort device, ulong entryBase, int entrySize, string? site = null) =>
        Emit(EventKind.DevInvalidate, cpu, entryBase, entrySize, device, site, []);
    public int DevInvalidateAll(ushort cpu, ushort device, string? site = null) =>
        Emit(EventKind.DevInvalidate, cpu, 0, 0, device, site, []);
    public int LockOp(ushort cpu, string lockName, string? site = null) => Emit(EventKind.Lock, cpu, 0, 0, Lock(lockName), site, []);
    public int UnlockOp(ushort cpu, string lockName, string? site = null) => Emit(EventKind.Unlock, cpu, 0, 0, Lock(lockName), site, []);
    public int TakeIrq(ushort cpu, ushort device, string? site = null) => Emit(EventKind.TakeIrq, cpu, 0, 0, device, site, []);
    public int DmaRead(ushort dev, ulong addr, int size, string? site = null) =>
        Emit(EventKind.DmaRead, dev, addr, size, 0, site, Observe(addr, size));
    public int DmaWrite(ushort dev, ulong addr, int size, ulong? value = null, string? site = null) =>
        Emit(EventKind.DmaWrite, dev, addr, size, 0, site, value is { } v ? Le(v, size) : Pattern(size));
    public int DmaWriteBytes(ushort dev, ulong addr, byte[] bytes, string? site = null) =>
        Emit(EventKind.DmaWrite, dev, addr, bytes.Length, 0, site, bytes);
    public int Fetch(ushort dev, RegionInfo table, ulong entry, uint granule, string? site = null)
    {
        ulong a = table.Base + entry * table.EntrySize + granule * table.Granule;
        return Emit(EventKind.Fetch, dev, a, (int)table.Granule, granule, site, Observe(a, (int)table.Granule));
    }
    public int RaiseIrq(ushort dev, string? site = null) => Emit(EventKind.RaiseIrq, dev, 0, 0, 0, site, []);
    public int IommuMode(ushort cpu, ushort dev, IommuTreatment mode, string? site = null) =>
        Emit(EventKind.IommuMode, cpu, 0, 0, dev | (uint)mode << 16, site, []);
    public int Quiesce(ushort cpu, ushort dev, string? site = null) => Emit(EventKind.Quiesce, cpu, 0, 0, dev, site, []);
    public int Handover(ushort cpu, string? site = null) => Emit(EventKind.Handover, cpu, 0, 0, 0, site, []);
    public int DmaMap(ushort cpu, ulong addr, int size, ushort dev, DmaDirection direction, string? site = null) =>
        Emit(EventKind.DmaMap, cpu, addr, size, dev | (uint)direction << 16, site, []);
    public int DmaUnmap(ushort cpu, ulong addr, int size, ushort dev, string? site = null) =>
        Emit(EventKind.DmaUnmap, cpu, addr, size, dev, site, []);

    public TraceMetadata Metadata() => new()
    {
        Name = name, Arch = Arch, Agents = [.. _agents], Regions = [.. _regions], Locks = [.. _locks], Sites = [.. _sites],
        CacheLineSize = CacheLineSize,
    };

    public RefTrace Build() => new(Metadata(), [.. _events]);
}
