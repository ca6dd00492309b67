using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace TraceTools.Importers.Internals;

/// <summary>Allocation-free pieces of text-trace lines (ASCII bytes): tokens, numbers as the kernel prints them, timestamps.</summary>
static class LineText
{
    /// <summary>The next space-separated token of <paramref name="rest"/> (leading spaces skipped); empty at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> NextToken(scoped ref ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart((byte)' ');
        int end = rest.IndexOf((byte)' ');
        if (end < 0) end = rest.Length;
        var token = rest[..end];
        rest = rest[end..];
        return token;
    }

    /// <summary>Hex with or without <c>0x</c> (<c>%#llx</c>, <c>%llx</c>), the whole span.</summary>
    public static bool TryHex(ReadOnlySpan<byte> s, out ulong value)
    {
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') s = s[2..];
        value = 0;
        return s.Length is > 0 and <= 16 && Utf8Parser.TryParse(s, out value, out int used, 'x') && used == s.Length;
    }

    /// <summary>Unsigned decimal, the whole span.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        return s.Length > 0 && s[0] - (uint)'0' <= 9 && Utf8Parser.TryParse(s, out value, out int used) && used == s.Length;
    }

    /// <summary>
    /// <c>SECONDS.FRACTION</c> (any number of fraction digits; past the 9th, nanoseconds, the rest is truncated)
    /// as nanoseconds; a plain integer is taken as is.
    /// </summary>
    public static bool TrySeconds(ReadOnlySpan<byte> s, out ulong ns)
    {
        ns = 0;
        int dot = s.IndexOf((byte)'.');
        if (dot < 0) return TryDecimal(s, out ns);
        var frac = s[(dot + 1)..];
        if (frac.Length > 9)
        {
            if (frac[9..].ContainsAnyExceptInRange((byte)'0', (byte)'9')) return false;
            frac = frac[..9];
        }
        if (!TryDecimal(s[..dot], out ulong secs) || frac.IsEmpty || !TryDecimal(frac, out ulong f)) return false;
        for (int i = frac.Length; i < 9; i++) f *= 10;
        if (secs > (ulong.MaxValue - f) / 1_000_000_000) return false;
        ns = secs * 1_000_000_000 + f;
        return true;
    }

    /// <summary>The value of <c>key=value</c> in space-separated <paramref name="args"/> (<paramref name="key"/> includes the '=').</summary>
    public static bool TryField(ReadOnlySpan<byte> args, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        int from = 0;
        while (true)
        {
            int at = args[from..].IndexOf(key);
            if (at < 0) { value = default; return false; }
            at += from;
            if (at == 0 || args[at - 1] == ' ')
            {
                var rest = args[(at + key.Length)..];
                int end = rest.IndexOf((byte)' ');
                value = end < 0 ? rest : rest[..end];
                return true;
            }
            from = at + 1;
        }
    }

    /// <summary>The column (1-based) where <paramref name="part"/> starts inside <paramref name="line"/>, for messages.</summary>
    public static int Column(ReadOnlySpan<byte> line, ReadOnlySpan<byte> part)
    {
        if (part.IsEmpty) return line.Length + 1;
        long offset = (long)Unsafe.ByteOffset(ref Unsafe.AsRef(in line[0]), ref Unsafe.AsRef(in part[0]));
        return offset >= 0 && offset <= line.Length ? (int)offset + 1 : 0;
    }

    /// <summary>The bytes as a string for a message (at most 60 characters).</summary>
    public static string Show(ReadOnlySpan<byte> s) =>
        System.Text.Encoding.UTF8.GetString(s.Length > 60 ? s[..60] : s) + (s.Length > 60 ? "..." : "");
}
