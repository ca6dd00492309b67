using System.Buffers.Binary;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Bench.Refs;

/// <summary>One chunk as the file stores it: its header facts and its stored (possibly LZ4) bytes.</summary>
/// <param name="Count">Events in the chunk.</param>
/// <param name="First">Trace index of its first event.</param>
/// <param name="Raw">Raw payload length.</param>
/// <param name="Codec">How the stored bytes are coded.</param>
/// <param name="Stored">The stored bytes (a reused buffer: valid during the callback).</param>
readonly record struct StoredChunk(int Count, long First, int Raw, TraceCodec Codec, ArraySegment<byte> Stored);

/// <summary>
/// Walks a trace file's chunks in order without decoding them, for the in-run references: the bytes a
/// reference decompresses are exactly the trace's own. The file must be a complete, valid trace (the
/// reader checks that in the same run); this walker only follows the chunk headers.
/// </summary>
static class StoredChunks
{
    /// <summary>Calls <paramref name="each"/> for every chunk; the stored buffer is reused between calls.</summary>
    public static void ForEach(string path, Action<StoredChunk> each)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var fixedHeader = new byte[FormatLayout.FileHeaderSize];
        file.ReadExactly(fixedHeader);
        file.Position = FormatLayout.FileHeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.AsSpan(12));
        var header = new byte[FormatLayout.ChunkHeaderSize];
        var stored = Array.Empty<byte>();
        while (file.Read(header, 0, 4) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(header) == FormatLayout.ChunkMagic)
        {
            file.ReadExactly(header, 4, FormatLayout.ChunkHeaderSize - 4);
            int count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            long first = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
            int raw = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
            int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20));
            if (stored.Length < length) stored = new byte[length];
            file.ReadExactly(stored, 0, length);
            each(new StoredChunk(count, first, raw, (TraceCodec)header[24], new ArraySegment<byte>(stored, 0, length)));
        }
    }
}
