using System.Buffers.Binary;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Firmware;

/// <summary>
/// The open firmware calls of each cpu, a stack per cpu (model.md §12): a call pushes a frame, a return pops
/// the innermost one. A frame remembers its call's registers and the last call it made one level down with
/// that call's return, which is what a proxy got from its callee. Frames are reused, so a steady trace
/// allocates nothing; the stacks hold what the input holds (one frame per open call, at most
/// <see cref="FirmwareNesting.MaxDepth"/> per cpu).
/// </summary>
sealed class FirmwareFrames(TraceMetadata metadata)
{
    public const int Registers = EventKinds.RegisterBytes / 8;

    internal sealed class Frame
    {
        public long Call;
        public FirmwareConduit Conduit;
        public readonly ulong[] CallRegisters = new ulong[Registers];
        public long InnerCall = -1, InnerReturn = -1;
        public readonly ulong[] InnerCallRegisters = new ulong[Registers];
        public readonly ulong[] InnerReturnRegisters = new ulong[Registers];
    }

    readonly List<Frame>?[] _stacks = new List<Frame>?[metadata.Agents.Count];
    readonly int[] _depth = new int[metadata.Agents.Count];
    readonly ulong[] _return = new ulong[Registers];

    /// <summary>Opens a call of <paramref name="agent"/>; one beyond <see cref="FirmwareNesting.MaxDepth"/> is bad input.</summary>
    public void Call(int agent, long index, FirmwareConduit conduit, ReadOnlySpan<byte> data)
    {
        var stack = _stacks[agent] ??= [];
        if (_depth[agent] == FirmwareNesting.MaxDepth)
            ReplayThrow.BadEvent(index, FirmwareNesting.TooDeep(conduit == FirmwareConduit.Hvc ? "hvc" : "smc", metadata.Agents[agent].Name));
        int d = _depth[agent]++;
        if (d == stack.Count) stack.Add(new Frame());
        var f = stack[d];
        f.Call = index;
        f.Conduit = conduit;
        f.InnerCall = f.InnerReturn = -1;
        Decode(data, f.CallRegisters);
    }

    /// <summary>The innermost open call of <paramref name="agent"/>, or null.</summary>
    public Frame? Innermost(int agent) => _depth[agent] == 0 ? null : _stacks[agent]![_depth[agent] - 1];

    /// <summary>The registers of the return being processed (valid until the next <see cref="DecodeReturn"/>).</summary>
    public ReadOnlySpan<ulong> DecodeReturn(ReadOnlySpan<byte> data)
    {
        Decode(data, _return);
        return _return;
    }

    /// <summary>
    /// Closes the innermost call of <paramref name="agent"/> with the registers last decoded by
    /// <see cref="DecodeReturn"/>; the enclosing frame, if any, records it as its last inner call and return.
    /// </summary>
    public void Return(int agent, long index)
    {
        int d = --_depth[agent];
        if (d == 0) return;
        var stack = _stacks[agent]!;
        var closed = stack[d];
        var parent = stack[d - 1];
        parent.InnerCall = closed.Call;
        parent.InnerReturn = index;
        closed.CallRegisters.CopyTo(parent.InnerCallRegisters, 0);
        _return.CopyTo(parent.InnerReturnRegisters, 0);
    }

    static void Decode(ReadOnlySpan<byte> data, Span<ulong> registers)
    {
        for (int r = 0; r < registers.Length; r++) registers[r] = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(8 * r, 8));
    }
}
