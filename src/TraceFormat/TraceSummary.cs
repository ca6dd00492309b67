namespace TraceTools.TraceFormat;

/// <summary>What a full scan of a trace found (<see cref="TraceReader.Summarize"/>).</summary>
/// <param name="EventCount">Events in the complete chunks (all of them when not truncated).</param>
/// <param name="ChunkCount">Complete chunks.</param>
/// <param name="Codecs">The codecs the chunks use, without repeats, in first-use order.</param>
/// <param name="FileBytes">Bytes read from the file (its length).</param>
/// <param name="RawBytes">Sum of the chunks' decoded (raw) payload lengths.</param>
/// <param name="StoredBytes">Sum of the chunks' stored payload lengths.</param>
/// <param name="Truncated">True when the footer is missing or unusable: the trace was cut off.</param>
/// <param name="RecoveredEvents">Events readable from the complete chunks (equals <paramref name="EventCount"/>).</param>
/// <param name="HasIndex">True when the footer's chunk index was present and valid.</param>
public sealed record TraceSummary(
    long EventCount, long ChunkCount, IReadOnlyList<TraceCodec> Codecs, long FileBytes, long RawBytes,
    long StoredBytes, bool Truncated, long RecoveredEvents, bool HasIndex)
{
    /// <summary>File bytes per event (0 for an empty trace).</summary>
    public double BytesPerEvent => EventCount == 0 ? 0 : (double)FileBytes / EventCount;
    /// <summary>Raw (uncompressed) chunk bytes per event (0 for an empty trace).</summary>
    public double RawBytesPerEvent => EventCount == 0 ? 0 : (double)RawBytes / EventCount;
}
