namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// The parser's nesting limits, applied while lexing: a file that opens 20 million parentheses fails at
/// the 201st, instead of first becoming 20 million tokens (about 1.5 GB) for the parser to refuse.
/// Counts what nests in the parser: open parentheses on the line, runs of prefix operators
/// and '(' (each nests one level), and open '{' blocks.
/// </summary>
struct NestingGuard(string file)
{
    int _parens, _prefixRun, _braces;

    /// <summary>An operand (name, number, string): ends a run of prefix operators.</summary>
    public void Operand() => _prefixRun = 0;

    /// <summary>Statements are one line; parentheses cannot stay open across lines.</summary>
    public void EndOfLine()
    {
        _parens = 0;
        _prefixRun = 0;
    }

    public void See(TokenKind kind, int line, int column)
    {
        switch (kind)
        {
            case TokenKind.LParen:
                _parens++;
                _prefixRun++;
                break;
            case TokenKind.RParen:
                _parens = Math.Max(0, _parens - 1);
                _prefixRun = 0;
                return;
            case TokenKind.Minus or TokenKind.Tilde or TokenKind.Plus:
                _prefixRun++;
                break;
            case TokenKind.LBrace:
                if (++_braces > Parser.MaxLoopDepth)
                    ScenarioThrow.At(file, line, column, $"'repeat' blocks nested more than {Parser.MaxLoopDepth} deep");
                return;
            case TokenKind.RBrace:
                _braces = Math.Max(0, _braces - 1);
                return;
            default:
                _prefixRun = 0;
                return;
        }
        // Open parentheses nest exactly as the parser counts them; a run of prefix operators may begin
        // with a binary one, which does not nest: one more is allowed there.
        if (_parens > Parser.MaxExpressionDepth || _prefixRun > Parser.MaxExpressionDepth + 1)
            ScenarioThrow.At(file, line, column, $"expression nested more than {Parser.MaxExpressionDepth} deep");
    }
}
