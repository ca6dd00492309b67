using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// A cpu's MMIO access read from a <c>memory_region_ops_*</c> line, held until the plugin's
/// <c>tt_io_*</c> line for the same access gives it a pc (the trace event is printed during the access,
/// the plugin's callback runs after it). QEMU may split one access into several region operations.
/// </summary>
struct PendingMmio
{
    public EventKind Kind;
    public int Agent;
    public ulong Address;
    public int Size;
    public ulong Value;
    /// <summary>QEMU named the region <c>fwcfg.dma</c>: a write rings fw_cfg's DMA.</summary>
    public bool FwCfgDma;
    /// <summary>The line it was read from, for errors raised when it is written.</summary>
    public long Line;

    /// <summary>True when the plugin's access <paramref name="address"/>..+<paramref name="size"/> covers this one.</summary>
    public readonly bool CoveredBy(bool store, ulong address, int size) =>
        (Kind == EventKind.MmioWrite) == store && Address >= address && Address - address < (ulong)size;
}

/// <summary>The held MMIO accesses of each cpu of the trace (by the trace's cpu index).</summary>
sealed class PendingMmioQueues
{
    /// <summary>QEMU splits an access into at most 8 one-byte operations; more is a log this reader did not expect.</summary>
    public const int MaxPerCpu = 16;

    PendingMmio[][] _items = [];
    int[] _counts = [];

    public int Count(int cpu) => cpu < _counts.Length ? _counts[cpu] : 0;

    public ref PendingMmio this[int cpu, int i] => ref _items[cpu][i];

    /// <summary>Appends; false when the cpu already holds <see cref="MaxPerCpu"/> (the caller writes them out first).</summary>
    public bool TryAdd(int cpu, in PendingMmio access)
    {
        if (cpu >= _counts.Length)
        {
            int n = Math.Max(cpu + 1, 2 * _counts.Length);
            Array.Resize(ref _counts, n);
            Array.Resize(ref _items, n);
        }
        _items[cpu] ??= new PendingMmio[MaxPerCpu];
        if (_counts[cpu] == MaxPerCpu) return false;
        _items[cpu][_counts[cpu]++] = access;
        return true;
    }

    /// <summary>True when some held access of <paramref name="cpu"/> is covered by the plugin's access.</summary>
    public bool Covers(int cpu, bool store, ulong address, int size)
    {
        for (int i = 0; i < Count(cpu); i++)
            if (_items[cpu][i].CoveredBy(store, address, size)) return true;
        return false;
    }

    public void Clear(int cpu)
    {
        if (cpu < _counts.Length) _counts[cpu] = 0;
    }

    /// <summary>Cpu indexes that hold something, for the end of the input.</summary>
    public int CpuSlots => _counts.Length;
}
