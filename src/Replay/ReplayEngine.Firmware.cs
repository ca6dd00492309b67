using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Firmware;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

// smc/hvc calls and their returns (model.md §12): a stack of open calls per cpu. They carry no ordering (no hb
// edge, no barrier); detectors see each return with its call and, for a proxy, what its callee answered.
public sealed partial class ReplayEngine
{
    FirmwareFrames? _firmware;
    IDetector[]? _firmwareReturnHooks;

    [MethodImpl(MethodImplOptions.NoInlining)]
    void FirmwareCall(int agent, long index, uint aux, ReadOnlySpan<byte> data)
    {
        CheckFirmwareEvent(index, EventKind.FirmwareCall, aux, data);
        (_firmware ??= new FirmwareFrames(Metadata)).Call(agent, index, (FirmwareConduit)aux, data);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void FirmwareReturn(int agent, long index, uint aux, ReadOnlySpan<byte> data)
    {
        CheckFirmwareEvent(index, EventKind.FirmwareReturn, aux, data);
        var frame = (_firmware ??= new FirmwareFrames(Metadata)).Innermost(agent);
        if (frame is null)
            ReplayThrow.BadEvent(index, $"ret on {Metadata.Agents[agent].Name} with no open smc/hvc call (a return closes its cpu's innermost open call)");
        if ((FirmwareConduit)aux != frame.Conduit)
            ReplayThrow.BadEvent(index, $"ret by {ConduitName(aux)} closes the {ConduitName((uint)frame.Conduit)} call #{frame.Call}");
        var registers = _firmware.DecodeReturn(data);
        var hooks = _firmwareReturnHooks ??= [.. Detectors.Where(d => (d.Hooks & DetectorHooks.FirmwareReturn) != 0)];
        if (hooks.Length != 0)
        {
            bool inner = frame.InnerReturn >= 0;
            var ret = new FirmwareReturn(index, agent, frame.Conduit, frame.Call, frame.CallRegisters, registers,
                frame.InnerCall, inner ? frame.InnerCallRegisters : default, frame.InnerReturn, inner ? frame.InnerReturnRegisters : default);
            _dispatch.OnFirmwareReturn(hooks, View, in ret);
        }
        _firmware.Return(agent, index);
    }

    void CheckFirmwareEvent(long index, EventKind kind, uint aux, ReadOnlySpan<byte> data)
    {
        string op = kind == EventKind.FirmwareCall ? ConduitName(aux) : "ret";
        if (Metadata.Arch != Arch.Arm64)
            ReplayThrow.BadEvent(index, $"{op} in a trace of arch {Metadata.Arch.Name()}: smc/hvc firmware calls are arm64 instructions");
        if (aux > (uint)FirmwareConduit.Hvc) ReplayThrow.BadEvent(index, $"{kind.OpName()} has conduit {aux}: expected 0 (smc) or 1 (hvc)");
        if (data.Length != EventKinds.RegisterBytes)
            ReplayThrow.BadEvent(index, $"{op} carries {data.Length} bytes: expected {EventKinds.RegisterBytes} (x0..x17, 8 bytes each)");
    }

    static ReadOnlySpan<byte> FirmwareBytes(EventBatch batch, int offset, int size) =>
        offset < 0 ? default : batch.Data.AsSpan(offset, size);

    static string ConduitName(uint aux) => aux == (uint)FirmwareConduit.Hvc ? "hvc" : aux == (uint)FirmwareConduit.Smc ? "smc" : $"conduit {aux}";
}
