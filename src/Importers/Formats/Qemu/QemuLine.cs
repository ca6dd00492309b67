using TraceTools.Importers.Internals;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// The fields of one QEMU log line after its keyword, read in order as <c>key value</c> pairs
/// (<c>cpu 0 addr 0x9020010 size 8</c>). A missing or unreadable field is a malformed line whose column
/// points at it; on a line no option may skip (<see cref="NeverSkipped"/>) it stops the import even with
/// <c>--skip-malformed</c>.
/// </summary>
ref struct QemuLine
{
    readonly ReadOnlySpan<byte> _line;
    readonly ImportSink _sink;
    readonly string? _neverSkipped;
    ReadOnlySpan<byte> _rest;

    /// <summary>The fields of <paramref name="line"/> from <paramref name="rest"/> on, reporting to <paramref name="sink"/>.</summary>
    /// <param name="line">The whole line, for columns.</param>
    /// <param name="rest">The line after its keyword.</param>
    /// <param name="sink">Where malformed lines are reported.</param>
    /// <param name="neverSkipped">Why this line may not be skipped (appended to its error), or null for a line <c>--skip-malformed</c> may count and skip.</param>
    public QemuLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> rest, ImportSink sink, string? neverSkipped = null)
    {
        _line = line;
        _rest = rest;
        _sink = sink;
        _neverSkipped = neverSkipped;
    }

    /// <summary>
    /// Why a plugin line may not be skipped, or null. A dropped barrier or cache maintenance changes what the
    /// replay reports (a false stale-dma-read), and the header says what every other line means.
    /// </summary>
    public static string? NeverSkipped(ReadOnlySpan<byte> keyword) =>
        keyword.SequenceEqual("tt_barrier"u8) ? "a barrier line is never skipped, --skip-malformed or not: without it the replay would report orderings the program had"
        : keyword.SequenceEqual("tt_cache"u8) ? "a cache maintenance line is never skipped, --skip-malformed or not: without it the replay would report stale data the program cleaned"
        : keyword.SequenceEqual("tt_info"u8) ? "the log's header is never skipped, --skip-malformed or not: it says what every other line means"
        : null;

    /// <summary>A malformed line at <paramref name="column"/>: counted and skipped when allowed, else the import stops. Returns false.</summary>
    public readonly bool Fail(string detail, int column = 0)
    {
        if (_neverSkipped is null) return _sink.Malformed(detail, column);
        ImportThrow.At(_sink.File, _sink.Line, column, $"{detail} ({_neverSkipped})");
        return false;
    }

    /// <summary>True (and consumes it) when the next token is <paramref name="key"/>.</summary>
    public bool TryKey(ReadOnlySpan<byte> key)
    {
        var saved = _rest;
        if (Next().SequenceEqual(key)) return true;
        _rest = saved;
        return false;
    }

    /// <summary>The word after <paramref name="key"/>.</summary>
    public bool Word(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        if (!Key(key)) { value = default; return false; }
        value = Next();
        return !value.IsEmpty || Fail($"'{LineText.Show(key)}' has no value", LineText.Column(_line, value));
    }

    /// <summary><c>key 'TEXT'</c> as the last field: the text between the quotes, which may hold spaces.</summary>
    public bool QuotedToEnd(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (!Key(key)) return false;
        var rest = _rest.TrimStart((byte)' ');
        if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'')
            return Fail($"{LineText.Show(key)} is not quoted to the end of the line (expected {LineText.Show(key)} 'TEXT')", LineText.Column(_line, rest));
        text = rest[1..^1];
        _rest = default;
        return true;
    }

    /// <summary><c>key 0xHEX</c>; with <paramref name="keyRead"/>, the key was consumed by <see cref="TryKey"/>.</summary>
    public bool Hex(ReadOnlySpan<byte> key, out ulong value, bool keyRead = false)
    {
        value = 0;
        ReadOnlySpan<byte> token;
        if (keyRead)
        {
            token = Next();
            if (token.IsEmpty) return Fail($"'{LineText.Show(key)}' has no value", LineText.Column(_line, token));
        }
        else if (!Word(key, out token)) return false;
        return token.Length > 2 && token[0] == '0' && token[1] == 'x' && LineText.TryHex(token, out value)
            || Bad(key, token, "0x hex");
    }

    /// <summary><c>key DECIMAL</c>, at most <paramref name="max"/>.</summary>
    public bool Decimal(ReadOnlySpan<byte> key, ulong max, out ulong value) => Decimal(key, 0, max, out value);

    /// <summary><c>key DECIMAL</c> in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public bool Decimal(ReadOnlySpan<byte> key, ulong min, ulong max, out ulong value)
    {
        value = 0;
        if (!Word(key, out var token)) return false;
        return LineText.TryDecimal(token, out value) && value >= min && value <= max
            || Bad(key, token, min == 0 ? $"a decimal number up to {max}" : $"a decimal number in {min}..{max}");
    }

    /// <summary>True when nothing but spaces is left; otherwise a malformed line.</summary>
    public readonly bool End()
    {
        var rest = _rest.TrimStart((byte)' ');
        return rest.IsEmpty || Fail($"unexpected '{LineText.Show(rest)}' at the end of the line", LineText.Column(_line, rest));
    }

    /// <summary>A malformed line at <paramref name="token"/>.</summary>
    public readonly bool Bad(ReadOnlySpan<byte> key, ReadOnlySpan<byte> token, string expected) =>
        Fail($"{LineText.Show(key)} '{LineText.Show(token)}' (expected {expected})", LineText.Column(_line, token));

    /// <summary>The next token, consumed.</summary>
    ReadOnlySpan<byte> Next()
    {
        var rest = _rest.TrimStart((byte)' ');
        int end = rest.IndexOf((byte)' ');
        if (end < 0) end = rest.Length;
        _rest = rest[end..];
        return rest[..end];
    }

    bool Key(ReadOnlySpan<byte> key)
    {
        var token = Next();
        return token.SequenceEqual(key) || Missing(key, token);
    }

    readonly bool Missing(ReadOnlySpan<byte> key, ReadOnlySpan<byte> found) =>
        Fail(found.IsEmpty
            ? $"the line ends where '{LineText.Show(key)}' was expected"
            : $"'{LineText.Show(found)}' where '{LineText.Show(key)}' was expected", LineText.Column(_line, found));
}
