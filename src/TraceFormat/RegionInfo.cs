namespace TraceTools.TraceFormat;

/// <summary>What a region of memory is for (model.md §1).</summary>
public enum RegionKind : byte
{
    /// <summary>Plain data: checked, never synchronizes.</summary>
    Ram = 0,
    /// <summary>Synchronization words: reads acquire what stores released; never a race.</summary>
    Sync = 1,
    /// <summary>Device registers owned by one device.</summary>
    Mmio = 2,
    /// <summary>An array of fixed-size entries fetched by one device.</summary>
    Table = 3,
}

/// <summary>
/// A declared region. Table fields are meaningful only for <see cref="RegionKind.Table"/>, and
/// <see cref="Device"/> for <see cref="RegionKind.Mmio"/> (the owning device) and tables (the fetcher).
/// </summary>
public sealed record RegionInfo
{
    /// <summary>The region's name.</summary>
    public required string Name { get; init; }
    /// <summary>ram, sync, mmio or table.</summary>
    public required RegionKind Kind { get; init; }
    /// <summary>First byte address.</summary>
    public required ulong Base { get; init; }
    /// <summary>Length in bytes (for tables: entries × entry size).</summary>
    public required ulong Size { get; init; }
    /// <summary>mmio: the owning device; table: the fetcher; otherwise -1.</summary>
    public int Device { get; init; } = -1;
    /// <summary>table: number of entries.</summary>
    public ulong Entries { get; init; }
    /// <summary>table: bytes per entry.</summary>
    public uint EntrySize { get; init; }
    /// <summary>table: atomic fetch granule in bytes.</summary>
    public uint Granule { get; init; }
    /// <summary>table: the present bit, counted little-endian from the entry's first byte.</summary>
    public uint PresentBit { get; init; }
    /// <summary>table: which bits the fetcher uses under which field values (null: every bit; model.md §8).</summary>
    public UsedBits? UsedBits { get; init; }

    /// <summary>One past the last byte.</summary>
    public ulong End => Base + Size;

    /// <summary>True when <paramref name="address"/>..+<paramref name="size"/> lies entirely inside.</summary>
    public bool Contains(ulong address, ulong size) =>
        address >= Base && size <= Size && address - Base <= Size - size;

    /// <summary>
    /// table: true when <paramref name="address"/> (inside the table) lies in granule number <paramref name="granule"/> of
    /// its entry, as a fetch's granule number must (trace-format.md, operands per kind).
    /// </summary>
    public bool IsGranuleAt(ulong address, uint granule) =>
        Granule != 0 && EntrySize != 0 && (address - Base) % EntrySize / Granule == granule;

    /// <summary>
    /// table: offset within an entry of the present word, the aligned 8 bytes holding the present bit,
    /// clipped to the entry when the entry is smaller than 8 bytes.
    /// </summary>
    public uint PresentWordOffset => (PresentBit / 8) & ~7u;

    /// <summary>table: length of the present word (8, or less when clipped to the entry).</summary>
    public uint PresentWordLength => Math.Min(8u, EntrySize - PresentWordOffset);
}
