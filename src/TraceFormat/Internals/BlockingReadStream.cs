namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Read-only view of a local file stream whose asynchronous reads complete synchronously. A
/// <see cref="FileStream"/> opened without <see cref="FileOptions.Asynchronous"/> runs every
/// <c>ReadAsync</c> on the thread pool, so the pipe's refill made the synchronous
/// <see cref="TraceReader.ReadBatch"/> block on a task: ~12% of single-threaded replay was that hand-off
/// (Task.InternalWait, spinning). A read of a local file from the page cache is a memcpy: doing it inline
/// is cheaper than any hand-off. Used only for files, never for pipes or sockets, which may really block.
/// </summary>
sealed class BlockingReadStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        try
        {
            return new ValueTask<int>(inner.Read(buffer.Span));
        }
        catch (Exception e)
        {
            // Same contract as an asynchronous stream: the failure surfaces when the read is awaited.
            return ValueTask.FromException<int>(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
