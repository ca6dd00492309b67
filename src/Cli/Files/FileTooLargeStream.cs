namespace TraceTools.Cli.Files;

/// <summary>
/// An output file stream whose "file too large" error is an <see cref="IOException"/> like every other write error.
/// Past the process's file-size limit (<c>ulimit -f</c>, SIGXFSZ ignored) a write fails with EFBIG, which the runtime
/// raises as an <see cref="ArgumentOutOfRangeException"/>; caught as such around the whole write, it could not be told
/// from a bug of ours, so only the file's own operations convert it, here.
/// </summary>
sealed class FileTooLargeStream(FileStream inner) : Stream
{
    /// <summary>EFBIG: <see cref="FileError.Reason"/> reads it from the low bits of the HResult.</summary>
    const int Efbig = 27;

    public override bool CanRead => false;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => Guard(() => inner.Position = value);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try { inner.Write(buffer); }
        catch (ArgumentOutOfRangeException e) { throw TooLarge(e); }
    }

    public override void WriteByte(byte value)
    {
        try { inner.WriteByte(value); }
        catch (ArgumentOutOfRangeException e) { throw TooLarge(e); }
    }

    public override void Flush() => Guard(inner.Flush);
    public override long Seek(long offset, SeekOrigin origin) => Guard(() => inner.Seek(offset, origin));
    public override void SetLength(long value) => Guard(() => inner.SetLength(value));
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Guard(inner.Dispose);
        base.Dispose(disposing);
    }

    static void Guard(Action operation)
    {
        try { operation(); }
        catch (ArgumentOutOfRangeException e) { throw TooLarge(e); }
    }

    static T Guard<T>(Func<T> operation)
    {
        try { return operation(); }
        catch (ArgumentOutOfRangeException e) { throw TooLarge(e); }
    }

    static IOException TooLarge(ArgumentOutOfRangeException e) => new("file too large", e) { HResult = Efbig };
}
