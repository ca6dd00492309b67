namespace TraceTools.Importers.Internals;

/// <summary>
/// A file stream whose <c>ReadAsync</c> reads inline. A <see cref="FileStream"/> opened for synchronous
/// I/O runs <c>ReadAsync</c> on the thread pool, so each refill of the line pipe waited for a pool thread:
/// on a loaded machine that hand-off, not the parsing, dominated the wall time. Reading a file from the page
/// cache is a copy, cheaper inline. (The trace reader does the same for traces; this is the importers' own
/// copy because that one is internal to TraceFormat.) Used for files only, never stdin or pipes.
/// </summary>
sealed class InlineReadStream(Stream inner) : Stream
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
        catch (IOException e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
