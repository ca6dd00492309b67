using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>
    /// cpu cache maintenance: it acts on every whole line the range touches (docs/model.md §9), so the
    /// detectors and the shadow's clean and invalidation marks see the line-widened range. Detectors run
    /// first: they read the lines' state before this operation.
    /// </summary>
    void CacheMaintenance(int agent, EventKind kind, long index, ulong address, int size)
    {
        int rid = Memory(index, kind, address, size);
        var (start, bytes) = CacheLines.Span(address, size, LineSize);
        if (_partition is not null)
        {
            OwnedCacheMaintenance(new CacheMaintenance(index, kind, agent, _hb.Time[agent], address, size, start, bytes), rid);
            return;
        }
        if (CacheHooks.Length != 0)
        {
            var op = new CacheMaintenance(index, kind, agent, _hb.Time[agent], address, size, start, bytes);
            _dispatch.OnCacheMaintenance(CacheHooks, View, op);
        }
        _shadow.Cache(_hb, agent, kind, start, bytes);
    }

    /// <summary>The trace's cache line size.</summary>
    internal int LineSize => Metadata.CacheLineSize;

    /// <summary>True when <paramref name="address"/> is a data byte: ram, or table payload (not a present word).</summary>
    internal bool IsDataByte(ulong address)
    {
        int rid = _regionMap.Find(address, 1, out _);
        if (rid < 0) return false;
        var r = Regions[rid];
        if (r.Kind == RegionKind.Ram) return true;
        if (r.Kind != RegionKind.Table) return false;
        ulong off = (address - r.Base) % r.EntrySize;
        return off < r.PresentWordOffset || off >= r.PresentWordOffset + r.PresentWordLength;
    }
}
