namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// Splits scenario text into tokens. Newlines are tokens (one statement per line); comments vanish.
/// Malformed numbers, unterminated strings and stray characters are errors at their first character.
/// </summary>
static class Lexer
{
    // Grown as needed: sizing by the text would reserve 10 bytes of tokens per character up front.
    public static List<Token> Tokenize(string text, string file) =>
        Tokenize(text, file, 1, new List<Token>(Math.Min(text.Length / 4, 1 << 16) + 4));

    /// <summary>
    /// Tokenizes into <paramref name="tokens"/> (cleared first), numbering lines from <paramref name="firstLine"/>:
    /// each line's tokens and a newline, then the end. Offsets count from the start of their line.
    /// </summary>
    public static List<Token> Tokenize(string text, string file, int firstLine, List<Token> tokens)
    {
        tokens.Clear();
        var nesting = new NestingGuard(file);
        int line = firstLine, lineStart = 0;
        while (true)
        {
            int nl = text.IndexOf('\n', lineStart);
            var span = text.AsSpan(lineStart, (nl < 0 ? text.Length : nl) - lineStart);
            TokenizeLine(span, file, line, tokens, ref nesting, last: nl < 0);
            if (nl < 0) return tokens;
            lineStart = nl + 1;
            line++;
        }
    }

    /// <summary>
    /// Appends the tokens of one line (<paramref name="text"/>, without its '\n') and the newline that ends it,
    /// and the end of the text when it is the <paramref name="last"/> line. <paramref name="nesting"/> carries
    /// the open blocks from line to line.
    /// </summary>
    public static void TokenizeLine(ReadOnlySpan<char> text, string file, int line, List<Token> tokens, ref NestingGuard nesting, bool last)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            int col = i + 1;
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    i++;
                    continue;
                case '#':
                    i = text.Length;
                    continue;
                case '"':
                    i = LexString(text, i, file, line, col, tokens);
                    continue;
            }
            if (char.IsAsciiDigit(c))
            {
                nesting.Operand();
                int start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new(TokenKind.Number, line, col, start, i - start, Number: ParseNumber(text.Slice(start, i - start), file, line, col)));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                nesting.Operand();
                int start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.')) i++;
                tokens.Add(new(TokenKind.Name, line, col, start, i - start, text.Slice(start, i - start).ToString()));
                continue;
            }
            TokenKind kind;
            int len = 1;
            switch (c)
            {
                case ':': kind = TokenKind.Colon; break;
                case ',': kind = TokenKind.Comma; break;
                case '{': kind = TokenKind.LBrace; break;
                case '}': kind = TokenKind.RBrace; break;
                case '[': kind = TokenKind.LBracket; break;
                case ']': kind = TokenKind.RBracket; break;
                case '(': kind = TokenKind.LParen; break;
                case ')': kind = TokenKind.RParen; break;
                case '+': kind = TokenKind.Plus; break;
                case '-': kind = TokenKind.Minus; break;
                case '*': kind = TokenKind.Star; break;
                case '/': kind = TokenKind.Slash; break;
                case '%': kind = TokenKind.Percent; break;
                case '&': kind = TokenKind.Amp; break;
                case '|': kind = TokenKind.Pipe; break;
                case '^': kind = TokenKind.Caret; break;
                case '~': kind = TokenKind.Tilde; break;
                case '=': kind = TokenKind.Equals; break;
                case '@': kind = TokenKind.At; break;
                case '<' when i + 1 < text.Length && text[i + 1] == '<': kind = TokenKind.ShiftLeft; len = 2; break;
                case '>' when i + 1 < text.Length && text[i + 1] == '>': kind = TokenKind.ShiftRight; len = 2; break;
                case '.' when i + 1 < text.Length && text[i + 1] == '.':
                    RangeNotation.Refuse(text, i, tokens, file, line, col);
                    return;
                default:
                    ScenarioThrow.At(file, line, col, $"unexpected character '{Printable(c)}'");
                    return;
            }
            nesting.See(kind, line, col);
            tokens.Add(new(kind, line, col, i, len));
            i += len;
        }
        if (!last)
        {
            nesting.EndOfLine();
            tokens.Add(new(TokenKind.Newline, line, text.Length + 1, text.Length, 1));
            return;
        }
        tokens.Add(new(TokenKind.Newline, line, text.Length + 1, text.Length, 0));
        tokens.Add(new(TokenKind.End, line, text.Length + 1, text.Length, 0));
    }

    static string Printable(char c) => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString();

    static int LexString(ReadOnlySpan<char> text, int i, string file, int line, int col, List<Token> tokens)
    {
        int start = i++;
        var sb = new System.Text.StringBuilder();
        while (true)
        {
            if (i >= text.Length || text[i] == '\n')
                ScenarioThrow.At(file, line, col, "unterminated string: expected a closing '\"' on the same line");
            char c = text[i];
            if (c == '"') { i++; break; }
            if (c == '\\')
            {
                char next = i + 1 < text.Length ? text[i + 1] : '\0';
                if (next is not ('"' or '\\'))
                    ScenarioThrow.At(file, line, i - start + col, "unknown escape in string: only \\\" and \\\\ are allowed");
                sb.Append(next);
                i += 2;
                continue;
            }
            sb.Append(c);
            i++;
        }
        tokens.Add(new(TokenKind.String, line, col, start, i - start, sb.ToString()));
        return i;
    }

    /// <summary>Decimal, 0x hex or 0b binary, '_' between digits. Anything else that starts with a digit is malformed.</summary>
    static ulong ParseNumber(ReadOnlySpan<char> s, string file, int line, int col)
    {
        char prefix = s.Length >= 2 && s[0] == '0' ? (char)(s[1] | 0x20) : '\0';
        bool hex = prefix == 'x', bin = prefix == 'b';
        string digits = hex ? "hex digits" : bin ? "binary digits" : "decimal digits (or 0x for hex, 0b for binary)";
        if (s.Length == 2 && (hex || bin))
            ScenarioThrow.At(file, line, col, $"malformed number '{s}': expected {digits} after {s}");
        int b = hex ? 16 : bin ? 2 : 10;
        int start = hex || bin ? 2 : 0;
        ulong v = 0;
        bool lastUnderscore = true; // no leading '_' after 0x or 0b
        for (int k = start; k < s.Length; k++)
        {
            char ch = s[k];
            if (ch == '_')
            {
                if (lastUnderscore)
                    ScenarioThrow.At(file, line, col, $"malformed number '{s}': '_' only between digits");
                lastUnderscore = true;
                continue;
            }
            int d = char.IsAsciiDigit(ch) ? ch - '0' : hex && char.IsAsciiHexDigit(ch) ? (ch | 0x20) - 'a' + 10 : -1;
            if (d < 0 || d >= b)
                ScenarioThrow.At(file, line, col, $"malformed number '{s}': expected {digits}");
            ulong nv = v * (ulong)b + (ulong)d;
            if (v > (ulong.MaxValue - (ulong)d) / (ulong)b)
                ScenarioThrow.At(file, line, col, $"number '{s}' does not fit in 64 bits");
            v = nv;
            lastUnderscore = false;
        }
        if (lastUnderscore)
            ScenarioThrow.At(file, line, col, $"malformed number '{s}': '_' only between digits");
        return v;
    }
}
