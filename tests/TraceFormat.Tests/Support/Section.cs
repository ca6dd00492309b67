using System.Buffers.Binary;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests.Support;

/// <summary>Where a complete v4 trace keeps its census section, and splicing another one in.</summary>
static class Section
{
    /// <summary>[Start, End): from the end of the last chunk (its index entry and header say where) to the index.</summary>
    public static (long Start, long End) Of(byte[] trace)
    {
        int trailer = trace.Length - 32;
        int chunks = BinaryPrimitives.ReadInt32LittleEndian(trace.AsSpan(trailer + 4));
        long index = BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(trailer + 8));
        long start = 20 + BinaryPrimitives.ReadInt32LittleEndian(trace.AsSpan(12));
        if (chunks > 0)
        {
            long last = BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan((int)index + 4 + (chunks - 1) * 20));
            start = last + 36 + BinaryPrimitives.ReadInt32LittleEndian(trace.AsSpan((int)last + 20));
        }
        return (start, index);
    }

    /// <summary>The trace with <paramref name="section"/> in place of its census section, the trailer's index offset and CRC fixed.</summary>
    public static byte[] Replace(byte[] trace, byte[] section)
    {
        var (start, end) = Of(trace);
        var bytes = trace.AsSpan(0, (int)start).ToArray().Concat(section).Concat(trace.AsSpan((int)end).ToArray()).ToArray();
        int trailer = bytes.Length - 32;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(trailer + 8), start + section.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(trailer + 28), Crc32C.Compute(bytes.AsSpan(trailer, 28)));
        return bytes;
    }
}
