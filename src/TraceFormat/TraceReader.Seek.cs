using System.Buffers.Binary;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// Random access (through the footer's index, or a scan of chunk headers) and the full-scan summary.
public sealed partial class TraceReader
{
    ChunkRef[]? _scanned;

    /// <summary>
    /// Positions the reader so that the next <see cref="ReadBatch"/> returns the chunk holding event
    /// <paramref name="index"/> (its batch starts at or before it). An index at or past the last event
    /// positions at the end. Uses the footer's index, or a scan of chunk headers when there is none.
    /// </summary>
    public void SeekToEvent(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_stream.CanSeek) FormatThrow.NotSupported($"{_name}: seeking needs a seekable stream");
        var chunks = _footer?.Chunks ?? (_scanned ??= ScanChunkHeaders());
        int lo = 0, hi = chunks.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (chunks[mid].First <= index) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0 || index >= chunks[found].First + chunks[found].Count)
        {
            // Past the end: the next read finds the end (the index, or the cut).
            long endOffset = chunks.Length == 0 ? _dataStart : _footer?.IndexOffset ?? _scannedEnd;
            Reposition(endOffset, chunks.Length, chunks.Length == 0 ? 0 : chunks[^1].First + chunks[^1].Count);
            return;
        }
        // The chunk's bytes end where the next chunk (or the census, or the index) begins: read those first, not a
        // buffer's worth, so that a lookup of one small chunk copies what it decodes.
        long next = found + 1 < chunks.Length ? chunks[found + 1].Offset : _footer?.IndexOffset ?? _scannedEnd;
        Reposition(chunks[found].Offset, found, chunks[found].First, next - chunks[found].Offset);
    }

    long _scannedEnd;

    void Reposition(long offset, long chunk, long first, long firstReadBytes = 0)
    {
        _pipe.Complete();
        _pipe = CreatePipe(offset, firstReadBytes);
        _consumedInPipe = 0;
        _nextChunk = chunk;
        _nextFirst = first;
        _ended = false;
        // Without a footer the chunks before the new position are the scan's (a seek) or none (back to the start).
        _chunksRead.Clear();
        if (_footer is null && chunk > 0) _chunksRead.AddRange(_scanned.AsSpan(0, (int)chunk));
    }

    /// <summary>
    /// Lists chunks by reading only their headers (checked: magic, header CRC, continuity), for seeking in a
    /// trace without footer. Stops at the census or index magic or at the first chunk that does not fit in the file.
    /// </summary>
    ChunkRef[] ScanChunkHeaders()
    {
        var list = new List<ChunkRef>();
        long at = _dataStart;
        long first = 0;
        var h = new byte[FormatLayout.ChunkHeaderSize];
        while (at + FormatLayout.ChunkHeaderSize <= _fileLength)
        {
            _stream.Position = at;
            _stream.ReadExactly(h);
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(h);
            if (magic == FormatLayout.IndexMagic || (magic == FormatLayout.CensusMagic && Version >= FormatLayout.CensusVersion)) break;
            if (magic != FormatLayout.ChunkMagic)
                FormatThrow.Format(_name, at, list.Count, ExpectedAfterChunk, h.AsSpan(0, 4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(FormatLayout.ChunkHeaderCrcOffset)) != Crc32C.Compute(h.AsSpan(0, FormatLayout.ChunkHeaderCrcOffset)))
                FormatThrow.Format(_name, at + FormatLayout.ChunkHeaderCrcOffset, list.Count, "chunk header CRC-32C mismatch", h);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(4));
            long chunkFirst = BinaryPrimitives.ReadInt64LittleEndian(h.AsSpan(8));
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(20));
            if (count is 0 or > TraceWriterOptions.MaxChunkEvents || chunkFirst != first)
                FormatThrow.Format(_name, at + 4, list.Count, $"chunk of {count} events starting at event {chunkFirst}, expected a start at {first}", h.AsSpan(4, 12));
            long end = at + FormatLayout.ChunkHeaderSize + stored;
            if (end > _fileLength) break;
            list.Add(new ChunkRef(at, first, (int)count));
            first += count;
            at = end;
        }
        _scannedEnd = at;
        return [.. list];
    }

    /// <summary>
    /// Reads and checks every chunk from the start: counts, codecs, bytes, truncation. For a seekable
    /// stream the reader is then back at the first event; otherwise it is at the end.
    /// </summary>
    public TraceSummary Summarize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream.CanSeek) Reposition(_dataStart, 0, 0);
        var batch = new EventBatch(1024);
        long events = 0, chunks = 0, raw = 0, stored = 0;
        var codecs = new List<TraceCodec>();
        while (ReadBatch(batch))
        {
            events += batch.Count;
            chunks++;
            raw += _statRaw;
            stored += _statStored;
            if (!codecs.Contains(_statCodec)) codecs.Add(_statCodec);
        }
        long fileBytes = _fileLength >= 0 ? _fileLength : _pipeStart + _consumedInPipe;
        var summary = new TraceSummary(events, chunks, codecs, fileBytes, raw, stored, Truncated, events, HasIndex);
        if (_stream.CanSeek) Reposition(_dataStart, 0, 0);
        return summary;
    }
}
