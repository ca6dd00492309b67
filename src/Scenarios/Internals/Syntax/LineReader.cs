namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// Reads scenario text one line at a time, split at '\n' only (the lexer's rule: '\r' is a blank), so the
/// parser holds one line's tokens, never the file's. The last line is what follows the last '\n' (empty when
/// the text ends with one): there is always at least one line, as the lexer always ends with one. A line is
/// held whole, so its length is capped (<see cref="MaxLineChars"/>): past the cap it is <see cref="TooLong"/>.
/// </summary>
sealed class LineReader(TextReader reader, int bufferChars = LineReader.DefaultBufferChars)
{
    /// <summary>Characters read from the reader at a time; a longer line grows the buffer to hold it.</summary>
    internal const int DefaultBufferChars = 1 << 16;

    /// <summary>
    /// Longest line, in characters without its '\n': far above the longest statement the language's other limits
    /// allow (docs/scenario-language.md, Limits), and what keeps a file that is no scenario (<c>/dev/zero</c>, a
    /// binary) from growing the buffer until memory runs out: the buffer stops at this plus one.
    /// </summary>
    public const int MaxLineChars = 1 << 20;

    char[] _buffer = new char[Math.Max(1, bufferChars)];
    int _start, _end;
    bool _eof, _done;

    /// <summary>Characters read so far (a second reading of the text compares it with the first's).</summary>
    public long CharsRead { get; private set; }

    /// <summary>True once the line returned last was the text's last (it ended at the end of the text, not at '\n').</summary>
    public bool AtLast => _done;

    /// <summary>True once a line was longer than <see cref="MaxLineChars"/>: the reader returned it empty and stopped.</summary>
    public bool TooLong { get; private set; }

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
            if (scanned > MaxLineChars)
            {
                _done = TooLong = true;
                return true;
            }
            Fill();
        }
    }

    /// <summary>
    /// Moves the unread part to the front (growing the buffer when a line fills it, up to a line one longer than
    /// the cap) and reads more.
    /// </summary>
    void Fill()
    {
        int kept = _end - _start;
        // Doubling, but from half the cap straight to the cap plus one (a buffer of the cap alone would be one more copy).
        if (kept == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length >= MaxLineChars / 2 ? MaxLineChars + 1 : _buffer.Length * 2);
        if (_start > 0) Array.Copy(_buffer, _start, _buffer, 0, kept);
        _start = 0;
        _end = kept;
        int n = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
        CharsRead += n;
    }
}
