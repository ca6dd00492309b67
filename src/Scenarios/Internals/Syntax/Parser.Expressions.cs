using TraceTools.Scenarios.Internals.Expressions;

namespace TraceTools.Scenarios.Internals.Syntax;

// Expressions with C precedence, lowest first: | ^ & (<< >>) (+ -) (* / %) unary. Constant subtrees fold
// at once, so constant errors (overflow, division by zero, shift >= 64) are compile errors at the operator.
sealed partial class Parser
{
    Expr ParseExpression() => ParseOr();

    /// <summary>An expression that may not read loop variables (declarations, expect counts).</summary>
    ulong ParseConstant()
    {
        var e = ParseExpression();
        return e.Eval([]);
    }

    Expr ParseOr()
    {
        var left = ParseXor();
        while (Peek.Kind == TokenKind.Pipe) { var op = Next(); left = Fold(op, BinaryOp.Or, left, ParseXor()); }
        return left;
    }

    Expr ParseXor()
    {
        var left = ParseAnd();
        while (Peek.Kind == TokenKind.Caret) { var op = Next(); left = Fold(op, BinaryOp.Xor, left, ParseAnd()); }
        return left;
    }

    Expr ParseAnd()
    {
        var left = ParseShift();
        while (Peek.Kind == TokenKind.Amp) { var op = Next(); left = Fold(op, BinaryOp.And, left, ParseShift()); }
        return left;
    }

    Expr ParseShift()
    {
        var left = ParseAdditive();
        while (Peek.Kind is TokenKind.ShiftLeft or TokenKind.ShiftRight)
        {
            var op = Next();
            left = Fold(op, op.Kind == TokenKind.ShiftLeft ? BinaryOp.ShiftLeft : BinaryOp.ShiftRight, left, ParseAdditive());
        }
        return left;
    }

    Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Next();
            left = Fold(op, op.Kind == TokenKind.Plus ? BinaryOp.Add : BinaryOp.Subtract, left, ParseMultiplicative());
        }
        return left;
    }

    Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = Next();
            var bop = op.Kind switch { TokenKind.Star => BinaryOp.Multiply, TokenKind.Slash => BinaryOp.Divide, _ => BinaryOp.Remainder };
            left = Fold(op, bop, left, ParseUnary());
        }
        return left;
    }

    /// <summary>Parentheses and unary operators nest at most this deep (recursion must not overflow the stack).</summary>
    internal const int MaxExpressionDepth = 200;
    int _expressionDepth;

    Expr ParseUnary()
    {
        var t = Peek;
        if (t.Kind is TokenKind.Minus or TokenKind.Tilde or TokenKind.Plus or TokenKind.LParen)
        {
            if (++_expressionDepth > MaxExpressionDepth)
                ScenarioThrow.At(Pos(t), $"expression nested more than {MaxExpressionDepth} deep");
            try
            {
                return ParseNested(t);
            }
            finally
            {
                _expressionDepth--;
            }
        }
        return ParsePrimary(t);
    }

    Expr ParseNested(in Token t)
    {
        switch (t.Kind)
        {
            case TokenKind.Minus or TokenKind.Tilde:
            {
                _pos++;
                var operand = ParseUnary();
                var op = t.Kind == TokenKind.Minus ? UnaryOp.Negate : UnaryOp.Complement;
                return operand is ConstExpr c
                    ? new ConstExpr(Pos(t), UnaryExpr.Apply(op, c.Value))
                    : new UnaryExpr(Pos(t), op, operand);
            }
            case TokenKind.Plus:
                _pos++;
                return ParseUnary();
            case TokenKind.LParen:
            {
                _pos++;
                var e = ParseExpression();
                Expect(TokenKind.RParen, "')'");
                return e;
            }
            default:
                return ParsePrimary(t);
        }
    }

    Expr ParsePrimary(in Token t)
    {
        switch (t.Kind)
        {
            case TokenKind.Number:
                _pos++;
                return new ConstExpr(Pos(t), t.Number);
            case TokenKind.Name:
                _pos++;
                return ResolveName(t);
            default:
                ScenarioThrow.At(Pos(t), $"expected an expression (a number, a name or '(') but found {t.Show()}");
                return null;
        }
    }

    Expr ResolveName(in Token t)
    {
        string name = t.Text!;
        for (int i = _loopScope.Count - 1; i >= 0; i--)
            if (_loopScope[i].Name == name) return new VarExpr(Pos(t), _loopScope[i].Slot);
        if (_lets.TryGetValue(name, out ulong v)) return new ConstExpr(Pos(t), v);
        string what = _declared.ContainsKey(name) ? $"'{name}' is not a value (only let names and loop variables are)" : $"unknown name '{name}' in expression";
        ScenarioThrow.At(Pos(t), what + NearMiss.Suffix(name, _lets.Keys.Concat(_loopScope.Select(s => s.Name))));
        return null;
    }

    Expr Fold(in Token op, BinaryOp bop, Expr left, Expr right)
    {
        var pos = Pos(op);
        if (left is ConstExpr l && right is ConstExpr r)
            return new ConstExpr(l.Pos, BinaryExpr.Apply(bop, l.Value, r.Value, pos));
        var e = BinaryExpr.Create(left.Pos, pos, bop, left, right);
        if (e.Depth > MaxExpressionDepth)
            ScenarioThrow.At(pos, $"expression too long: more than {MaxExpressionDepth} operators on loop variables in one chain");
        return e;
    }
}
