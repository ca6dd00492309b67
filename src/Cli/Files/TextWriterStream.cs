using System.Text;

namespace TraceTools.Cli.Files;

/// <summary>
/// A write-only stream of UTF-8 bytes that goes to a <see cref="TextWriter"/> as it is written, so a JSON or SARIF
/// report to stdout streams like one to a file instead of being built whole in memory first (a 147 MB JSON report
/// took 810 MB on its way to stdout). The decoder carries a character split between two writes.
/// </summary>
/// <remarks>
/// Hand-written: the runtime has the other direction (<see cref="StreamWriter"/>) and a transcoding stream between
/// encodings, but nothing that writes bytes into a <see cref="TextWriter"/>, which is what the verbs are given.
/// </remarks>
public sealed class TextWriterStream(TextWriter writer) : Stream
{
    readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    char[] _chars = new char[4096];

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int needed = _decoder.GetCharCount(buffer, flush: false);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int n = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars, 0, n);
    }

    /// <inheritdoc/>
    public override void Flush() => writer.Flush();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
}
