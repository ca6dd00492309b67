using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// Recursive-descent parser that checks names, kinds and constant operands as it goes and emits the flat
/// step program directly (there is no separate AST: expressions are the only trees).
/// </summary>
sealed partial class Parser
{
    static readonly string[] DeclarationKeywords = ["scenario", "arch", "let", "cpu", "device", "ram", "sync", "mmio", "table", "field", "used", "cacheline"];
    static readonly string[] StatementKeywords = [.. DeclarationKeywords, "repeat", "expect"];

    List<Token> _tokens;
    string _file;
    readonly IReadOnlyDictionary<string, ulong>? _overrides;
    int _pos;

    // declarations
    string _name = "";
    bool _sawScenario;
    Arch? _arch;
    readonly List<AgentInfo> _agents = [];
    readonly List<RegionInfo> _regions = [];
    /// <summary>Agents and regions by name: a step names them, and a scenario may declare 4,096 and 65,536.</summary>
    readonly Dictionary<string, int> _agentIds = new(StringComparer.Ordinal), _regionIds = new(StringComparer.Ordinal);
    readonly List<RegionInfo> _regionsByBase = [];
    readonly Dictionary<string, ulong> _lets = [];
    /// <summary>Every declared name (agents, regions, lets) and the line it was declared on.</summary>
    readonly Dictionary<string, int> _declared = [];
    readonly Dictionary<string, int> _lockIds = [];
    readonly List<string> _locks = [];
    readonly Dictionary<string, int> _siteIds = [];
    readonly List<string> _sites = [];
    readonly List<Expectation> _expectations = [];

    // steps
    readonly List<Step> _steps = [];
    readonly List<(string Name, int Slot)> _loopScope = [];
    int _slotCount;
    bool _stepsStarted;
    StepResolver? _resolver;
    RegionInfo[] _regionArray = [];

    // Streaming: the text comes a line at a time and _tokens holds one line's (docs/scenario-language.md, Costs).
    readonly LineReader? _lines;
    NestingGuard _nesting;
    int _line;

    /// <summary>
    /// A parser that reads <paramref name="lines"/> as it goes: a statement depends only on the lines above it
    /// (declarations come before the first step, a loop variable from an enclosing repeat), so an error is
    /// reported when its line is reached and the tokens of one line are held at a time.
    /// </summary>
    public Parser(LineReader lines, string file, IReadOnlyDictionary<string, ulong>? overrides)
    {
        _lines = lines;
        _file = file;
        _overrides = overrides;
        _nesting = new NestingGuard(file);
        _tokens = new List<Token>(32);
        ReadLine();
    }

    /// <summary>Lexes the next line into <see cref="_tokens"/>; only past a line's newline, so every lookahead stays on its line.</summary>
    void ReadLine()
    {
        _lines!.TryRead(out var text);
        _tokens.Clear();
        _pos = 0;
        if (_lines.TooLong) ScenarioThrow.At(_file, ++_line, 1, $"line longer than {LineReader.MaxLineChars} characters");
        Lexer.TokenizeLine(text, _file, ++_line, _tokens, ref _nesting, _lines.AtLast);
    }

    /// <summary>Steps over a newline: to the next token, or the next line's when this line's tokens are done.</summary>
    void SkipNewline()
    {
        if (_lines is null || _pos + 1 < _tokens.Count) _pos++;
        else ReadLine();
    }

    public CompiledScenario ParseScenario()
    {
        ParseBlock(null);
        if (_arch is null) ScenarioThrow.At(Pos(Peek), "no 'arch' declaration: expected 'arch arm64 | x86_64 | riscv64 | sc' before the first step");
        CheckOverridesUsed();
        if (!_stepsStarted) MeasureDeclarations(Peek);
        RefuseIommuModeOfTableFetcher();
        DrainRest();
        var metadata = new TraceMetadata
        {
            Name = _name,
            Arch = _arch.Value,
            Agents = _agents.ToArray(),
            Regions = RegionsWithUsedBits(),
            Locks = _locks.ToArray(),
            Sites = _sites.ToArray(),
            CacheLineSize = _cacheLine,
        };
        return new CompiledScenario(metadata, _expectations.ToArray(), _file, _steps.ToArray(), _slotCount);
    }

    /// <summary>Parses statements until the matching '}' (or end of file at top level).</summary>
    void ParseBlock(Token? opener)
    {
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Newline) { SkipNewline(); continue; }
            if (t.Kind == TokenKind.End)
            {
                if (opener is { } o)
                    ScenarioThrow.At(_file, o.Line, o.Column, "unclosed 'repeat' block: expected '}' before the end of the file");
                return;
            }
            if (t.Kind == TokenKind.RBrace)
            {
                if (opener is null) ScenarioThrow.At(Pos(t), "unexpected '}': no 'repeat' block is open");
                _pos++;
                ExpectEndOfLine();
                return;
            }
            ParseStatement(opener is not null);
            if (opener is null) AfterTopLevelStatement();
        }
    }

    void ParseStatement(bool inLoop)
    {
        var t = Peek;
        if (t.Kind != TokenKind.Name)
            ScenarioThrow.At(Pos(t), $"expected a statement (a declaration, 'AGENT: op', 'repeat' or 'expect') but found {t.Show()}");
        if (_layoutOnly) RefuseInLayout(t);
        if (PeekAt(1).Kind == TokenKind.Colon)
        {
            ParseStep();
            return;
        }
        string word = t.Text!;
        switch (word)
        {
            case "repeat":
                ParseRepeat();
                return;
            case "expect":
                if (inLoop) ScenarioThrow.At(Pos(t), "'expect' lines stand at top level, not inside 'repeat'");
                ParseExpect();
                return;
        }
        if (Array.IndexOf(DeclarationKeywords, word) >= 0)
        {
            if (_stepsStarted)
                ScenarioThrow.At(Pos(t), $"declaration '{word}' after the first step: declarations come before the first step");
            ParseDeclaration(word);
            return;
        }
        if (_agents.Exists(a => a.Name == word))
            ScenarioThrow.At(Pos(PeekAt(1)), $"expected ':' after agent '{word}' but found {PeekAt(1).Show()}");
        ScenarioThrow.At(Pos(t), $"unknown statement '{word}'{NearMiss.Suffix(word, StatementKeywords.Concat(_agents.Select(a => a.Name)))}");
    }

    // ---- cursor helpers ----

    Token Peek => _tokens[_pos];

    Token PeekAt(int k) => _tokens[Math.Min(_pos + k, _tokens.Count - 1)];

    Token Next() => _tokens[_pos++];

    SourcePos Pos(in Token t) => new(_file, t.Line, t.Column);

    Token Expect(TokenKind kind, string what)
    {
        var t = Peek;
        if (t.Kind != kind) ScenarioThrow.At(Pos(t), $"expected {what} but found {t.Show()}");
        _pos++;
        return t;
    }

    Token ExpectName(string what) => Expect(TokenKind.Name, what);

    void ExpectKeyword(string keyword)
    {
        var t = Peek;
        if (t.Kind != TokenKind.Name || t.Text != keyword)
            ScenarioThrow.At(Pos(t), $"expected '{keyword}' but found {t.Show()}");
        _pos++;
    }

    bool AcceptKeyword(string keyword)
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name && t.Text == keyword) { _pos++; return true; }
        return false;
    }

    /// <summary>
    /// The word <paramref name="first"/> (just read) with the '-part's written right after it, read too: the lexer
    /// splits 'stale-dma-read' and 'x86-64' at each '-'.
    /// </summary>
    string ReadHyphenated(in Token first)
    {
        string text = first.Text!;
        int end = first.Offset + first.Length;
        while (Peek.Kind == TokenKind.Minus && Peek.Offset == end && PeekAt(1).Kind is TokenKind.Name or TokenKind.Number && PeekAt(1).Offset == end + 1)
        {
            _pos++;
            var part = Next();
            text += "-" + (part.Text ?? part.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            end = part.Offset + part.Length;
        }
        return text;
    }

    void ExpectEndOfLine()
    {
        var t = Peek;
        if (t.Kind is not (TokenKind.Newline or TokenKind.End))
            ScenarioThrow.At(Pos(t), $"expected end of line but found {t.Show()}");
    }

    /// <summary>A string the trace header stores as free text: refused here when the writer would refuse it.</summary>
    string ReadText(string what, string role)
    {
        var t = Expect(TokenKind.String, what);
        if (TraceLimits.TextProblem("the " + role, t.Text!) is { } bad) ScenarioThrow.At(Pos(t), bad);
        return t.Text!;
    }
}
