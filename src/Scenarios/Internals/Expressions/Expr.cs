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
    readonly int _slot = slot;
    public override ulong Eval(ulong[] vars) => vars[_slot];
    public override void CollectSlots(HashSet<int> slots) => slots.Add(_slot);
}

enum UnaryOp : byte { Negate, Complement }

sealed class UnaryExpr(SourcePos pos, UnaryOp op, Expr operand) : Expr(pos)
{
    readonly UnaryOp _op = op;
    readonly Expr _operand = operand;

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

    public override ulong Eval(ulong[] vars) => Apply(_op, _left.Eval(vars), _right.Eval(vars), _opPos);

    public override void CollectSlots(HashSet<int> slots)
    {
        _left.CollectSlots(slots);
        _right.CollectSlots(slots);
    }

    /// <summary>Checked 64-bit unsigned arithmetic: overflow, a result below 0, division by zero and shifts by 64 or more are errors.</summary>
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
