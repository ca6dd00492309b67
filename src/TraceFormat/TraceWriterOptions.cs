namespace TraceTools.TraceFormat;

/// <summary>Options of <see cref="TraceWriter"/>.</summary>
public sealed class TraceWriterOptions
{
    /// <summary>Largest number of events a chunk may hold (the reader's cap).</summary>
    public const int MaxChunkEvents = 1 << 20;

    /// <summary>Most chunks a trace may have: the reader refuses a chunk index that lists more.</summary>
    public const int MaxChunks = Internals.FormatLayout.MaxChunks;

    /// <summary>
    /// Most events a trace written with these options holds in <see cref="MaxChunks"/> chunks of <see cref="ChunkEvents"/>
    /// events: small chunks reach the cap first (<c>--chunk-events 1</c> holds 2^24 events). A producer that knows its
    /// event count before it writes (gen, import) checks it here. A chunk is also cut when its raw bytes reach 16 MiB,
    /// so events of KiBs make more chunks than this counts (past about 6.8 x 10^10 such events, far beyond what replay
    /// takes); the writer refuses the chunk past the cap then, once the rest is written.
    /// </summary>
    public long MaxEvents => (long)MaxChunks * ChunkEvents;

    /// <summary>Codec of every chunk; <see cref="TraceCodec.Lz4"/> by default.</summary>
    public TraceCodec Codec { get; init; } = TraceCodec.Lz4;

    /// <summary>
    /// Events per chunk, 1..<see cref="MaxChunkEvents"/> (65536 by default). A chunk is also cut early when
    /// its raw bytes reach 16 MiB, so memory stays bounded whatever the event sizes.
    /// </summary>
    public int ChunkEvents { get; init; } = 65536;

    /// <summary>
    /// Format version to write: 4 (the default), or 3, 2 or 1 for readers that predate it. v2 spells the address
    /// column as significant bytes where v1 has varints; v3 adds the kinds 16..25 (nibble 15 + an extension
    /// byte) and the metadata sections; v4 adds the census section before the index (the trace's
    /// <see cref="DevicePages"/>); v1 and v2 refuse events of kinds 16..25 (docs/trace-format.md).
    /// </summary>
    public int FormatVersion { get; init; } = 4;

    /// <summary>
    /// v4: whether <see cref="TraceWriter.Complete"/> writes the census section (true by default; the writer then
    /// collects the census pages as events are appended). Ignored for versions 1..3, which have no census.
    /// </summary>
    public bool WriteCensus { get; init; } = true;
}
