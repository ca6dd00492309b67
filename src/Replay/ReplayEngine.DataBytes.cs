using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>
    /// True when [<paramref name="from"/>, <paramref name="to"/>) holds a data byte: any byte for which
    /// <see cref="IsDataByte"/> is true. A region lookup per region or present word the range crosses, not per
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
            if (r.Kind == RegionKind.Ram) return true;
            ulong regionLeft = r.Size - (a - r.Base); // bytes of the region from a (no wrap at the top of memory)
            if (r.Kind != RegionKind.Table)
            {
                if (to - a <= regionLeft) return false;
                a += regionLeft;
                continue;
            }
            ulong off = (a - r.Base) % r.EntrySize;
            if (off < r.PresentWordOffset || off >= r.PresentWordOffset + r.PresentWordLength) return true;
            // Inside the present word: the entry's payload resumes right after it, if the range gets there.
            ulong wordLeft = r.PresentWordOffset + r.PresentWordLength - off;
            if (to - a <= wordLeft) return false;
            a += wordLeft;
        }
        return false;
    }
}
