using TraceTools.TraceFormat;

namespace TraceTools.Replay.Firmware;

/// <summary>
/// A firmware return handed to detectors (<see cref="Detection.IDetector.OnFirmwareReturn"/>): the return, the
/// call it closes (the innermost open call of its cpu), and the last call this frame made itself and its
/// return (a proxy's call to the next level, model.md §12), all with their registers x0..x17.
/// </summary>
public readonly ref struct FirmwareReturn
{
    internal FirmwareReturn(long index, int agent, FirmwareConduit conduit, long call, ReadOnlySpan<ulong> callRegisters,
        ReadOnlySpan<ulong> registers, long innerCall, ReadOnlySpan<ulong> innerCallRegisters, long innerReturn,
        ReadOnlySpan<ulong> innerReturnRegisters)
    {
        Index = index;
        Agent = agent;
        Conduit = conduit;
        Call = call;
        CallRegisters = callRegisters;
        Registers = registers;
        InnerCall = innerCall;
        InnerCallRegisters = innerCallRegisters;
        InnerReturn = innerReturn;
        InnerReturnRegisters = innerReturnRegisters;
    }

    /// <summary>Trace index of the return.</summary>
    public long Index { get; }

    /// <summary>The cpu returned to.</summary>
    public int Agent { get; }

    /// <summary>smc or hvc: the conduit of the call.</summary>
    public FirmwareConduit Conduit { get; }

    /// <summary>Trace index of the call this return closes.</summary>
    public long Call { get; }

    /// <summary>x0..x17 at the call (x0 holds the function ID in w0).</summary>
    public ReadOnlySpan<ulong> CallRegisters { get; }

    /// <summary>x0..x17 at the return.</summary>
    public ReadOnlySpan<ulong> Registers { get; }

    /// <summary>Trace index of the last call made between <see cref="Call"/> and this return one level down, or -1.</summary>
    public long InnerCall { get; }

    /// <summary>x0..x17 of <see cref="InnerCall"/> (empty when there is none).</summary>
    public ReadOnlySpan<ulong> InnerCallRegisters { get; }

    /// <summary>Trace index of the return of <see cref="InnerCall"/> (what the callee answered the proxy), or -1.</summary>
    public long InnerReturn { get; }

    /// <summary>x0..x17 of <see cref="InnerReturn"/> (empty when there is none).</summary>
    public ReadOnlySpan<ulong> InnerReturnRegisters { get; }
}
