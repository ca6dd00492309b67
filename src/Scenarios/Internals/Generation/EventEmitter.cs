using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// What a resolved event step does to the memory image and the sink: writes change the image (MMIO writes
/// do not: registers are not memory), reads record the bytes as of that step, pattern stores take the next
/// <see cref="StorePattern"/>. Shared by the generator and the line-at-a-time step compiler so both follow
/// one set of rules.
/// </summary>
[SkipLocalsInit]
sealed partial class EventEmitter
{
    readonly RegionMemory[] _memory;
    readonly RegionInfo[] _regions;
    readonly IEventSink _sink;
    readonly byte[] _data = new byte[TraceEvent.MaxSize];
    /// <summary>The bytes a pattern store to a table overwrites (for the present bits it keeps).</summary>
    readonly byte[] _before = new byte[TraceEvent.MaxSize];
    ulong _patternStores;

    public EventEmitter(RegionInfo[] regions, IEventSink sink)
    {
        _regions = regions;
        _memory = new RegionMemory[regions.Length];
        for (int i = 0; i < regions.Length; i++) _memory[i] = new RegionMemory(regions[i].Base);
        _sink = sink;
    }

    /// <summary>A scratch buffer of <paramref name="size"/> bytes for a write's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Scratch(int size) => _data.AsSpan(0, size);

    /// <summary>
    /// A store without a value: the next pattern over the bytes in memory (see <see cref="StorePattern"/>).
    /// In a table, a present bit it covers keeps its current value (contract v1.1: give a VALUE to set or
    /// clear present).
    /// </summary>
    public Span<byte> Pattern(ulong address, int size, int region)
    {
        var data = _data.AsSpan(0, size);
        _memory[region].Read(address, data);
        var r = _regions[region];
        if (r.Kind != RegionKind.Table)
        {
            StorePattern.Fill(address, data, StorePattern.Seed(++_patternStores));
            return data;
        }
        var before = _before.AsSpan(0, size);
        data.CopyTo(before);
        StorePattern.Fill(address, data, StorePattern.Seed(++_patternStores));
        StorePattern.KeepPresentBits(address, data, before, r.Base, r.EntrySize, r.PresentBit);
        return data;
    }

    /// <summary>Appends a store or DMA write and applies it to the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(in TraceEvent e, int region, ReadOnlySpan<byte> data)
    {
        _memory[region].Write(e.Address, data);
        _sink.Append(in e, data);
    }

    /// <summary>Appends a load, DMA read or fetch with the bytes the image holds now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(in TraceEvent e, int region)
    {
        var data = _data.AsSpan(0, e.Size);
        _memory[region].Read(e.Address, data);
        _sink.Append(in e, data);
    }

    /// <summary>Appends an event that touches no image: MMIO writes (with their bytes) and everything without bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => _sink.Append(in e, data);
}
