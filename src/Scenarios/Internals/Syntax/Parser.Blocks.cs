using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals.Syntax;

// repeat blocks and expect lines.
sealed partial class Parser
{
    /// <summary>repeat blocks nest at most this deep (parser and generator recurse per level).</summary>
    internal const int MaxLoopDepth = 64;

    void ParseRepeat()
    {
        var kw = Next();
        if (_loopScope.Count >= MaxLoopDepth) ScenarioThrow.At(Pos(kw), $"'repeat' blocks nested more than {MaxLoopDepth} deep");
        BeginSteps(kw);
        var count = ParseExpression();
        ExpectKeyword("as");
        var v = ExpectName("the loop variable's name");
        if (_declared.TryGetValue(v.Text!, out int line))
            ScenarioThrow.At(Pos(v), $"loop variable '{v.Text}' shadows the name declared on line {line}");
        if (_loopScope.Exists(s => s.Name == v.Text))
            ScenarioThrow.At(Pos(v), $"loop variable '{v.Text}' shadows the variable of an enclosing repeat");
        Expect(TokenKind.LBrace, "'{' at the end of the repeat line");
        ExpectEndOfLine();

        var loop = new Step { Op = StepOp.Loop, Pos = Pos(kw), Count = count, Slot = _slotCount++, VarName = v.Text };
        int index = _steps.Count;
        _steps.Add(loop);
        _loopScope.Add((v.Text!, loop.Slot));
        ParseBlock(kw);
        _loopScope.RemoveAt(_loopScope.Count - 1);
        loop.BodyEnd = _steps.Count;

        var nested = new HashSet<int>();
        for (int i = index + 1; i < loop.BodyEnd; i++)
            if (_steps[i].Op == StepOp.Loop) _steps[i].Count!.CollectSlots(nested);
        loop.BodyCountVaries = nested.Contains(loop.Slot);
    }

    void ParseExpect()
    {
        var kw = Next();
        ExpectationKind kind;
        string? finding = null;
        long count = 0;
        if (AcceptKeyword("none"))
        {
            kind = ExpectationKind.NoneAtAll;
        }
        else if (AcceptKeyword("exactly"))
        {
            kind = ExpectationKind.OnlyExpected;
        }
        else
        {
            bool no = AcceptKeyword("no");
            finding = ParseFindingKind();
            if (no)
            {
                kind = ExpectationKind.NoneOf;
            }
            else if (AcceptKeyword("count"))
            {
                kind = ExpectationKind.Exactly;
                var t = Peek;
                ulong n = ParseConstant();
                if (n > long.MaxValue) ScenarioThrow.At(Pos(t), $"count {n} is too large");
                count = (long)n;
            }
            else
            {
                kind = ExpectationKind.AtLeastOne;
                count = 1;
            }
        }
        ExpectEndOfLine();
        _expectations.Add(new Expectation(kind, finding, count, kw.Line, kw.Column));
    }

    /// <summary>A finding kind: names joined by '-' with no spaces (<c>stale-dma-read</c>).</summary>
    string ParseFindingKind()
    {
        var first = ExpectName("a finding kind (stale-dma-read, ...), 'no KIND', 'none' or 'exactly'");
        string text = ReadHyphenated(first);
        if (!FindingKinds.TryParse(text, out _))
            ScenarioThrow.At(Pos(first), $"unknown finding kind '{text}'{NearMiss.Suffix(text, FindingKinds.AllNames)}");
        return text;
    }
}
