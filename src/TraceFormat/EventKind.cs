namespace TraceTools.TraceFormat;

/// <summary>
/// What an event did. The numeric values are part of the trace format (4 bits on disk).
/// </summary>
/// <remarks>
/// Column meaning per kind (see <see cref="TraceEvent"/>):
/// <list type="table">
/// <item><term>memory and MMIO accesses, cache ops, DMA</term><description>Address and Size of the access; Aux 0.</description></item>
/// <item><term><see cref="Barrier"/></term><description>Aux = <see cref="BarrierCode"/> value; Address and Size 0.</description></item>
/// <item><term><see cref="DevInvalidate"/></term><description>Aux = device agent; Address = entry base and Size = entry size, or both 0 for <c>all</c>.</description></item>
/// <item><term><see cref="Lock"/>, <see cref="Unlock"/></term><description>Aux = lock id (index into <see cref="TraceMetadata.Locks"/>).</description></item>
/// <item><term><see cref="TakeIrq"/></term><description>Aux = device agent whose interrupt is taken.</description></item>
/// <item><term><see cref="Fetch"/></term><description>Address = the granule's address, Size = granule size, Aux = granule number.</description></item>
/// <item><term><see cref="RaiseIrq"/></term><description>no operands.</description></item>
/// </list>
/// </remarks>
public enum EventKind : byte
{
    /// <summary>cpu store to memory (class w); carries its bytes.</summary>
    Store = 0,
    /// <summary>cpu load from memory (class r); may carry the bytes observed.</summary>
    Load = 1,
    /// <summary>cpu barrier; Aux holds the <see cref="BarrierCode"/>.</summary>
    Barrier = 2,
    /// <summary>cpu MMIO write (class o); carries its bytes.</summary>
    MmioWrite = 3,
    /// <summary>cpu MMIO read (class i).</summary>
    MmioRead = 4,
    /// <summary>cpu cache clean, write back dirty lines (class c).</summary>
    CacheClean = 5,
    /// <summary>cpu cache invalidate, discard lines (class c).</summary>
    CacheInval = 6,
    /// <summary>cpu cache clean and invalidate (class c).</summary>
    CacheFlush = 7,
    /// <summary>cpu synchronous invalidation of a device's cached entries (class o).</summary>
    DevInvalidate = 8,
    /// <summary>cpu lock acquire; Aux = lock id.</summary>
    Lock = 9,
    /// <summary>cpu lock release; Aux = lock id.</summary>
    Unlock = 10,
    /// <summary>cpu enters the handler of a device's interrupt; Aux = device agent.</summary>
    TakeIrq = 11,
    /// <summary>device read of memory; may carry the bytes observed.</summary>
    DmaRead = 12,
    /// <summary>device write of memory; carries its bytes.</summary>
    DmaWrite = 13,
    /// <summary>fetcher's atomic read of one granule of a table entry.</summary>
    Fetch = 14,
    /// <summary>device raises its interrupt.</summary>
    RaiseIrq = 15,
}

/// <summary>Facts about <see cref="EventKind"/> used by the format, the scenario language and the replay.</summary>
public static class EventKinds
{
    /// <summary>Number of event kinds.</summary>
    public const int Count = 16;

    /// <summary>The scenario-language op name of a kind (<c>store</c>, <c>mmio_write</c>, ...).</summary>
    public static string OpName(this EventKind kind) => kind switch
    {
        EventKind.Store => "store",
        EventKind.Load => "load",
        EventKind.Barrier => "barrier",
        EventKind.MmioWrite => "mmio_write",
        EventKind.MmioRead => "mmio_read",
        EventKind.CacheClean => "cache_clean",
        EventKind.CacheInval => "cache_inval",
        EventKind.CacheFlush => "cache_flush",
        EventKind.DevInvalidate => "dev_invalidate",
        EventKind.Lock => "lock",
        EventKind.Unlock => "unlock",
        EventKind.TakeIrq => "take_irq",
        EventKind.DmaRead => "dma_read",
        EventKind.DmaWrite => "dma_write",
        EventKind.Fetch => "fetch",
        EventKind.RaiseIrq => "raise_irq",
        _ => $"kind{(byte)kind}",
    };

    /// <summary>True for kinds a cpu agent performs; the rest are device events.</summary>
    public static bool IsCpuEvent(this EventKind kind) => kind < EventKind.DmaRead;

    /// <summary>True when the event has an address and size operand column on disk.</summary>
    public static bool HasAddress(this EventKind kind) => kind switch
    {
        EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.TakeIrq or EventKind.RaiseIrq => false,
        _ => true,
    };

    /// <summary>True when the event has an <see cref="TraceEvent.Aux"/> operand on disk.</summary>
    public static bool HasAux(this EventKind kind) => kind switch
    {
        EventKind.Barrier or EventKind.DevInvalidate or EventKind.Lock or EventKind.Unlock
            or EventKind.TakeIrq or EventKind.Fetch => true,
        _ => false,
    };

    /// <summary>True when the event must carry its bytes (stores, MMIO writes, DMA writes).</summary>
    public static bool MustCarryData(this EventKind kind) =>
        kind is EventKind.Store or EventKind.MmioWrite or EventKind.DmaWrite;

    /// <summary>True when the event may carry the bytes it observed (loads, DMA reads, fetches, MMIO reads).</summary>
    public static bool MayCarryData(this EventKind kind) =>
        kind is EventKind.Load or EventKind.DmaRead or EventKind.Fetch or EventKind.MmioRead;
}
