using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Firmware;

namespace TraceTools.Detectors.Smccc;

/// <summary>
/// <c>smccc-result-lost</c>: a proxy's return to its caller (a return whose frame made a call of its own, one
/// level down) differs from what the callee returned in a register that carries results of the callee's answer
/// (<see cref="FfaFunctions.ResultRegisters"/> of the proxy's call and the callee's x0). The callee is the last
/// call the frame made. Related: <c>call</c> (the caller's call), <c>callee-return</c>. One per return.
/// </summary>
public sealed class SmcccResultLostDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.SmcccResultLost;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.FirmwareReturn;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public void OnFirmwareReturn(DetectorView view, in FirmwareReturn ret)
    {
        if (ret.InnerReturn < 0) return; // the proxy answered by itself: nothing was handed to it
        var callee = ret.InnerReturnRegisters;
        uint results = FfaFunctions.ResultRegisters(ret.InnerCallRegisters[0], callee[0]);
        if (SmcccClobberDetector.Changed(results, callee, ret.Registers) != 0)
            view.Report(Kind, ret.Index, ret.Call, ret.InnerReturn);
    }
}
