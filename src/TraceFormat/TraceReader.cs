using System.Buffers.Binary;
using System.IO.Pipelines;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

/// <summary>
/// Reads a trace: the header and metadata at open, then one chunk per <see cref="ReadBatchAsync"/> into a
/// reused <see cref="EventBatch"/>, through a <see cref="PipeReader"/> over the stream. Every malformed byte
/// raises <see cref="TraceFormatException"/>; a trace cut off anywhere after the header yields its complete
/// chunks and reports <see cref="Truncated"/>.
/// </summary>
public sealed partial class TraceReader : IDisposable, IAsyncDisposable
{
    readonly Stream _stream;
    readonly bool _ownsStream;
    readonly string _name;
    readonly EventContext _ctx;
    readonly long _dataStart;
    readonly long _fileLength; // -1 when the stream cannot tell
    readonly DecodeScratch _scratch;
    PipeReader _pipe;
    long _pipeStart;
    bool _disposed;

    TraceReader(Stream stream, bool ownsStream, string name)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _name = name;
        _fileLength = stream.CanSeek ? stream.Length : -1;
        long start = stream.CanSeek ? stream.Position : 0;
        (Metadata, _dataStart) = ReadHeader(start);
        _ctx = new EventContext(Metadata, Version);
        _scratch = new DecodeScratch(_ctx.AgentCount);
        if (stream.CanSeek) ReadFooterAtOpen();
        _pipe = CreatePipe(_dataStart);
    }

    /// <summary>Opens the file at <paramref name="path"/> and reads and validates its header (and footer).</summary>
    public static TraceReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            return new TraceReader(file, ownsStream: true, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a trace from <paramref name="stream"/>, named <paramref name="displayName"/> in messages. The
    /// reader does not own the stream. Without seeking, only sequential reading is possible.
    /// </summary>
    public static TraceReader Open(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new TraceReader(stream, ownsStream: false, displayName);
    }

    /// <summary>What the header declares.</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>The file's format version (1..4; docs/trace-format.md).</summary>
    public int Version { get; private set; }

    /// <summary>The name used in messages.</summary>
    public string FileName => _name;

    /// <summary>
    /// True once reading found the trace cut off (no usable footer, a partial chunk at the end). Known at
    /// open for a seekable stream without a valid footer; otherwise when <see cref="ReadBatchAsync"/> ends.
    /// </summary>
    public bool Truncated { get; private set; }

    /// <summary>True when the footer's chunk index is present and valid (known at open for seekable streams).</summary>
    public bool HasIndex => _footer is not null;

    /// <summary>Total events per the footer, or -1 without one.</summary>
    public long IndexedEventCount => _footer?.TotalEvents ?? -1;

    /// <summary>The number of chunks the footer's index lists; -1 without a footer.</summary>
    public long IndexedChunkCount => _footer?.Chunks.Length ?? -1;

    /// <summary>
    /// The byte offset of the trailer's total-events field (what <see cref="IndexedEventCount"/> reads), for messages
    /// about that count; -1 without a footer.
    /// </summary>
    public long IndexedEventCountOffset =>
        _footer is { } f ? f.IndexOffset + 4 + (long)f.Chunks.Length * FormatLayout.IndexEntrySize + FormatLayout.TrailerTotalEventsOffset : -1;

    /// <summary>Size of the pipe's reads from the trace.</summary>
    const int PipeBufferSize = 1 << 18;

    /// <summary>
    /// A pipe reading from <paramref name="offset"/>; when <paramref name="firstReadBytes"/> is positive its first read
    /// takes that many bytes (rounded up to 4 KiB), not a buffer's worth.
    /// </summary>
    PipeReader CreatePipe(long offset, long firstReadBytes = 0)
    {
        if (_stream.CanSeek) _stream.Position = offset;
        _pipeStart = offset;
        // Files are read inline (see BlockingReadStream); other streams keep their own async reads.
        Stream source = _stream is FileStream
            ? new BlockingReadStream(_stream) { FirstReadLimit = firstReadBytes <= 0 ? 0 : (int)Math.Min(PipeBufferSize, (firstReadBytes + 4095) & ~4095L) }
            : _stream;
        return PipeReader.Create(source, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, minimumReadSize: 1 << 16, leaveOpen: true));
    }

    (TraceMetadata, long) ReadHeader(long start)
    {
        var h = new byte[FormatLayout.FileHeaderSize];
        int got = _stream.ReadAtLeast(h, h.Length, throwOnEndOfStream: false);
        if (got < h.Length)
            FormatThrow.Format(_name, start + got, -1, $"the file ends after {got} bytes, inside the {h.Length}-byte header", h.AsSpan(0, got));
        if (!h.AsSpan(0, 8).SequenceEqual(FormatLayout.FileMagic))
        {
            string hint = h.AsSpan(0, 8).IndexOf((byte)'\r') < 0 && h.AsSpan(0, 8).IndexOf((byte)'T') == 1 ? " (newlines translated in transfer?)" : "";
            FormatThrow.NotATrace(_name, start, $"not a TraceTools trace: bad magic{hint}", h.AsSpan(0, 8));
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(8));
        if (version is < FormatLayout.MinVersion or > FormatLayout.Version)
            FormatThrow.Format(_name, start + 8, -1, $"format version {version}; this reader reads versions {FormatLayout.MinVersion}..{FormatLayout.Version}", h.AsSpan(8, 2));
        Version = version;
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(10));
        if (flags != 0) FormatThrow.Format(_name, start + 10, -1, $"header flags 0x{flags:x4} are reserved and must be 0", h.AsSpan(10, 2));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(12));
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(16));
        if (length > FormatLayout.MaxMetadataLength)
            FormatThrow.Format(_name, start + 12, -1, $"metadata length {length} exceeds {FormatLayout.MaxMetadataLength}", h.AsSpan(12, 4));
        if (_fileLength >= 0 && start + h.Length + length > _fileLength)
            FormatThrow.Format(_name, start + 12, -1, $"metadata length {length} runs past the end of the {_fileLength}-byte file", h.AsSpan(12, 4));
        var block = new byte[length];
        got = _stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
        if (got < block.Length)
            FormatThrow.Format(_name, start + h.Length + got, -1, $"the file ends inside the {length}-byte metadata");
        uint actual = Crc32C.Compute(block);
        if (actual != crc)
            FormatThrow.Format(_name, start + 16, -1, $"metadata CRC-32C is 0x{actual:x8} but the header says 0x{crc:x8}", h.AsSpan(16, 4));
        var metadata = MetadataCodec.Decode(block, _name, start + h.Length, version);
        return (metadata, start + h.Length + length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pipe.Complete();
        if (_ownsStream) _stream.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _pipe.CompleteAsync().ConfigureAwait(false);
        if (_ownsStream) await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
