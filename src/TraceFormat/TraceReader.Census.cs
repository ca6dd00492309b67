using System.Buffers.Binary;
using System.Buffers;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// The v4 census section: between the last chunk and the chunk index (docs/trace-format.md, "Census section").
public sealed partial class TraceReader
{
    /// <summary>
    /// The trace's <see cref="DevicePages"/> as its writer stored them (v4), or null: a trace of versions 1..3, one
    /// written without the census, or one cut off (no valid footer). Known at open for a seekable stream; for a
    /// stream that cannot seek, once <see cref="ReadBatchAsync"/> has read past the last chunk and the footer.
    /// </summary>
    public DevicePages? Census { get; private set; }

    /// <summary>Where the census section starts (valid when <see cref="Census"/> is not null).</summary>
    long _censusAt;

    /// <summary>
    /// Checks <see cref="Census"/> against <paramref name="fromEvents"/>, the census of every event read (a
    /// <see cref="DevicePagesBuilder"/> over all batches; null when it overflowed): a census that differs would make replay skip accesses a
    /// rule needs. Throws <see cref="TraceFormatException"/> at the section's offset when they differ; nothing without a census.
    /// </summary>
    public void CheckCensus(DevicePages? fromEvents)
    {
        if (Census is null) return;
        if (fromEvents is null)
            FormatThrow.Footer(_name, _censusAt, $"the census section does not match the events: they touch more than {DevicePages.MaxPages} pages, the most a census holds");
        ulong[] stored = Census.Sorted(), actual = fromEvents.Sorted();
        int i = 0;
        while (i < stored.Length && i < actual.Length && stored[i] == actual[i]) i++;
        if (i == stored.Length && i == actual.Length) return;
        string first = i < actual.Length && (i >= stored.Length || actual[i] < stored[i])
            ? $"misses page 0x{actual[i]:x} that the events touch"
            : $"lists page 0x{stored[i]:x} that no census event touches";
        FormatThrow.Footer(_name, _censusAt, $"the census section does not match the events: it holds {stored.Length} pages, the events touch {actual.Length}; it {first}");
    }

    /// <summary>
    /// With a valid footer: the section fills the bytes between the end of the last chunk (its header says where)
    /// and the index. None: written without a census. A last chunk header that does not check leaves the census
    /// unknown; reading that chunk reports it.
    /// </summary>
    void ReadCensusAtOpen(Footer footer)
    {
        long start = _dataStart;
        if (footer.Chunks.Length > 0)
        {
            var h = new byte[FormatLayout.ChunkHeaderSize];
            _stream.Position = footer.Chunks[^1].Offset;
            _stream.ReadExactly(h);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != FormatLayout.ChunkMagic
                || BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(FormatLayout.ChunkHeaderCrcOffset)) != Crc32C.Compute(h.AsSpan(0, FormatLayout.ChunkHeaderCrcOffset)))
                return;
            start = footer.Chunks[^1].Offset + FormatLayout.ChunkHeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(20));
            if (start > footer.IndexOffset) return;
        }
        long gap = footer.IndexOffset - start;
        if (gap == 0) return;
        if (gap < FormatLayout.CensusFrameSize)
            FormatThrow.Footer(_name, start, $"{gap} bytes between the last chunk and the chunk index: too few for a census section");
        var frame = new byte[8];
        _stream.Position = start;
        _stream.ReadExactly(frame);
        int body = CensusCodec.BodyLength(frame, start, gap - FormatLayout.CensusFrameSize, _name);
        var section = new byte[FormatLayout.CensusFrameSize + body];
        _stream.Position = start;
        _stream.ReadExactly(section);
        Census = CensusCodec.Decode(section, start, footer.TotalEvents, _name);
        _censusAt = start;
    }

    /// <summary>
    /// After the last chunk, at <paramref name="at"/>: the census section, then the index and trailer. Decoded here
    /// when the open did not (a stream that cannot seek); it counts only once the footer after it checks.
    /// </summary>
    async ValueTask ReadCensusInStreamAsync(long at, CancellationToken ct)
    {
        var result = await _pipe.ReadAtLeastAsync(8, ct).ConfigureAwait(false);
        var buffer = result.Buffer;
        if (buffer.Length < 8)
        {
            _pipe.AdvanceTo(buffer.Start, buffer.End);
            CensusCut(at);
            return;
        }
        var frame = buffer.Slice(0, 8).ToArray();
        _pipe.AdvanceTo(buffer.Start);
        int body = CensusCodec.BodyLength(frame, at, MaxCensusBody(at), _name);
        int length = FormatLayout.CensusFrameSize + body;
        if (_fileLength >= 0 && at + length > _fileLength)
        {
            CensusCut(at);
            return;
        }
        result = await _pipe.ReadAtLeastAsync(length, ct).ConfigureAwait(false);
        buffer = result.Buffer;
        if (buffer.Length < length)
        {
            _pipe.AdvanceTo(buffer.Start, buffer.End);
            CensusCut(at);
            return;
        }
        DevicePages? census = null;
        try
        {
            // With a footer the open has checked and decoded the section already.
            if (_footer is null) census = CensusCodec.Decode(buffer.Slice(0, length).ToArray(), at, _nextFirst, _name);
        }
        finally
        {
            _pipe.AdvanceTo(buffer.GetPosition(length));
        }
        _consumedInPipe += length;
        await ReadFooterInStreamAsync(at + length, ct).ConfigureAwait(false);
        if (!Truncated && census is not null)
        {
            Census = census;
            _censusAt = at;
        }
    }

    /// <summary>
    /// The body a census section at <paramref name="at"/> can have: up to the index, else what the events allow (a
    /// longer one is an error; one that runs past the end of a file without footer is a cut, checked after).
    /// </summary>
    long MaxCensusBody(long at)
    {
        if (_footer is not null) return _footer.IndexOffset - at - FormatLayout.CensusFrameSize;
        // Count varint + at most 2 pages per event, each delta below 2^52: 8 bytes.
        return Math.Min(Varint.MaxLength + _nextFirst * 16, CensusCodec.MaxBody);
    }

    void CensusCut(long at)
    {
        if (_footer is not null) FormatThrow.Footer(_name, at, "the census section is cut off before the chunk index");
        Truncated = true;
        _ended = true;
    }
}
