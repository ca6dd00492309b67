using System.Globalization;
using TraceTools.TraceFormat;
using RegionInfo = TraceTools.TraceFormat.RegionInfo;

namespace TraceTools.Cli.Exporting;

/// <summary>
/// Spells an address as a driver engineer reads it (<c>txbufs+0x800</c>, <c>txring[3]+0x8</c>, a bare
/// register name), like reports do, into a caller's buffer: regions found by the metadata's binary search
/// (<see cref="TraceMetadata.RegionAt"/>), nothing allocated per event.
/// </summary>
sealed class RegionNames
{
    readonly TraceMetadata _metadata;

    public RegionNames(TraceMetadata metadata) => _metadata = metadata;

    /// <summary>The region holding <paramref name="address"/>, or null.</summary>
    public RegionInfo? At(ulong address) => _metadata.RegionAt(address);

    /// <summary>Writes the address's name into <paramref name="dest"/>; returns the chars written.</summary>
    public int Format(Span<char> dest, ulong address)
    {
        var inv = CultureInfo.InvariantCulture;
        var r = At(address);
        int n;
        bool ok = r switch
        {
            null => dest.TryWrite(inv, $"0x{address:x}", out n),
            { Kind: RegionKind.Mmio } when address == r.Base => dest.TryWrite(inv, $"{r.Name}", out n),
            { Kind: RegionKind.Table } => dest.TryWrite(inv, $"{r.Name}[{(address - r.Base) / r.EntrySize}]+0x{(address - r.Base) % r.EntrySize:x}", out n),
            _ => dest.TryWrite(inv, $"{r.Name}+0x{address - r.Base:x}", out n),
        };
        return ok ? n : 0;
    }

    /// <summary>Writes the table entry holding <paramref name="address"/> (<c>txring[3]</c>) or the address.</summary>
    public int FormatEntry(Span<char> dest, ulong address)
    {
        var r = At(address);
        int n;
        bool ok = r is { Kind: RegionKind.Table }
            ? dest.TryWrite(CultureInfo.InvariantCulture, $"{r.Name}[{(address - r.Base) / r.EntrySize}]", out n)
            : dest.TryWrite(CultureInfo.InvariantCulture, $"0x{address:x}", out n);
        return ok ? n : 0;
    }
}
