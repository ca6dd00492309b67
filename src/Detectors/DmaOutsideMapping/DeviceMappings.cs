using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaOutsideMapping;

/// <summary>
/// One device's DMA-API mappings: the live ones in map order, and per range the latest unmap that ended one (for
/// the <c>unmap</c> related event). Lookups scan: a driver keeps few mappings of one device live at a time, and the
/// ended ranges are keyed by (address, size), so memory follows the distinct buffers, not the events.
/// </summary>
sealed class DeviceMappings
{
    /// <summary>A live mapping: its bytes, direction and the dma_map's trace index.</summary>
    readonly record struct Mapping(ulong Address, ulong End, DmaDirection Direction, long MappedAt);

    readonly List<Mapping> _live = [];
    readonly Dictionary<(ulong Address, ulong End), long> _unmappedAt = [];

    public void Map(ulong address, int size, DmaDirection direction, long index) =>
        _live.Add(new Mapping(address, address + (ulong)size, direction, index));

    /// <summary>Ends the oldest live mapping with exactly these bytes (the kernel's unmap names its mapping); none: nothing.</summary>
    public void Unmap(ulong address, int size, long index)
    {
        ulong end = address + (ulong)size;
        for (int i = 0; i < _live.Count; i++)
        {
            if (_live[i].Address != address || _live[i].End != end) continue;
            _live.RemoveAt(i);
            _unmappedAt[(address, end)] = index;
            return;
        }
    }

    static bool Permits(DmaDirection mapping, bool write) =>
        mapping == DmaDirection.Bidirectional || mapping == (write ? DmaDirection.FromDevice : DmaDirection.ToDevice);

    /// <summary>The first byte of [address, end) that no live mapping permitting the access covers, or false when every byte is covered.</summary>
    public bool FirstUncovered(ulong address, ulong end, bool write, out ulong failing)
    {
        ulong cursor = address;
        while (cursor < end)
        {
            ulong next = cursor;
            foreach (var m in _live)
                if (m.Address <= cursor && cursor < m.End && m.End > next && Permits(m.Direction, write)) next = m.End;
            if (next == cursor)
            {
                failing = cursor;
                return true;
            }
            cursor = next;
        }
        failing = 0;
        return false;
    }

    /// <summary>The latest live mapping covering <paramref name="b"/> (its direction refuses the access), or -1.</summary>
    public long LiveMappingOf(ulong b)
    {
        long at = -1;
        foreach (var m in _live) if (m.Address <= b && b < m.End && m.MappedAt > at) at = m.MappedAt;
        return at;
    }

    /// <summary>The latest unmap that ended a mapping covering <paramref name="b"/>, or -1.</summary>
    public long UnmapOf(ulong b)
    {
        long at = -1;
        foreach (var (range, index) in _unmappedAt) if (range.Address <= b && b < range.End && index > at) at = index;
        return at;
    }
}
