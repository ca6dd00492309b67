using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// A cpu's cache_clean, cache_inval or cache_flush as the hardware performs it: on every whole cache line
/// the written range touches (docs/model.md §9).
/// </summary>
/// <param name="Index">Trace index.</param>
/// <param name="Kind">CacheClean, CacheInval or CacheFlush.</param>
/// <param name="Agent">The cpu.</param>
/// <param name="Time">Its local time.</param>
/// <param name="Address">First byte of the range as written.</param>
/// <param name="Size">Bytes of the range as written.</param>
/// <param name="LineStart">First byte of the first line touched.</param>
/// <param name="LineBytes">Bytes of the whole lines touched (a multiple of the line size).</param>
public readonly record struct CacheMaintenance(
    long Index, EventKind Kind, int Agent, uint Time, ulong Address, int Size, ulong LineStart, int LineBytes)
{
    /// <summary>True for a clean or a flush: dirty lines are written back.</summary>
    public bool Cleans => Kind != EventKind.CacheInval;

    /// <summary>True for an invalidation or a flush: the lines leave the cache.</summary>
    public bool Invalidates => Kind != EventKind.CacheClean;
}
