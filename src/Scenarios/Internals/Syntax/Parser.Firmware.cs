using TraceTools.Replay.Firmware;
using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// smc FID [xN = VALUE ...], hvc FID [...], ret [same] [xN = VALUE ...] (docs/scenario-language.md, "Firmware calls").
sealed partial class Parser
{
    /// <summary>Registers a call or return carries: x0..x17.</summary>
    const int FirmwareRegisters = EventKinds.RegisterBytes / 8;

    /// <summary>
    /// Open calls per cpu while the nesting is known from the text alone (straight-line steps); once a firmware
    /// step stands inside a <c>repeat</c>, generation checks the nesting instead (it must anyway, for <c>ret same</c>).
    /// </summary>
    Dictionary<int, int>? _firmwareDepth = [];

    void ParseFirmwareCall(Step s, in Token opTok)
    {
        RequireFirmwareArch(opTok);
        s.Kind = EventKind.FirmwareCall;
        s.Aux = (uint)(opTok.Text == "hvc" ? FirmwareConduit.Hvc : FirmwareConduit.Smc);
        var registers = new Expr?[FirmwareRegisters];
        var fid = ParseExpression();
        if (fid is ConstExpr { Value: > uint.MaxValue } c)
            ScenarioThrow.At(c.Pos, $"function ID 0x{c.Value:x} does not fit in 32 bits: it is passed in w0");
        registers[0] = fid;
        ParseRegisters(registers, opTok.Text!);
        s.Registers = registers;
        s.AgentName = _agents[s.Agent].Name;
        TrackFirmwareNesting(s, opTok, opens: true);
    }

    void ParseFirmwareReturn(Step s, in Token opTok)
    {
        RequireFirmwareArch(opTok);
        s.Kind = EventKind.FirmwareReturn;
        s.SameAsCall = AcceptKeyword("same");
        var registers = new Expr?[FirmwareRegisters];
        ParseRegisters(registers, "ret");
        s.Registers = registers;
        s.AgentName = _agents[s.Agent].Name;
        TrackFirmwareNesting(s, opTok, opens: false);
    }

    void RequireFirmwareArch(in Token opTok)
    {
        if (_arch != Arch.Arm64)
            ScenarioThrow.At(Pos(opTok), $"'{opTok.Text}' is an arm64 instruction: arch {_arch!.Value.Name()} has no smc/hvc firmware calls");
    }

    /// <summary><c>xN = VALUE</c> pairs up to the site or the end of the line; each register at most once.</summary>
    void ParseRegisters(Expr?[] registers, string op)
    {
        while (Peek.Kind == TokenKind.Name && !(op == "ret" && Peek.Text == "same"))
        {
            var name = Next();
            int r = RegisterNumber(name.Text!);
            if (r < 0)
            {
                string what = op == "ret" ? "x0..x17" : "x1..x17";
                ScenarioThrow.At(Pos(name), name.Text!.Length > 1 && name.Text[0] is 'x' or 'w' && int.TryParse(name.Text.AsSpan(1), out int n) && n >= FirmwareRegisters
                    ? $"'{name.Text}' is not passed in a firmware call: {op} carries x0..x17 (SMCCC 1.2)"
                    : $"expected a register {what} = VALUE or '@ \"site\"' but found '{name.Text}'");
            }
            if (r == 0 && op != "ret")
                ScenarioThrow.At(Pos(name), $"x0 is the function ID: write it right after '{op}' ({op} FID x1 = ...)");
            if (registers[r] is not null) ScenarioThrow.At(Pos(name), $"x{r} is given twice");
            Expect(TokenKind.Equals, $"'=' after x{r}");
            registers[r] = ParseExpression();
        }
        if (op == "ret" && Peek.Kind == TokenKind.Name)
            ScenarioThrow.At(Pos(Peek), "'same' comes right after 'ret', before the registers (ret same x0 = ...)");
    }

    /// <summary>0..17 for <c>x0</c>..<c>x17</c>, else -1.</summary>
    static int RegisterNumber(string name)
    {
        if (name.Length is < 2 or > 3 || name[0] != 'x' || (name.Length == 3 && name[1] == '0')) return -1;
        return int.TryParse(name.AsSpan(1), System.Globalization.NumberStyles.None, null, out int r) && r < FirmwareRegisters ? r : -1;
    }

    void TrackFirmwareNesting(Step s, in Token opTok, bool opens)
    {
        if (_firmwareDepth is null) return;
        if (_loopScope.Count != 0)
        {
            _firmwareDepth = null; // repeat counts decide the nesting: generation checks it
            return;
        }
        _firmwareDepth.TryGetValue(s.Agent, out int depth);
        if (!opens && depth == 0) ScenarioThrow.At(Pos(opTok), NoOpenCall(_agents[s.Agent].Name));
        if (opens && depth == FirmwareNesting.MaxDepth) ScenarioThrow.At(Pos(opTok), FirmwareNesting.TooDeep(opTok.Text!, _agents[s.Agent].Name));
        _firmwareDepth[s.Agent] = opens ? depth + 1 : depth - 1;
    }

    /// <summary>The error of a <c>ret</c> with nothing to return from (the generator says the same).</summary>
    internal static string NoOpenCall(string cpu) =>
        $"'ret' on {cpu} with no open smc/hvc call: each ret closes its cpu's innermost open call";
}
