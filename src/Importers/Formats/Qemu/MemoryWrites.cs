using System.Buffers.Binary;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// Stores and DMA writes onto the sink with their bytes, which a trace requires: the value when the log gives
/// one, else the scenario language's store pattern over a <see cref="MemoryImage"/> of the layout (QEMU 7.2's
/// plugin API gives no store values; a pattern changes every byte, as <c>store ADDR size N</c> does).
/// </summary>
sealed class MemoryWrites
{
    readonly ImportLayout _layout;
    readonly MemoryImage _image;

    public MemoryWrites(ImportLayout layout)
    {
        _layout = layout;
        _image = new MemoryImage(layout.Metadata.Regions);
    }

    /// <summary>
    /// A write without a value: the next pattern, and the trace then says its memory values were not recorded
    /// (so reports do not show the pattern as what the program stored). False when it falls outside the layout.
    /// </summary>
    public bool Write(ImportSink sink, EventKind kind, int agent, ulong address, int size, int site)
    {
        int r = MemoryRegion(address, size);
        if (r < 0) return sink.Access(0, kind, agent, address, size, site); // reports it, with the sink's words
        if (!sink.Access(0, kind, agent, address, size, _image.WritePattern(address, size, r), site)) return false;
        sink.MemoryValuesNotRecorded();
        return true;
    }

    /// <summary>A write of <paramref name="value"/> (little-endian, 1..8 bytes). False when outside the layout or the value does not fit.</summary>
    public bool WriteValue(ImportSink sink, EventKind kind, int agent, ulong address, int size, ulong value, int site)
    {
        int r = MemoryRegion(address, size);
        if (r < 0 || size > 8 || size < 8 && value >> (8 * size) != 0)
            return sink.AccessValue(0, kind, agent, address, size, value, site); // reports what is wrong
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _image.Write(address, bytes[..size], r);
        return sink.Access(0, kind, agent, address, size, bytes[..size], site);
    }

    /// <summary>The non-mmio region that holds the whole access, or -1 (the sink then reports why).</summary>
    int MemoryRegion(ulong address, int size)
    {
        if ((uint)(size - 1) >= TraceEvent.MaxSize) return -1;
        int r = _layout.RegionAt(address);
        if (r < 0) return -1;
        var region = _layout.Metadata.Regions[r];
        return region.Kind != RegionKind.Mmio && region.Contains(address, (ulong)size) ? r : -1;
    }
}
