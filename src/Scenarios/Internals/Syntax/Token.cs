namespace TraceTools.Scenarios.Internals.Syntax;

enum TokenKind : byte
{
    Name, Number, String,
    Colon, Comma, LBrace, RBrace, LBracket, RBracket, LParen, RParen,
    Plus, Minus, Star, Slash, Percent, ShiftLeft, ShiftRight, Amp, Pipe, Caret, Tilde, Equals, At,
    Newline, End,
}

/// <summary>One token. <see cref="Text"/> holds a name or a string's unescaped value; <see cref="Number"/> a literal.</summary>
readonly record struct Token(TokenKind Kind, int Line, int Column, int Offset, int Length, string? Text = null, ulong Number = 0)
{
    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.Name => "a name",
        TokenKind.Number => "a number",
        TokenKind.String => "a string",
        TokenKind.Colon => "':'",
        TokenKind.Comma => "','",
        TokenKind.LBrace => "'{'",
        TokenKind.RBrace => "'}'",
        TokenKind.LBracket => "'['",
        TokenKind.RBracket => "']'",
        TokenKind.LParen => "'('",
        TokenKind.RParen => "')'",
        TokenKind.Plus => "'+'",
        TokenKind.Minus => "'-'",
        TokenKind.Star => "'*'",
        TokenKind.Slash => "'/'",
        TokenKind.Percent => "'%'",
        TokenKind.ShiftLeft => "'<<'",
        TokenKind.ShiftRight => "'>>'",
        TokenKind.Amp => "'&'",
        TokenKind.Pipe => "'|'",
        TokenKind.Caret => "'^'",
        TokenKind.Tilde => "'~'",
        TokenKind.Equals => "'='",
        TokenKind.At => "'@'",
        TokenKind.Newline => "end of line",
        _ => "end of file",
    };

    /// <summary>How an error message names this token: <c>'foo'</c>, <c>end of line</c>.</summary>
    public string Show() => Kind switch
    {
        TokenKind.Name => $"'{Text}'",
        TokenKind.Number => $"number {Number}",
        TokenKind.String => $"string \"{Text}\"",
        _ => Describe(Kind),
    };
}
