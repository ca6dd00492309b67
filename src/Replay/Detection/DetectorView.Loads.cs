using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// True when <paramref name="cpu"/>'s loads may rely on every device write hb-before its current event:
    /// for every device, LOADS has caught up with HB (a read barrier folded every plain acquire). Then no
    /// device write is hb-before the load and unordered for it: stale-cpu-read cannot fail, without a walk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool LoadsCaughtUp(int cpu)
    {
        ReplayThrow.Unless(_hb.TracksLoads, "LoadsClock");
        foreach (int device in _hb.Devices)
            if (_hb.LoadsOf(cpu, device) < _hb.HbTimeOf(cpu, device)) return false;
        return true;
    }
}
