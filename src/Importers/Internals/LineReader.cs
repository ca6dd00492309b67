using System.Buffers;
using System.IO.Pipelines;

namespace TraceTools.Importers.Internals;

/// <summary>
/// Splits a stream into lines through a <see cref="PipeReader"/>, synchronously: the merge pulls one input at
/// a time. A line is returned as a span into the pipe's buffer (copied only when it crosses a segment) and
/// stays valid until the next call; a trailing <c>\r</c> is dropped. Memory is the pipe's segments plus the
/// longest line, which is capped.
/// </summary>
sealed class LineReader : IDisposable
{
    /// <summary>Longest accepted line: a larger one is an error, not an allocation.</summary>
    public const int MaxLineBytes = 1 << 20;

    readonly PipeReader _pipe;
    readonly string _file;
    ReadOnlySequence<byte> _buffer;
    bool _read;
    bool _completed;
    byte[] _joined = new byte[256];

    public LineReader(Stream stream, string file)
    {
        _pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, minimumReadSize: 1 << 15, leaveOpen: false));
        _file = file;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its newline; false at the end of the input.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            if (!_buffer.IsEmpty)
            {
                var first = _buffer.FirstSpan;
                int nl = first.IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    line = TrimCr(first[..nl]);
                    _buffer = _buffer.Slice(nl + 1);
                    LineNumber++;
                    return true;
                }
                if (!_buffer.IsSingleSegment && _buffer.PositionOf((byte)'\n') is { } at)
                {
                    line = TrimCr(Join(_buffer.Slice(0, at)));
                    _buffer = _buffer.Slice(_buffer.GetPosition(1, at));
                    LineNumber++;
                    return true;
                }
            }
            if (_completed)
            {
                if (_buffer.IsEmpty) { line = default; return false; }
                line = TrimCr(Join(_buffer)); // a last line without newline
                _buffer = default;
                LineNumber++;
                return true;
            }
            if (_buffer.Length > MaxLineBytes)
                ImportThrow.At(_file, LineNumber + 1, 1, $"line longer than {MaxLineBytes} bytes: not a text trace of this format?");
            Fill();
        }
    }

    void Fill()
    {
        if (_read) _pipe.AdvanceTo(_buffer.Start, _buffer.End);
        var pending = _pipe.ReadAsync();
        var result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        _read = true;
        _buffer = result.Buffer;
        _completed = result.IsCompleted;
    }

    ReadOnlySpan<byte> Join(ReadOnlySequence<byte> part)
    {
        int n = (int)Math.Min(part.Length, MaxLineBytes + 1L);
        if (part.Length > MaxLineBytes)
            ImportThrow.At(_file, LineNumber + 1, 1, $"line longer than {MaxLineBytes} bytes: not a text trace of this format?");
        if (_joined.Length < n) _joined = new byte[Math.Max(n, 2 * _joined.Length)];
        part.CopyTo(_joined);
        return _joined.AsSpan(0, n);
    }

    static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    public void Dispose() => _pipe.Complete();
}
