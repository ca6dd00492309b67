// TEMPORARY stand-ins so that this worktree compiles before the trace writer lands.
// DELETE AT INTEGRATION: the real TraceFile / TraceWriterOptions / TraceCodec live in src/TraceFormat.
namespace TraceTools.TraceFormat;

/// <summary>TEMPORARY stand-in (delete at integration): chunk codecs.</summary>
public enum TraceCodec
{
    /// <summary>Stored as is.</summary>
    None,
    /// <summary>LZ4 blocks.</summary>
    Lz4,
}

/// <summary>TEMPORARY stand-in (delete at integration): trace writer settings.</summary>
public sealed class TraceWriterOptions
{
    /// <summary>Chunk codec.</summary>
    public TraceCodec Codec { get; init; } = TraceCodec.Lz4;
    /// <summary>Events per chunk.</summary>
    public int ChunkEvents { get; init; } = 65536;
}

/// <summary>TEMPORARY stand-in (delete at integration): writes a placeholder instead of a trace.</summary>
public static class TraceFile
{
    /// <summary>Runs the producer into a counting sink and writes a one-line placeholder atomically.</summary>
    public static void Write(string path, TraceMetadata metadata, TraceWriterOptions? options, Action<IEventSink> produce)
    {
        ArgumentNullException.ThrowIfNull(produce);
        var sink = new CountingSink();
        produce(sink);
        string temp = path + ".tmp";
        File.WriteAllText(temp, $"placeholder trace ({metadata.Arch.Name()}): {sink.Count} events, codec {(options ?? new()).Codec}\n");
        File.Move(temp, path, overwrite: true);
    }

    sealed class CountingSink : IEventSink
    {
        public long Count;
        public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Count++;
    }
}
