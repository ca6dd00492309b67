using System.Buffers.Binary;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// The footer: the chunk index and the fixed trailer after the last chunk.
public sealed partial class TraceReader
{
    /// <summary>One chunk as the index lists it.</summary>
    readonly record struct ChunkRef(long Offset, long First, int Count);

    sealed record Footer(long IndexOffset, long TotalEvents, ChunkRef[] Chunks);

    Footer? _footer;

    /// <summary>
    /// Reads the trailer and index at the end of a seekable stream (v4: then the census section before them).
    /// Missing or damaged (bad magic or CRC): the trace was cut off, <see cref="Truncated"/>, and has no census.
    /// Intact CRCs over inconsistent content: an error.
    /// </summary>
    void ReadFooterAtOpen()
    {
        long minimum = _dataStart + 4 + FormatLayout.TrailerSize;
        if (_fileLength < minimum)
        {
            Truncated = true;
            return;
        }
        var t = new byte[FormatLayout.TrailerSize];
        long trailerAt = _fileLength - t.Length;
        _stream.Position = trailerAt;
        _stream.ReadExactly(t);
        _footer = ParseFooter(t, trailerAt, count => ReadIndexBlock(trailerAt, count));
        if (_footer is null) Truncated = true;
        else if (Version >= FormatLayout.CensusVersion) ReadCensusAtOpen(_footer);
    }

    byte[]? ReadIndexBlock(long trailerAt, int count)
    {
        long size = 4 + (long)count * FormatLayout.IndexEntrySize;
        long at = trailerAt - size;
        if (at < _dataStart) return null;
        var block = new byte[size];
        _stream.Position = at;
        _stream.ReadExactly(block);
        return block;
    }

    /// <summary>
    /// Validates a trailer read at <paramref name="trailerAt"/>; <paramref name="readIndex"/> fetches the
    /// index block of the declared chunk count (null when it cannot exist). Null: no usable footer.
    /// </summary>
    Footer? ParseFooter(ReadOnlySpan<byte> t, long trailerAt, Func<int, byte[]?> readIndex)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(t) != FormatLayout.TrailerMagic) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(t[28..]) != Crc32C.Compute(t[..28])) return null;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(t[4..]);
        long indexOffset = BinaryPrimitives.ReadInt64LittleEndian(t[8..]);
        long total = BinaryPrimitives.ReadInt64LittleEndian(t[FormatLayout.TrailerTotalEventsOffset..]);
        uint indexCrc = BinaryPrimitives.ReadUInt32LittleEndian(t[24..]);
        if (count > FormatLayout.MaxChunks)
            FormatThrow.Footer(_name, trailerAt + 4, $"the trailer lists {count} chunks (at most {FormatLayout.MaxChunks})", t.Slice(4, 4));
        long indexSize = 4 + (long)count * FormatLayout.IndexEntrySize;
        if (indexOffset != trailerAt - indexSize || indexOffset < _dataStart)
            FormatThrow.Footer(_name, trailerAt + 8, $"the trailer puts the index of {count} chunks at offset {indexOffset}, but it must end at the trailer ({trailerAt})", t.Slice(8, 8));
        var block = readIndex((int)count);
        if (block is null) return null;
        if (Crc32C.Compute(block) != indexCrc) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(block) != FormatLayout.IndexMagic)
            FormatThrow.Footer(_name, indexOffset, "the chunk index does not start with its magic", block.AsSpan(0, 4));

        var chunks = new ChunkRef[count];
        long expectedFirst = 0, previousEnd = _dataStart;
        for (int k = 0; k < chunks.Length; k++)
        {
            var e = block.AsSpan(4 + k * FormatLayout.IndexEntrySize, FormatLayout.IndexEntrySize);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(e);
            long first = BinaryPrimitives.ReadInt64LittleEndian(e[8..]);
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
            long at = indexOffset + 4 + k * FormatLayout.IndexEntrySize;
            if (k == 0 ? offset != _dataStart : offset < previousEnd + FormatLayout.ChunkHeaderSize || offset >= indexOffset)
                FormatThrow.Footer(_name, at, $"index entry {k} puts chunk {k} at offset {offset}, out of order or outside the chunks", e[..8]);
            if (first != expectedFirst)
                FormatThrow.Footer(_name, at + 8, $"index entry {k} says chunk {k} starts at event {first}, expected {expectedFirst}", e.Slice(8, 8));
            if (n is 0 or > TraceWriterOptions.MaxChunkEvents)
                FormatThrow.Footer(_name, at + 16, $"index entry {k} gives chunk {k} {n} events (1..{TraceWriterOptions.MaxChunkEvents})", e.Slice(16, 4));
            chunks[k] = new ChunkRef(offset, first, (int)n);
            expectedFirst += n;
            previousEnd = offset;
        }
        if (expectedFirst != total)
            FormatThrow.Footer(_name, trailerAt + FormatLayout.TrailerTotalEventsOffset, $"the trailer counts {total} events but the index lists {expectedFirst}", t.Slice(FormatLayout.TrailerTotalEventsOffset, 8));
        // v4: a census section may sit between the (absent) chunks and the index; ReadCensusAtOpen checks the gap.
        if (count == 0 && indexOffset != _dataStart && Version < FormatLayout.CensusVersion)
            FormatThrow.Footer(_name, trailerAt + 8, $"the trailer lists no chunks but the index is at offset {indexOffset}, not {_dataStart}", t.Slice(8, 8));
        return new Footer(indexOffset, total, chunks);
    }
}
