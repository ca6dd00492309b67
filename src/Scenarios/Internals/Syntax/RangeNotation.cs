using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// The reports' range notation, <c>txbuf+0x0..0x100</c> (ladder lines and finding messages), written as an address:
/// the language writes a range as its start and a size, so the error spells that form out.
/// </summary>
static class RangeNotation
{
    /// <summary>Refuses the <c>..</c> at <paramref name="dots"/>; <paramref name="tokens"/> are those lexed before it (<paramref name="text"/> is its line).</summary>
    [DoesNotReturn]
    public static void Refuse(ReadOnlySpan<char> text, int dots, List<Token> tokens, string file, int line, int col)
    {
        const string Expected = "(expected 'size N' after the address)";
        if (Rewrite(text, dots, tokens) is { } form)
            ScenarioThrow.At(file, line, col, $"unexpected '..': the ladder's range {form.Range} is written '{form.Written}' {Expected}");
        ScenarioThrow.At(file, line, col, $"unexpected '..': a range is written as its start and a size, 'ADDR size N' {Expected}");
    }

    /// <summary><c>REGION + LO..HI</c> with literal bounds, HI above LO: the range and <c>REGION + LO size HI-LO</c>.</summary>
    static (string Range, string Written)? Rewrite(ReadOnlySpan<char> text, int dots, List<Token> tokens)
    {
        int n = tokens.Count;
        if (n < 3 || tokens[n - 1] is not { Kind: TokenKind.Number } lo || tokens[n - 2].Kind != TokenKind.Plus
            || tokens[n - 3] is not { Kind: TokenKind.Name } region || lo.Offset + lo.Length != dots)
            return null;
        int start = dots + 2, end = start;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
        string hiText = text[start..end].ToString();
        if (!TryParseLiteral(hiText, out ulong hi) || hi <= lo.Number) return null;
        string loText = text.Slice(lo.Offset, lo.Length).ToString();
        return ($"{loText}..{hiText}", $"{region.Text} + {loText} size 0x{hi - lo.Number:x}");
    }

    /// <summary>The bound after '..' as the reports print it: hex or decimal (a malformed one gets the generic message).</summary>
    static bool TryParseLiteral(string s, out ulong value)
    {
        s = s.Replace("_", "", StringComparison.Ordinal);
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
