using TraceTools.Replay.Memory;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>
    /// True when [<paramref name="from"/>, <paramref name="to"/>) holds a data byte: any byte for which
    /// <see cref="IsDataByte"/> is true. A region lookup per region the range crosses (<see cref="ByteRuns"/> splits it), not per
    /// byte (bytes outside every region are still looked up one by one: a line seldom crosses a gap).
    /// </summary>
    internal bool HasDataByte(ulong from, ulong to)
    {
        for (ulong a = from; a < to;)
        {
            int rid = _regionMap.Find(a, 1, out _);
            if (rid < 0)
            {
                a++;
                continue;
            }
            var r = Regions[rid];
            // The region's share of the range (no wrap at the top of memory), then its data bytes there.
            ulong regionLeft = r.Size - (a - r.Base);
            ulong stop = to - a <= regionLeft ? to : a + regionLeft, cursor = a;
            if (ByteRuns.Next(r, ByteClass.Data, ref cursor, stop, out _)) return true;
            if (stop == to) return false;
            a = stop;
        }
        return false;
    }
}
