using System.Buffers.Binary;
using TraceTools.Replay.Firmware;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.Scenarios.Internals.Syntax;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Generation;

// Firmware calls and returns: a stack of open calls per cpu, so that a ret knows its call (its conduit, and its
// registers for 'ret same') and a ret with nothing open, or a call nested deeper than FirmwareNesting.MaxDepth, is an
// error at its line:column.
sealed partial class EventEmitter
{
    sealed class OpenCall
    {
        public uint Conduit;
        public readonly ulong[] Registers = new ulong[EventKinds.RegisterBytes / 8];
    }

    List<OpenCall>?[] _calls = [];
    int[] _depth = [];
    readonly ulong[] _registers = new ulong[EventKinds.RegisterBytes / 8];
    readonly byte[] _registerBytes = new byte[EventKinds.RegisterBytes];

    /// <summary>Appends an smc/hvc call or a ret: registers evaluated now, unwritten ones 0 (or the call's with 'ret same').</summary>
    public void Firmware(Step s, in TraceEvent e, ulong[] vars)
    {
        int agent = e.Agent;
        if (agent >= _depth.Length)
        {
            Array.Resize(ref _depth, agent + 1);
            Array.Resize(ref _calls, agent + 1);
        }
        var regs = s.Registers!;
        uint conduit = e.Aux;
        if (e.Kind == EventKind.FirmwareCall)
        {
            var stack = _calls[agent] ??= [];
            if (_depth[agent] == FirmwareNesting.MaxDepth)
                ScenarioThrow.At(s.Pos, FirmwareNesting.TooDeep(conduit == (uint)FirmwareConduit.Hvc ? "hvc" : "smc", s.AgentName!));
            if (_depth[agent] == stack.Count) stack.Add(new OpenCall());
            var call = stack[_depth[agent]++];
            call.Conduit = conduit;
            Evaluate(regs, vars, null, call.Registers);
            ulong fid = call.Registers[0];
            if (fid > uint.MaxValue) ScenarioThrow.At(regs[0]!.Pos, $"function ID 0x{fid:x} does not fit in 32 bits: it is passed in w0");
            call.Registers.CopyTo(_registers, 0);
        }
        else
        {
            if (_depth[agent] == 0) ScenarioThrow.At(s.Pos, Parser.NoOpenCall(s.AgentName!));
            var call = _calls[agent]![--_depth[agent]];
            conduit = call.Conduit;
            Evaluate(regs, vars, s.SameAsCall ? call.Registers : null, _registers);
        }
        for (int r = 0; r < _registers.Length; r++) BinaryPrimitives.WriteUInt64LittleEndian(_registerBytes.AsSpan(8 * r), _registers[r]);
        _sink.Append(e with { Aux = conduit }, _registerBytes);
    }

    static void Evaluate(Expressions.Expr?[] regs, ulong[] vars, ulong[]? start, ulong[] into)
    {
        for (int r = 0; r < into.Length; r++)
            into[r] = regs[r] is { } x ? x.Eval(vars) : start is null ? 0 : start[r];
    }
}
