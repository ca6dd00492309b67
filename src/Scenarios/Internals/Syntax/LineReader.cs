namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// Reads scenario text one line at a time, split at '\n' only (the lexer's rule: '\r' is a blank), so the
/// parser holds one line's tokens, never the file's. The last line is what follows the last '\n' (empty when
/// the text ends with one): there is always at least one line, as the lexer always ends with one.
/// </summary>
sealed class LineReader(TextReader reader, int bufferChars = LineReader.DefaultBufferChars)
{
    /// <summary>Characters read from the reader at a time; a longer line grows the buffer to hold it.</summary>
    internal const int DefaultBufferChars = 1 << 16;

    char[] _buffer = new char[Math.Max(1, bufferChars)];
    int _start, _end;
    bool _eof, _done;

    /// <summary>Characters read so far (a second reading of the text compares it with the first's).</summary>
    public long CharsRead { get; private set; }

    /// <summary>True once the line returned last was the text's last (it ended at the end of the text, not at '\n').</summary>
    public bool AtLast => _done;

    /// <summary>The next line without its '\n'; false after the last line. The span is valid until the next call.</summary>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        line = default;
        if (_done) return false;
        int scanned = _start;
        while (true)
        {
            int nl = Array.IndexOf(_buffer, '\n', scanned, _end - scanned);
            if (nl >= 0)
            {
                line = _buffer.AsSpan(_start, nl - _start);
                _start = nl + 1;
                return true;
            }
            if (_eof)
            {
                line = _buffer.AsSpan(_start, _end - _start);
                _start = _end;
                _done = true;
                return true;
            }
            scanned = _end - _start;
            Fill();
        }
    }

    /// <summary>Moves the unread part to the front (growing the buffer when a line fills it) and reads more.</summary>
    void Fill()
    {
        int kept = _end - _start;
        if (kept == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        if (_start > 0) Array.Copy(_buffer, _start, _buffer, 0, kept);
        _start = 0;
        _end = kept;
        int n = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
        CharsRead += n;
    }
}
