namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Fixed numbers of the on-disk layout (docs/trace-format.md describes every byte). All integers are
/// little-endian.
/// </summary>
static class FormatLayout
{
    /// <summary>
    /// File magic: 0x89 catches 7-bit transfers, CR LF catches newline translation, 0x1A stops DOS
    /// <c>type</c>, the final LF catches LF→CRLF (the PNG idea).
    /// </summary>
    public static ReadOnlySpan<byte> FileMagic => [0x89, (byte)'T', (byte)'T', (byte)'R', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>The version the writer writes by default.</summary>
    public const ushort Version = 4;
    /// <summary>The oldest version the reader reads: v1 spells address deltas as LEB128 varints.</summary>
    public const ushort MinVersion = 1;
    /// <summary>magic 8, version u16, flags u16, metadata length u32, metadata CRC u32.</summary>
    public const int FileHeaderSize = 20;

    public const uint ChunkMagic = 0x4B484354;   // "TCHK"
    public const uint IndexMagic = 0x58444954;   // "TIDX"
    public const uint TrailerMagic = 0x444E4554; // "TEND"
    public const uint CensusMagic = 0x53475054;  // "TPGS"

    /// <summary>First format version with the census section (the trace's <see cref="DevicePages"/>) before the index.</summary>
    public const int CensusVersion = 4;
    /// <summary>Census section: magic u32, body length u32, body, CRC-32C u32.</summary>
    public const int CensusFrameSize = 12;

    /// <summary>magic, event count, first index u64, raw length, stored length, codec + 3 zero bytes, stored CRC, header CRC.</summary>
    public const int ChunkHeaderSize = 36;
    /// <summary>The header CRC covers the header's first 32 bytes.</summary>
    public const int ChunkHeaderCrcOffset = 32;

    /// <summary>
    /// Raw payload: the u32 column lengths before the columns. v1: seven (addresses, sizes, aux, sites, value
    /// lengths, values, data); v2: eight (address lengths first); v3: nine (the extension kinds last).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int ColumnTableSize(int version) => version switch { 1 => 28, 2 => 32, _ => 36 };

    /// <summary>First format version with extended kinds (nibble 15 + extension byte) and metadata sections.</summary>
    public const int ExtendedVersion = 3;
    /// <summary>v3: the kind nibble that means "extended": the kind is this plus the event's extension byte.</summary>
    public const int ExtendedNibble = 15;
    /// <summary>v3: extension bytes 0..ExtensionKinds-1 are defined (kinds 15..25).</summary>
    public const int ExtensionKinds = EventKinds.Count - ExtendedNibble;

    /// <summary>Kinds a version holds: 0..15 in v1 and v2, 0..25 in v3.</summary>
    public static int KindCount(int version) => version < ExtendedVersion ? EventKinds.CountBeforeV3 : EventKinds.Count;

    /// <summary>
    /// Bytes of 1..8 bytes go to the value columns as the significant bytes of their little-endian value
    /// (driver values are mostly small: indices, flags, lengths); longer bytes go to the data column as they are.
    /// </summary>
    public const int SmallValueMaxSize = 8;

    /// <summary>Index entry: file offset u64, first event index u64, event count u32.</summary>
    public const int IndexEntrySize = 20;
    /// <summary>magic, chunk count u32, index offset u64, total events u64, index CRC u32, trailer CRC u32.</summary>
    public const int TrailerSize = 32;
    /// <summary>Where in the trailer its total-events field sits.</summary>
    public const int TrailerTotalEventsOffset = 16;

    public const int MaxRawLength = 64 << 20;
    /// <summary>The writer cuts a chunk once its raw bytes reach this, well below <see cref="MaxRawLength"/>.</summary>
    public const int WriterChunkRawTarget = 16 << 20;
    public static int MaxStoredLength => Lz4Native.CompressBound(MaxRawLength);

    public const int MaxMetadataLength = TraceLimits.MaxHeaderBytes;
    public const int MaxAgents = TraceLimits.MaxAgents;
    public const int MaxRegions = TraceLimits.MaxRegions;
    public const int MaxLocks = TraceLimits.MaxLocks;
    public const int MaxSites = TraceLimits.MaxSites;
    public const int MaxStringBytes = TraceLimits.MaxStringBytes;
    /// <summary>Largest table entry: a dev_invalidate carries the entry size as its event size.</summary>
    public const int MaxEntrySize = TraceEvent.MaxSize;
    /// <summary>Chunks a footer index may list (far above any real trace: 2^24 × 2^20 events).</summary>
    public const int MaxChunks = 1 << 24;

    // Kind byte: low 4 bits kind, bit 4 has-data, bit 5 has-site, bits 6..7 size code.
    public const int HasDataBit = 0x10;
    public const int HasSiteBit = 0x20;
    public const int SizeCodeShift = 6;

    /// <summary>Size codes 1..3 stand for these sizes; code 0 means "in the sizes column".</summary>
    public static int SizeOfCode(int code) => code switch { 1 => 4, 2 => 8, 3 => 1, _ => 0 };

    /// <summary>The size code for <paramref name="size"/>, or 0 when it goes to the sizes column.</summary>
    public static int CodeOfSize(int size) => size switch { 4 => 1, 8 => 2, 1 => 3, _ => 0 };
}
