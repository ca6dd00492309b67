using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Firmware;

namespace TraceTools.Detectors.Smccc;

/// <summary>
/// <c>smccc-clobber</c>: at a firmware return, a register that the caller's convention says must be preserved
/// (<see cref="SmcccConvention.Preserved"/>) differs from its value at the call. Related: <c>call</c>. One per
/// return. The call stack is the engine's (<see cref="FirmwareReturn"/>), so the detector keeps no state.
/// </summary>
public sealed class SmcccClobberDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.SmcccClobber;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.FirmwareReturn;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public void OnFirmwareReturn(DetectorView view, in FirmwareReturn ret)
    {
        if (Changed(SmcccConvention.Preserved(ret.CallRegisters[0], ret.Registers[0]), ret.CallRegisters, ret.Registers) != 0)
            view.Report(Kind, ret.Index, ret.Call);
    }

    /// <summary>The registers of <paramref name="mask"/> whose values differ between <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static uint Changed(uint mask, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        uint changed = 0;
        for (int r = 0; r < a.Length; r++)
            if ((mask & (1u << r)) != 0 && a[r] != b[r]) changed |= 1u << r;
        return changed;
    }
}
