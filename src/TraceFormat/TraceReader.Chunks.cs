using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// Sequential chunk reading: header, stored bytes, CRC, codec, columns.
public sealed partial class TraceReader
{
    byte[] _stored = [];
    readonly byte[] _header = new byte[FormatLayout.ChunkHeaderSize];
    long _nextChunk;
    long _nextFirst;
    bool _ended;
    /// <summary>The chunks read while no footer is known (24 bytes per chunk of at least 36 read), for the index met after them.</summary>
    readonly List<ChunkRef> _chunksRead = [];

    // Per-chunk facts for Summarize.
    long _statRaw, _statStored;
    TraceCodec _statCodec;


    /// <summary>Decodes the next chunk into <paramref name="batch"/>; false at the end of the complete chunks.</summary>
    public bool ReadBatch(EventBatch batch)
    {
        var pending = ReadBatchAsync(batch);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Decodes the next chunk into <paramref name="batch"/> (reset first; its arrays are reused). Returns
    /// false at the end: after the last chunk, or at a partial chunk of a cut-off trace (then <see cref="Truncated"/>).
    /// </summary>
    public ValueTask<bool> ReadBatchAsync(EventBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended) return new ValueTask<bool>(false);
        // Fast path: the whole next chunk is already buffered, no async machinery at all.
        return TryDecodeBufferedChunk(batch) ? new ValueTask<bool>(true) : ReadBatchSlowAsync(batch, ct);
    }

    /// <summary>Decodes the next chunk when the pipe already holds all of it; false (nothing consumed) otherwise.</summary>
    bool TryDecodeBufferedChunk(EventBatch batch)
    {
        if (!_pipe.TryRead(out var result)) return false;
        var buffer = result.Buffer;
        if (buffer.Length < FormatLayout.ChunkHeaderSize || ReadU32(buffer) != FormatLayout.ChunkMagic)
        {
            _pipe.AdvanceTo(buffer.Start);
            return false;
        }
        long at = _pipeStart + _consumedInPipe;
        buffer.Slice(0, FormatLayout.ChunkHeaderSize).CopyTo(_header);
        ChunkHeader h;
        try
        {
            h = ParseChunkHeader(at);
        }
        catch
        {
            _pipe.AdvanceTo(buffer.Start);
            throw;
        }
        int need = FormatLayout.ChunkHeaderSize + h.Stored;
        if (buffer.Length < need)
        {
            _pipe.AdvanceTo(buffer.Start);
            return false;
        }
        ConsumeChunk(buffer, h, at, need, batch);
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    async ValueTask<bool> ReadBatchSlowAsync(EventBatch batch, CancellationToken ct)
    {

        // The chunk header (or the census section or the index magic after the last chunk).
        var result = await _pipe.ReadAtLeastAsync(FormatLayout.ChunkHeaderSize, ct).ConfigureAwait(false);
        var buffer = result.Buffer;
        long at = _pipeStart + _consumedInPipe;
        if (Version >= FormatLayout.CensusVersion && buffer.Length >= 4 && ReadU32(buffer) == FormatLayout.CensusMagic)
        {
            _pipe.AdvanceTo(buffer.Start);
            _ended = true;
            await ReadCensusInStreamAsync(at, ct).ConfigureAwait(false);
            return false;
        }
        if (buffer.Length >= 4 && ReadU32(buffer) == FormatLayout.IndexMagic)
        {
            _pipe.AdvanceTo(buffer.Start);
            await ReadFooterInStreamAsync(at, ct).ConfigureAwait(false);
            return false;
        }
        if (buffer.Length < FormatLayout.ChunkHeaderSize)
        {
            _pipe.AdvanceTo(buffer.Start, buffer.End);
            if (buffer.Length >= 4 && ReadU32(buffer) != FormatLayout.ChunkMagic) BadChunkMagic(buffer, at);
            EndTruncated(at);
            return false;
        }
        buffer.Slice(0, FormatLayout.ChunkHeaderSize).CopyTo(_header);
        _pipe.AdvanceTo(buffer.Start);
        var h = ParseChunkHeader(at);

        // The stored payload: stop early (truncated) when the file is known to be too short.
        long end = at + FormatLayout.ChunkHeaderSize + h.Stored;
        if (_fileLength >= 0 && end > _fileLength)
        {
            EndTruncated(at);
            return false;
        }
        int need = FormatLayout.ChunkHeaderSize + h.Stored;
        result = await _pipe.ReadAtLeastAsync(need, ct).ConfigureAwait(false);
        buffer = result.Buffer;
        if (buffer.Length < need)
        {
            _pipe.AdvanceTo(buffer.Start, buffer.End);
            EndTruncated(at);
            return false;
        }
        ConsumeChunk(buffer, h, at, need, batch);
        return true;
    }

    long _consumedInPipe;

    /// <summary>Decodes the chunk at the start of <paramref name="buffer"/> (header + stored bytes) and moves past it.</summary>
    void ConsumeChunk(in ReadOnlySequence<byte> buffer, in ChunkHeader h, long at, int need, EventBatch batch)
    {
        var consumed = buffer.GetPosition(need);
        try
        {
            DecodeChunk(buffer.Slice(FormatLayout.ChunkHeaderSize, h.Stored), h, at, batch);
        }
        finally
        {
            _pipe.AdvanceTo(consumed);
        }
        _consumedInPipe += need;
        // Without a footer at open (a stream) the index is met only after the chunks: keep what each was, to hold it to.
        if (_footer is null) _chunksRead.Add(new ChunkRef(at, _nextFirst, h.Count));
        _nextChunk++;
        _nextFirst += h.Count;
    }

    static uint ReadU32(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> b = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    void BadChunkMagic(in ReadOnlySequence<byte> buffer, long at)
    {
        Span<byte> b = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(b);
        FormatThrow.Format(_name, at, _nextChunk, ExpectedAfterChunk, b);
    }

    void EndTruncated(long at)
    {
        if (_footer is not null)
            FormatThrow.Format(_name, at, _nextChunk, $"chunk {_nextChunk} is cut off before the chunk index the footer puts at {_footer.IndexOffset}");
        Truncated = true;
        _ended = true;
    }

    const int MaxLz4Ratio = 255;

    /// <summary>What may follow a chunk: another chunk, the census section (v4), or the chunk index.</summary>
    string ExpectedAfterChunk => Version >= FormatLayout.CensusVersion
        ? "expected a chunk header, the census section or the chunk index"
        : "expected a chunk header or the chunk index";

    readonly record struct ChunkHeader(int Count, long First, int Raw, int Stored, TraceCodec Codec, uint Crc);

    ChunkHeader ParseChunkHeader(long at)
    {
        var h = _header.AsSpan();
        long k = _nextChunk;
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != FormatLayout.ChunkMagic)
            FormatThrow.Format(_name, at, k, ExpectedAfterChunk, h[..4]);
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[FormatLayout.ChunkHeaderCrcOffset..]);
        uint actual = Crc32C.Compute(h[..FormatLayout.ChunkHeaderCrcOffset]);
        if (headerCrc != actual)
            FormatThrow.Format(_name, at + FormatLayout.ChunkHeaderCrcOffset, k, $"chunk header CRC-32C is 0x{actual:x8} but the header says 0x{headerCrc:x8}", h[..FormatLayout.ChunkHeaderSize]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        long first = BinaryPrimitives.ReadInt64LittleEndian(h[8..]);
        uint raw = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        byte codec = h[24];
        if (count is 0 or > TraceWriterOptions.MaxChunkEvents)
            FormatThrow.Format(_name, at + 4, k, $"chunk of {count} events (1..{TraceWriterOptions.MaxChunkEvents})", h.Slice(4, 4));
        if (first != _nextFirst)
            FormatThrow.Format(_name, at + 8, k, $"chunk starts at event {first}, but the previous chunk ended at {_nextFirst}", h.Slice(8, 8));
        if (raw > FormatLayout.MaxRawLength)
            FormatThrow.Format(_name, at + 16, k, $"raw length {raw} exceeds {FormatLayout.MaxRawLength}", h.Slice(16, 4));
        if (raw < FormatLayout.ColumnTableSize(_ctx.Version) + 2L * count)
            FormatThrow.Format(_name, at + 16, k, $"raw length {raw} is too short for {count} events", h.Slice(16, 4));
        if (h[25] != 0 || h[26] != 0 || h[27] != 0)
            FormatThrow.Format(_name, at + 25, k, "reserved chunk header bytes must be 0", h.Slice(25, 3));
        switch ((TraceCodec)codec)
        {
            case TraceCodec.None when stored != raw:
                FormatThrow.Format(_name, at + 20, k, $"stored length {stored} differs from raw length {raw} under codec none", h.Slice(20, 4));
                break;
            case TraceCodec.Lz4 when stored == 0 || stored > Lz4Native.CompressBound((int)raw):
                FormatThrow.Format(_name, at + 20, k, $"stored length {stored} is impossible for LZ4 of {raw} bytes", h.Slice(20, 4));
                break;
            case TraceCodec.Lz4 when raw > (long)stored * MaxLz4Ratio:
                // LZ4 cannot expand a block more than 255-fold: a larger raw length is a lie, refused before allocating.
                FormatThrow.Format(_name, at + 16, k, $"raw length {raw} is impossible for {stored} LZ4 bytes", h.Slice(16, 4));
                break;
            case TraceCodec.None or TraceCodec.Lz4:
                break;
            default:
                FormatThrow.Format(_name, at + 24, k, $"unknown codec {codec}", h.Slice(24, 1));
                break;
        }
        if (_footer is not null)
        {
            if (k >= _footer.Chunks.Length || _footer.Chunks[k].Offset != at || _footer.Chunks[k].Count != count)
                FormatThrow.Format(_name, at, k, $"chunk of {count} events at offset {at} does not match the footer's index");
            if (at + FormatLayout.ChunkHeaderSize + stored > _footer.IndexOffset)
                FormatThrow.Format(_name, at + 20, k, $"stored length {stored} runs into the chunk index at {_footer.IndexOffset}", h.Slice(20, 4));
        }
        return new ChunkHeader((int)count, first, (int)raw, (int)stored, (TraceCodec)codec, BinaryPrimitives.ReadUInt32LittleEndian(h[28..]));
    }

    void DecodeChunk(in ReadOnlySequence<byte> stored, in ChunkHeader h, long at, EventBatch batch)
    {
        long payloadAt = at + FormatLayout.ChunkHeaderSize;
        ReadOnlySpan<byte> bytes;
        if (stored.IsSingleSegment)
        {
            bytes = stored.FirstSpan;
        }
        else
        {
            if (_stored.Length < h.Stored) _stored = new byte[Math.Max(h.Stored, Math.Min(_stored.Length * 2, FormatLayout.MaxStoredLength))];
            stored.CopyTo(_stored);
            bytes = _stored.AsSpan(0, h.Stored);
        }
        uint crc = Crc32C.Compute(bytes);
        if (crc != h.Crc)
            FormatThrow.Format(_name, payloadAt, _nextChunk, $"stored bytes have CRC-32C 0x{crc:x8} but the chunk header says 0x{h.Crc:x8}", bytes[..Math.Min(16, bytes.Length)]);

        // The chunk decodes into the data buffer of the batch being filled: the caller handed the batch back to be
        // refilled, so its bytes are dead. One buffer per batch, reused chunk after chunk, where lending the reader's
        // own buffer to the batch and taking the batch's previous one back kept one more buffer alive per reader
        // (about 1.4 MB at 64 Ki events, first-touched) and alternated between the two. An eighth more than the first
        // chunk needs, so that a slightly larger chunk later does not allocate again.
        int rawNeed = ChunkDecoder.BufferLength(h.Raw, h.Count);
        var raw = batch.Data;
        if (raw.Length < rawNeed)
            raw = batch.Data = new byte[Math.Max(rawNeed + rawNeed / 8, Math.Min(raw.Length * 2, FormatLayout.MaxRawLength + Varint.Padding))];
        if (h.Codec == TraceCodec.Lz4)
        {
            if (!Lz4Native.TryDecompress(bytes, raw.AsSpan(0, h.Raw)))
                FormatThrow.Format(_name, payloadAt, _nextChunk, $"LZ4 block does not decode to the declared {h.Raw} raw bytes", bytes[..Math.Min(16, bytes.Length)]);
        }
        else
        {
            bytes.CopyTo(raw);
        }
        raw.AsSpan(h.Raw, Varint.Padding).Clear();
        var origin = new ChunkOrigin(_name, _nextChunk, payloadAt, h.Codec == TraceCodec.None);
        // The batch's buffer in, and back out: Decode returns the batch's previous buffer, which is this one.
        ChunkDecoder.Decode(ref raw, h.Raw, h.Count, h.First, _ctx, _scratch, batch, origin);
        _statRaw = h.Raw;
        _statStored = h.Stored;
        _statCodec = h.Codec;
    }

    /// <summary>
    /// Each entry of an index met after its chunks (read as a stream) must list the chunk read there: its offset and
    /// count (its first event follows from the counts, checked by <see cref="ParseFooter"/>). A seekable read holds each
    /// chunk to the index as it reads it instead.
    /// </summary>
    void HoldIndexToChunksRead(Footer footer, byte[] block)
    {
        for (int k = 0; k < footer.Chunks.Length; k++)
        {
            var (listed, read) = (footer.Chunks[k], _chunksRead[k]);
            long at = footer.IndexOffset + 4 + k * FormatLayout.IndexEntrySize;
            var entry = block.AsSpan(4 + k * FormatLayout.IndexEntrySize, FormatLayout.IndexEntrySize);
            if (listed.Offset != read.Offset)
                FormatThrow.Footer(_name, at, $"index entry {k} puts chunk {k} at offset {listed.Offset}, but it was read at {read.Offset}", entry[..8]);
            if (listed.Count != read.Count)
                FormatThrow.Footer(_name, at + 16, $"index entry {k} gives chunk {k} {listed.Count} events, but it holds {read.Count}", entry.Slice(16, 4));
        }
    }

    /// <summary>After the last chunk: the index and the trailer must be exactly the rest of the stream.</summary>
    async ValueTask ReadFooterInStreamAsync(long at, CancellationToken ct)
    {
        _ended = true;
        if (_footer is not null && (at != _footer.IndexOffset || _nextChunk != _footer.Chunks.Length))
            FormatThrow.Footer(_name, at, $"the chunk index starts at {at} after {_nextChunk} chunks, but the trailer puts it at {_footer.IndexOffset} after {_footer.Chunks.Length}");
        long need = 4 + _nextChunk * FormatLayout.IndexEntrySize + FormatLayout.TrailerSize;
        if (need > int.MaxValue - 1)
            FormatThrow.Footer(_name, at, $"{_nextChunk} chunks is beyond the index this reader holds");
        var result = await _pipe.ReadAtLeastAsync((int)need + 1, ct).ConfigureAwait(false);
        var buffer = result.Buffer;
        try
        {
            if (buffer.Length < need)
            {
                if (_footer is not null)
                    FormatThrow.Footer(_name, at, $"the footer is cut off: {buffer.Length} of its {need} bytes");
                Truncated = true;
                return;
            }
            if (buffer.Length > need)
                FormatThrow.Footer(_name, at + need, $"{buffer.Length - need}{(result.IsCompleted ? "" : " or more")} bytes after the trailer");
            var block = buffer.Slice(0, need - FormatLayout.TrailerSize).ToArray();
            var trailer = buffer.Slice(need - FormatLayout.TrailerSize).ToArray();
            long trailerAt = at + need - FormatLayout.TrailerSize;
            var footer = ParseFooter(trailer, trailerAt, count => count == _nextChunk ? block : null);
            if (footer is null)
            {
                if (_footer is not null) FormatThrow.Footer(_name, at, "the footer changed while reading");
                Truncated = true;
                return;
            }
            if (footer.TotalEvents != _nextFirst)
                FormatThrow.Footer(_name, trailerAt + FormatLayout.TrailerTotalEventsOffset, $"the trailer counts {footer.TotalEvents} events but the chunks hold {_nextFirst}");
            if (_footer is null) HoldIndexToChunksRead(footer, block);
            _footer ??= footer;
        }
        finally
        {
            _pipe.AdvanceTo(buffer.End);
        }
    }
}
