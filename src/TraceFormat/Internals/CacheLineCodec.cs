using System.Buffers.Binary;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Metadata extension tag 2 (owned by the cache-line rules, docs/model.md §9): the trace's cache line size
/// as a little-endian u32. Written only when the size differs from the arch's default, so traces that
/// declare nothing stay byte-identical; a block with this tag must hold exactly 4 bytes and a valid size.
/// </summary>
static class CacheLineCodec
{
    /// <summary>The extension tag.</summary>
    public const ushort Tag = (ushort)MetadataTag.CacheLineSize;

    /// <summary>Bytes of the payload.</summary>
    public const int Length = 4;

    /// <summary>The payload for <paramref name="m"/>, or null when the header needs none.</summary>
    public static byte[]? Encode(TraceMetadata m)
    {
        if (!m.DeclaresCacheLine) return null;
        var payload = new byte[Length];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)m.CacheLineSize);
        return payload;
    }

    /// <summary>Why a section body of <paramref name="length"/> bytes cannot be a line size, or null.</summary>
    public static string? LengthProblem(int length) =>
        length == Length ? null : $"cache line section (tag {Tag}) holds {length} bytes: expected {Length}";

    /// <summary>Decodes a payload: the problem (for the reader's offset-naming error), or null with <paramref name="lineSize"/> set.</summary>
    public static string? Decode(ReadOnlySpan<byte> payload, out int lineSize)
    {
        lineSize = 0;
        if (LengthProblem(payload.Length) is { } badLength) return badLength;
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        if (CacheLines.Problem(size) is { } bad) return bad;
        lineSize = (int)size;
        return null;
    }
}
