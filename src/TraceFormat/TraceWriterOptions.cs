namespace TraceTools.TraceFormat;

/// <summary>Options of <see cref="TraceWriter"/>.</summary>
public sealed class TraceWriterOptions
{
    /// <summary>Largest number of events a chunk may hold (the reader's cap).</summary>
    public const int MaxChunkEvents = 1 << 20;

    /// <summary>Codec of every chunk; <see cref="TraceCodec.Lz4"/> by default.</summary>
    public TraceCodec Codec { get; init; } = TraceCodec.Lz4;

    /// <summary>
    /// Events per chunk, 1..<see cref="MaxChunkEvents"/> (65536 by default). A chunk is also cut early when
    /// its raw bytes reach 16 MiB, so memory stays bounded whatever the event sizes.
    /// </summary>
    public int ChunkEvents { get; init; } = 65536;

    /// <summary>
    /// Format version to write: 2 (the default) or 1, for readers that predate v2. The versions differ only
    /// in how the address column is spelled (docs/trace-format.md).
    /// </summary>
    public int FormatVersion { get; init; } = 2;
}
