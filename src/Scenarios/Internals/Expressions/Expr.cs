namespace TraceTools.Scenarios.Internals.Expressions;

/// <summary>
/// A compiled expression over 64-bit unsigned values. Loop variables live in a slot array owned by the
/// generator; constants are folded at parse time, so <see cref="IsConstant"/> nodes cost one field read.
/// </summary>
abstract class Expr(SourcePos pos)
{
    /// <summary>Where the expression (or, for an operator, the operator) was written: errors point here.</summary>
    public readonly SourcePos Pos = pos;

    public abstract ulong Eval(ulong[] vars);

    /// <summary>Height of the tree (1 for a leaf): evaluation recurses this deep.</summary>
    public virtual int Depth => 1;

    /// <summary>True when the value depends on no loop variable.</summary>
    public virtual bool IsConstant => false;

    /// <summary>Adds the loop-variable slots this expression reads.</summary>
    public abstract void CollectSlots(HashSet<int> slots);
}

sealed class ConstExpr(SourcePos pos, ulong value) : Expr(pos)
{
    public readonly ulong Value = value;
    public override ulong Eval(ulong[] vars) => Value;
    public override bool IsConstant => true;
    public override void CollectSlots(HashSet<int> slots) { }
}

sealed class VarExpr(SourcePos pos, int slot) : Expr(pos)
{
    public readonly int Slot = slot;
    public override ulong Eval(ulong[] vars) => vars[Slot];
    public override void CollectSlots(HashSet<int> slots) => slots.Add(Slot);
}

enum UnaryOp : byte { Negate, Complement }

sealed class UnaryExpr(SourcePos pos, UnaryOp op, Expr operand) : Expr(pos)
{
    readonly UnaryOp _op = op;
    readonly Expr _operand = operand;
    public override int Depth { get; } = operand.Depth + 1;

    public override ulong Eval(ulong[] vars) => Apply(_op, _operand.Eval(vars));

    // Unary minus is two's complement by the language's rule: never an overflow.
    public static ulong Apply(UnaryOp op, ulong v) => op == UnaryOp.Negate ? 0 - v : ~v;

    public override void CollectSlots(HashSet<int> slots) => _operand.CollectSlots(slots);
}

enum BinaryOp : byte { Add, Subtract, Multiply, Divide, Remainder, ShiftLeft, ShiftRight, And, Or, Xor }

sealed class BinaryExpr(SourcePos pos, SourcePos opPos, BinaryOp op, Expr left, Expr right) : Expr(pos)
{
    /// <summary>The operator: arithmetic errors point here.</summary>
    readonly SourcePos _opPos = opPos;
    readonly BinaryOp _op = op;
    readonly Expr _left = left, _right = right;
    public override int Depth { get; } = Math.Max(left.Depth, right.Depth) + 1;

    public override ulong Eval(ulong[] vars) => Apply(_op, _left.Eval(vars), _right.Eval(vars), _opPos);

    public override void CollectSlots(HashSet<int> slots)
    {
        _left.CollectSlots(slots);
        _right.CollectSlots(slots);
    }

    /// <summary>The node for <paramref name="left"/> OP <paramref name="right"/>, specialized when the right side is constant.</summary>
    public static Expr Create(SourcePos pos, SourcePos opPos, BinaryOp op, Expr left, Expr right) => (left, right) switch
    {
        (VarExpr v, ConstExpr c) => new VarOpConstExpr(pos, opPos, op, v.Slot, c.Value),
        (_, ConstExpr c) => new ExprOpConstExpr(pos, opPos, op, left, c.Value),
        _ => new BinaryExpr(pos, opPos, op, left, right),
    };

    /// <summary>Checked 64-bit unsigned arithmetic: overflow, a result below 0, division by zero and shifts by 64 or more are errors.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(BinaryOp op, ulong a, ulong b, in SourcePos pos)
    {
        switch (op)
        {
            case BinaryOp.Add:
                ulong s = a + b;
                if (s < a) ScenarioThrow.At(pos, $"expression overflow: 0x{a:x} + 0x{b:x} does not fit in 64 bits");
                return s;
            case BinaryOp.Subtract:
                if (b > a) ScenarioThrow.At(pos, $"expression overflow: 0x{a:x} - 0x{b:x} is below 0 (values are 64-bit unsigned; write -x for two's complement)");
                return a - b;
            case BinaryOp.Multiply:
                ulong hi = Math.BigMul(a, b, out ulong lo);
                if (hi != 0) ScenarioThrow.At(pos, $"expression overflow: 0x{a:x} * 0x{b:x} does not fit in 64 bits");
                return lo;
            case BinaryOp.Divide:
                if (b == 0) ScenarioThrow.At(pos, "division by zero");
                return a / b;
            case BinaryOp.Remainder:
                if (b == 0) ScenarioThrow.At(pos, "division by zero (in '%')");
                return a % b;
            case BinaryOp.ShiftLeft:
                if (b >= 64) ScenarioThrow.At(pos, $"shift by {b}: shifts must be below 64");
                return a << (int)b;
            case BinaryOp.ShiftRight:
                if (b >= 64) ScenarioThrow.At(pos, $"shift by {b}: shifts must be below 64");
                return a >> (int)b;
            case BinaryOp.And: return a & b;
            case BinaryOp.Or: return a | b;
            default: return a ^ b;
        }
    }
}

/// <summary><c>var OP constant</c> (<c>i * 64</c>, <c>i &amp; 0xff</c>): one virtual call instead of three.</summary>
sealed class VarOpConstExpr(SourcePos pos, SourcePos opPos, BinaryOp op, int slot, ulong constant) : Expr(pos)
{
    readonly SourcePos _opPos = opPos;
    readonly BinaryOp _op = op;
    readonly int _slot = slot;
    readonly ulong _constant = constant;

    public override ulong Eval(ulong[] vars) => BinaryExpr.Apply(_op, vars[_slot], _constant, _opPos);
    public override void CollectSlots(HashSet<int> slots) => slots.Add(_slot);
}

/// <summary><c>expr OP constant</c>: one virtual call fewer than the general node.</summary>
sealed class ExprOpConstExpr(SourcePos pos, SourcePos opPos, BinaryOp op, Expr left, ulong constant) : Expr(pos)
{
    readonly SourcePos _opPos = opPos;
    readonly BinaryOp _op = op;
    readonly Expr _left = left;
    readonly ulong _constant = constant;
    public override int Depth { get; } = left.Depth + 1;

    public override ulong Eval(ulong[] vars) => BinaryExpr.Apply(_op, _left.Eval(vars), _constant, _opPos);
    public override void CollectSlots(HashSet<int> slots) => _left.CollectSlots(slots);
}
