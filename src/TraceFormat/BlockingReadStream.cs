namespace TraceTools.TraceFormat;

/// <summary>
/// Read-only view of a local file stream whose asynchronous reads complete synchronously. A
/// <see cref="FileStream"/> opened without <see cref="FileOptions.Asynchronous"/> runs every
/// <c>ReadAsync</c> on the thread pool, so the pipe's refill made the synchronous
/// <see cref="TraceReader.ReadBatch"/> block on a task: ~12% of single-threaded replay was that hand-off
/// (Task.InternalWait, spinning). A read of a local file from the page cache is a memcpy: doing it inline
/// is cheaper than any hand-off. Used only for files, never for pipes or sockets, which may really block:
/// the trace reader wraps trace files in it, the importers their input files.
/// </summary>
/// <param name="inner">The file stream to read.</param>
/// <param name="ownsInner">Whether disposing this stream disposes <paramref name="inner"/>.</param>
public sealed class BlockingReadStream(Stream inner, bool ownsInner = false) : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => true;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// When positive, the most bytes the first read returns (later reads fill what they are given). A reader that
    /// seeks to one chunk knows where it ends: a pipe's first read of its whole buffer (256 KiB) for a chunk of a
    /// hundred bytes made each report lookup of a small chunk a 256 KiB copy.
    /// </summary>
    public int FirstReadLimit { get; set; }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (FirstReadLimit > 0)
        {
            if (buffer.Length > FirstReadLimit) buffer = buffer[..FirstReadLimit];
            FirstReadLimit = 0;
        }
        return inner.Read(buffer);
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        try
        {
            return new ValueTask<int>(Read(buffer.Span));
        }
        catch (Exception e)
        {
            // Same contract as an asynchronous stream: the failure surfaces when the read is awaited.
            return ValueTask.FromException<int>(e);
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush() { }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner) inner.Dispose();
        base.Dispose(disposing);
    }
}
