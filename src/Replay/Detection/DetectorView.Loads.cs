using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// True when <paramref name="cpu"/>'s loads may rely on every write hb-before its current event by the devices of
    /// <paramref name="devices"/> (bit = agent id mod 64; agents that are not devices are skipped): for each, LOADS
    /// has caught up with HB (a read barrier folded every plain acquire). Then none of their writes is hb-before the
    /// load and unordered for it: stale-cpu-read cannot fail on bytes only they wrote, without a walk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool LoadsCaughtUp(int cpu, ulong devices)
    {
        ReplayThrow.Unless(_hb.TracksLoads, "LoadsClock");
        int agents = _hb.AgentCount;
        for (ulong m = devices; m != 0; m &= m - 1)
            for (int device = BitOperations.TrailingZeroCount(m); device < agents; device += 64)
                if (_hb.IsDevice[device] && _hb.LoadsOf(cpu, device) < _hb.HbTimeOf(cpu, device)) return false;
        return true;
    }
}
