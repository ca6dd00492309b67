using TraceTools.Scenarios.Internals.Generation;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// The memory of a layout's regions as writes leave it, for producers of traces that see a write but not its
/// value (an importer of QEMU logs: plugin API 1 gives no store values). A write without a value gets the
/// scenario language's store pattern (model.md, Decisions: every byte changes), exactly as <c>gen</c> writes
/// <c>store ADDR size N</c>, so an imported trace and its scenario spelling replay alike. Pages are allocated
/// only where something was written.
/// </summary>
public sealed class MemoryImage
{
    readonly RegionMemory[] _regions;
    readonly byte[] _data = new byte[TraceEvent.MaxSize];
    ulong _patternWrites;

    /// <summary>An all-zero image of <paramref name="regions"/> (memory starts as zero).</summary>
    public MemoryImage(IReadOnlyList<RegionInfo> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        _regions = new RegionMemory[regions.Count];
        for (int i = 0; i < regions.Count; i++) _regions[i] = new RegionMemory(regions[i].Base, regions[i].Size);
    }

    /// <summary>
    /// Applies the next pattern write of <paramref name="size"/> bytes (1..<see cref="TraceEvent.MaxSize"/>) at
    /// <paramref name="address"/>, inside region <paramref name="region"/>, and returns its bytes (valid until
    /// the next call).
    /// </summary>
    public ReadOnlySpan<byte> WritePattern(ulong address, int size, int region)
    {
        var data = _data.AsSpan(0, size);
        _regions[region].Read(address, data);
        StorePattern.Fill(address, data, StorePattern.Seed(++_patternWrites));
        _regions[region].Write(address, data);
        return data;
    }

    /// <summary>Applies a write whose bytes are known.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> data, int region) => _regions[region].Write(address, data);
}
