using TraceTools.Importers.Internals;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// The fields of one QEMU log line after its keyword, read in order as <c>key value</c> pairs
/// (<c>cpu 0 addr 0x9020010 size 8</c>). A missing or unreadable field is a malformed line whose column
/// points at it.
/// </summary>
ref struct QemuLine
{
    readonly ReadOnlySpan<byte> _line;
    readonly ImportSink _sink;
    ReadOnlySpan<byte> _rest;

    public QemuLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> rest, ImportSink sink)
    {
        _line = line;
        _rest = rest;
        _sink = sink;
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
        return !value.IsEmpty || _sink.Malformed($"'{LineText.Show(key)}' has no value", LineText.Column(_line, value));
    }

    /// <summary><c>key 'TEXT'</c> as the last field: the text between the quotes, which may hold spaces.</summary>
    public bool QuotedToEnd(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (!Key(key)) return false;
        var rest = _rest.TrimStart((byte)' ');
        if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'')
            return _sink.Malformed($"{LineText.Show(key)} is not quoted to the end of the line (expected {LineText.Show(key)} 'TEXT')", LineText.Column(_line, rest));
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
            if (token.IsEmpty) return _sink.Malformed($"'{LineText.Show(key)}' has no value", LineText.Column(_line, token));
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
        return rest.IsEmpty || _sink.Malformed($"unexpected '{LineText.Show(rest)}' at the end of the line", LineText.Column(_line, rest));
    }

    /// <summary>A malformed line at <paramref name="token"/>.</summary>
    public readonly bool Bad(ReadOnlySpan<byte> key, ReadOnlySpan<byte> token, string expected) =>
        _sink.Malformed($"{LineText.Show(key)} '{LineText.Show(token)}' (expected {expected})", LineText.Column(_line, token));

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
        _sink.Malformed(found.IsEmpty
            ? $"the line ends where '{LineText.Show(key)}' was expected"
            : $"'{LineText.Show(found)}' where '{LineText.Show(key)}' was expected", LineText.Column(_line, found));
}
