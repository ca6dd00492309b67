using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

/// <summary>
/// Writes a trace to a stream: the header at construction, then chunks of at most
/// <see cref="TraceWriterOptions.ChunkEvents"/> events as they fill (memory holds one chunk), then the
/// chunk index and trailer at <see cref="Complete"/>. Disposing without <see cref="Complete"/> leaves a
/// trace without footer, which readers treat as truncated.
/// </summary>
public sealed partial class TraceWriter : IEventSink, IDisposable
{
    readonly Stream _output;
    readonly EventContext _ctx;
    readonly TraceCodec _codec;
    readonly int _chunkEvents;
    /// <summary>Kinds the written version holds (16 in v1/v2, 26 in v3).</summary>
    readonly int _kindCount;
    /// <summary>v4 with a census: the census pages of the events appended so far; null otherwise.</summary>
    readonly DevicePagesBuilder? _census;
    long _position;
    int _chunks;
    bool _complete;

    /// <summary>Validates <paramref name="metadata"/> (<see cref="ArgumentException"/> when bad) and writes the header.</summary>
    public TraceWriter(Stream output, TraceMetadata metadata, TraceWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(metadata);
        options ??= new TraceWriterOptions();
        if (options.Codec is not (TraceCodec.None or TraceCodec.Lz4))
            FormatThrow.Argument($"undefined codec {(byte)options.Codec}", nameof(options));
        if (options.FormatVersion is < FormatLayout.MinVersion or > FormatLayout.Version)
            FormatThrow.Argument($"FormatVersion {options.FormatVersion} outside {FormatLayout.MinVersion}..{FormatLayout.Version}", nameof(options));
        if (options.ChunkEvents is < 1 or > TraceWriterOptions.MaxChunkEvents)
            FormatThrow.Argument($"ChunkEvents {options.ChunkEvents} outside 1..{TraceWriterOptions.MaxChunkEvents}", nameof(options));
        MetadataRules.ValidateForWriting(metadata);
        _output = output;
        _codec = options.Codec;
        _chunkEvents = options.ChunkEvents;
        _ctx = new EventContext(metadata, options.FormatVersion);
        _kindCount = FormatLayout.KindCount(options.FormatVersion);
        if (options.FormatVersion >= FormatLayout.CensusVersion && options.WriteCensus) _census = new DevicePagesBuilder();
        Metadata = metadata;
        InitChunk();
        WriteHeader(MetadataCodec.Encode(metadata, options.FormatVersion));
    }

    /// <summary>The metadata the header declares.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>Events appended so far.</summary>
    public long EventCount { get; private set; }

    /// <summary>Chunks written so far.</summary>
    public int ChunkCount => _chunks;

    /// <summary>
    /// Validates the event (kind, agent id and class, size, operands, data length, site id) and buffers it;
    /// writes a chunk when one fills. Throws <see cref="ArgumentException"/> for an invalid event.
    /// </summary>
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        if (_complete) FormatThrow.WriterClosed();
        if ((byte)e.Kind >= _kindCount) RefuseEvent(e, data.Length);
        byte kb = KindByte.Encode(e, !data.IsEmpty);
        int f = _ctx.KindTable[kb];
        // v3 extended kinds (nibble 15) have 0 in the table: their entry comes from the extension table.
        if (f == 0 && (kb & 0xF) == FormatLayout.ExtendedNibble) f = KindByte.EntryFor(_ctx.Version, e.Kind, kb);
        if (!EventRules.IsValid(_ctx, e, f, data.Length)) RefuseEvent(e, data.Length);
        AddToChunk(e, kb, f, data);
        _census?.AddEvent(e.Kind, e.Address, e.Size);
        EventCount++;
        if (_count == _chunkEvents || ChunkRawFull()) FlushChunk();
    }

    /// <summary>Writes the last chunk, the census section (v4), the chunk index and the trailer, and flushes the stream.</summary>
    public void Complete()
    {
        if (_complete) FormatThrow.WriterClosed();
        if (_count > 0) FlushChunk();
        // A census past DevicePages.MaxPages is not written: the trace then reads as one without a census.
        if (_census is { Overflowed: false }) WriteRaw(CensusCodec.Encode(_census.Sorted()));
        WriteFooter();
        _output.Flush();
        _complete = true;
    }

    /// <summary>Releases the buffers; does not write the footer (see <see cref="Complete"/>) nor close the stream.</summary>
    public void Dispose() => _complete = true;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    void RefuseEvent(in TraceEvent e, int dataLength) =>
        FormatThrow.Argument($"event {EventCount}: {EventRules.Check(_ctx, e, dataLength) ?? "invalid event"}", nameof(e));

    void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    void WriteHeader(byte[] metadata)
    {
        Span<byte> h = stackalloc byte[FormatLayout.FileHeaderSize];
        FormatLayout.FileMagic.CopyTo(h);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(h[8..], (ushort)_ctx.Version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)metadata.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Crc32C.Compute(metadata));
        if (metadata.Length > FormatLayout.MaxMetadataLength)
            FormatThrow.Argument($"metadata of {metadata.Length} bytes (at most {FormatLayout.MaxMetadataLength})", "metadata");
        WriteRaw(h);
        WriteRaw(metadata);
    }
}
