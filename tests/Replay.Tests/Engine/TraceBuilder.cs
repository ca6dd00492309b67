using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Fluent builder of small traces for engine tests: declare arch, agents and regions, append events
/// (each call returns the event's trace index), then replay. <see cref="Replay"/> runs every clock kernel
/// and several batch splits and fails unless they all agree.
/// </summary>
sealed partial class TraceBuilder(Arch arch)
{
    readonly List<AgentInfo> _agents = [];
    readonly List<RegionInfo> _regions = [];
    readonly List<string> _locks = [];
    readonly List<(TraceEvent Event, byte[] Data)> _events = [];

    /// <summary>
    /// The usual fixture: cpus (comma-separated), one coherent device <c>dev</c>, and <c>buf</c> (ram at
    /// 0x1000), <c>flag</c> (sync at 0x2000) and <c>reg</c> (dev's mmio at 0xf000).
    /// </summary>
    public static TraceBuilder OneDevice(Arch arch, string cpus = "cpu0")
    {
        var t = new TraceBuilder(arch).Cpu(cpus.Split(',')).Device("dev");
        return t.Ram("buf", 0x1000, 0x100).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev");
    }

    public Arch Arch => arch;
    public int Count => _events.Count;

    public TraceBuilder Cpu(params string[] names)
    {
        foreach (var n in names) _agents.Add(new AgentInfo(n, AgentKind.Cpu));
        return this;
    }

    public TraceBuilder Device(string name, bool coherent = true)
    {
        _agents.Add(new AgentInfo(name, AgentKind.Device, coherent));
        return this;
    }

    public TraceBuilder Ram(string name, ulong @base, ulong size) => Region(name, RegionKind.Ram, @base, size);
    public TraceBuilder Sync(string name, ulong @base, ulong size) => Region(name, RegionKind.Sync, @base, size);

    public TraceBuilder Mmio(string name, ulong @base, ulong size, string device)
    {
        _regions.Add(new RegionInfo { Name = name, Kind = RegionKind.Mmio, Base = @base, Size = size, Device = AgentId(device) });
        return this;
    }

    public TraceBuilder Table(string name, ulong @base, ulong entries, uint entrySize, uint granule, uint presentBit, string fetcher)
    {
        _regions.Add(new RegionInfo
        {
            Name = name, Kind = RegionKind.Table, Base = @base, Size = entries * entrySize, Device = AgentId(fetcher),
            Entries = entries, EntrySize = entrySize, Granule = granule, PresentBit = presentBit,
        });
        return this;
    }

    TraceBuilder Region(string name, RegionKind kind, ulong @base, ulong size)
    {
        _regions.Add(new RegionInfo { Name = name, Kind = kind, Base = @base, Size = size });
        return this;
    }

    public int AgentId(string name)
    {
        int i = _agents.FindIndex(a => a.Name == name);
        if (i < 0) throw new ArgumentException($"no agent {name}");
        return i;
    }

    RegionInfo RegionNamed(string name) => _regions.Single(r => r.Name == name);

    /// <summary>Address of <paramref name="region"/> + <paramref name="offset"/>.</summary>
    public ulong At(string region, ulong offset = 0) => RegionNamed(region).Base + offset;

    /// <summary>Base address of entry <paramref name="k"/> of a table.</summary>
    public ulong Entry(string table, ulong k) => RegionNamed(table).Base + k * RegionNamed(table).EntrySize;

    long Add(EventKind kind, string agent, ulong address = 0, int size = 0, uint aux = 0, byte[]? data = null)
    {
        _events.Add((new TraceEvent(kind, (ushort)AgentId(agent), address, size, aux), data ?? []));
        return _events.Count - 1;
    }

    static byte[] Value(ulong value, int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < Math.Min(size, 8); i++) bytes[i] = (byte)(value >> (8 * i));
        return bytes;
    }

    /// <summary>A deterministic pattern that differs from any earlier pattern (so every such store changes memory).</summary>
    byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte)(((_events.Count * 7 + i) % 255) + 1);
        return bytes;
    }

    public long Store(string cpu, ulong address, int size, ulong? value = null) =>
        Add(EventKind.Store, cpu, address, size, data: value is { } v ? Value(v, size) : Pattern(size));
    public long StoreBytes(string cpu, ulong address, byte[] bytes) => Add(EventKind.Store, cpu, address, bytes.Length, data: bytes);
    public long Load(string cpu, ulong address, int size) => Add(EventKind.Load, cpu, address, size);

    public long Barrier(string cpu, string kind)
    {
        if (!BarrierCode.TryParse(kind, out var code)) throw new ArgumentException(kind);
        return Add(EventKind.Barrier, cpu, aux: code.Value.Value);
    }

    public long MmioWrite(string cpu, ulong address, int size, ulong value) => Add(EventKind.MmioWrite, cpu, address, size, data: Value(value, size));
    public long MmioRead(string cpu, ulong address, int size) => Add(EventKind.MmioRead, cpu, address, size);

    /// <summary>writel: dma_wmb then a 4-byte mmio_write; returns the mmio_write's index.</summary>
    public long Writel(string cpu, ulong address, ulong value)
    {
        Barrier(cpu, "dma_wmb");
        return MmioWrite(cpu, address, 4, value);
    }

    /// <summary>readl: a 4-byte mmio_read then dma_rmb; returns the mmio_read's index.</summary>
    public long Readl(string cpu, ulong address)
    {
        long i = MmioRead(cpu, address, 4);
        Barrier(cpu, "dma_rmb");
        return i;
    }

    public long CacheClean(string cpu, ulong address, int size) => Add(EventKind.CacheClean, cpu, address, size);
    public long CacheInval(string cpu, ulong address, int size) => Add(EventKind.CacheInval, cpu, address, size);
    public long CacheFlush(string cpu, ulong address, int size) => Add(EventKind.CacheFlush, cpu, address, size);

    public long DevInvalidate(string cpu, string device, string table, ulong k) =>
        Add(EventKind.DevInvalidate, cpu, Entry(table, k), (int)RegionNamed(table).EntrySize, (uint)AgentId(device));
    public long DevInvalidateAll(string cpu, string device) => Add(EventKind.DevInvalidate, cpu, 0, 0, (uint)AgentId(device));

    uint LockId(string name)
    {
        int i = _locks.IndexOf(name);
        if (i < 0) { _locks.Add(name); i = _locks.Count - 1; }
        return (uint)i;
    }

    public long Lock(string cpu, string name) => Add(EventKind.Lock, cpu, aux: LockId(name));
    public long Unlock(string cpu, string name) => Add(EventKind.Unlock, cpu, aux: LockId(name));
    public long TakeIrq(string cpu, string device) => Add(EventKind.TakeIrq, cpu, aux: (uint)AgentId(device));
    public long RaiseIrq(string device) => Add(EventKind.RaiseIrq, device);
    public long DmaRead(string device, ulong address, int size) => Add(EventKind.DmaRead, device, address, size);

    public long DmaWrite(string device, ulong address, int size, ulong? value = null) =>
        Add(EventKind.DmaWrite, device, address, size, data: value is { } v ? Value(v, size) : Pattern(size));

    public long Fetch(string device, string table, ulong k, uint granule)
    {
        var t = RegionNamed(table);
        return Add(EventKind.Fetch, device, Entry(table, k) + granule * t.Granule, (int)t.Granule, granule);
    }

    /// <summary>Appends a raw event (for bad-input tests).</summary>
    public long Raw(TraceEvent e, byte[]? data = null)
    {
        _events.Add((e, data ?? []));
        return _events.Count - 1;
    }

    public TraceMetadata Metadata() => new()
    {
        Arch = arch, Agents = [.. _agents], Regions = [.. _regions], Locks = [.. _locks],
    };

    /// <summary>The events with their bytes, as a recording sink keeps them.</summary>
    internal List<Synth.RecordedEvent> Recorded() => [.. _events.Select(e => new Synth.RecordedEvent(e.Event, e.Data))];

    /// <summary>The events split into batches of <paramref name="batchSize"/>, reusing one batch object like the reader does.</summary>
    public IEnumerable<EventBatch> Batches(int batchSize)
    {
        var batch = new EventBatch(16);
        for (int start = 0; start < _events.Count; start += batchSize)
        {
            batch.Reset(start);
            for (int i = start; i < Math.Min(_events.Count, start + batchSize); i++) batch.Append(_events[i].Event, _events[i].Data);
            yield return batch;
        }
    }

    /// <summary>An engine that has replayed every event (not completed), for tests that look at a detector's state.</summary>
    public ReplayEngine Engine(IReadOnlySet<FindingKind>? detectors = null)
    {
        var engine = DetectorRegistry.CreateEngine(Metadata(), new ReplayOptions { Detectors = detectors });
        foreach (var b in Batches(Math.Max(1, _events.Count))) engine.Process(b);
        return engine;
    }

    /// <summary>Replays once with one kernel and one batch size.</summary>
    public IReadOnlyList<Finding> ReplayWith(ClockSimd simd, int batchSize, IReadOnlySet<FindingKind>? detectors = null)
    {
        var engine = DetectorRegistry.CreateEngine(Metadata(), new ReplayOptions { Simd = simd, Detectors = detectors });
        foreach (var b in Batches(batchSize)) engine.Process(b);
        Assert.AreEqual(_events.Count, engine.EventsProcessed);
        return engine.Complete();
    }

    /// <summary>
    /// Replays with every clock kernel and with batches of all, 1 and 3 events; asserts they agree and
    /// returns the findings.
    /// </summary>
    public IReadOnlyList<Finding> Replay(IReadOnlySet<FindingKind>? detectors = null)
    {
        var reference = ReplayWith(ClockSimd.Scalar, Math.Max(1, _events.Count), detectors);
        foreach (var simd in new[] { ClockSimd.Scalar, ClockSimd.V256, ClockSimd.V512 })
        {
            foreach (int size in new[] { Math.Max(1, _events.Count), 1, 3 })
            {
                var other = ReplayWith(simd, size, detectors);
                Assert.AreEqual(Describe(reference), Describe(other), $"kernel {simd}, batches of {size}");
            }
        }
        return reference;
    }

    public static string Describe(IEnumerable<Finding> findings) => string.Join(" ", findings.Select(f => f.ToString()));
}
