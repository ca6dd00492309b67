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
/// <item><term><see cref="StoreRelease"/>, <see cref="LoadAcquire"/>, <see cref="Xchg"/></term><description>Address and Size of the access, like a store or load; Aux 0.</description></item>
/// <item><term><see cref="IommuMode"/></term><description>Aux = device agent | (<see cref="IommuTreatment"/> &lt;&lt; 16); Address and Size 0.</description></item>
/// <item><term><see cref="Quiesce"/></term><description>Aux = device agent; Address and Size 0.</description></item>
/// <item><term><see cref="Handover"/></term><description>no operands.</description></item>
/// <item><term><see cref="DmaMap"/></term><description>Address and Size of the mapping; Aux = device agent | (<see cref="DmaDirection"/> &lt;&lt; 16).</description></item>
/// <item><term><see cref="DmaUnmap"/></term><description>Address and Size of the mapping; Aux = device agent.</description></item>
/// <item><term><see cref="FirmwareCall"/>, <see cref="FirmwareReturn"/></term><description>Aux = <see cref="FirmwareConduit"/>; Size = <see cref="EventKinds.RegisterBytes"/> and the bytes are x0..x17 (8 bytes each, little-endian); Address 0.</description></item>
/// </list>
/// Kinds 0..14 fit the on-disk kind nibble; 15 and up are written as nibble 15 plus an extension byte
/// (format v3, docs/trace-format.md).
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
    /// <summary>cpu store-release (<c>smp_store_release</c>: stlr on arm64); carries its bytes.</summary>
    StoreRelease = 16,
    /// <summary>cpu load-acquire (<c>smp_load_acquire</c>: ldar on arm64); may carry the bytes observed.</summary>
    LoadAcquire = 17,
    /// <summary>cpu fully ordered exchange (<c>xchg</c>); carries the bytes it stores.</summary>
    Xchg = 18,
    /// <summary>cpu sets how the IOMMU treats a device's DMA from now on; Aux = device | treatment &lt;&lt; 16.</summary>
    IommuMode = 19,
    /// <summary>cpu stopped a device and waited until it was idle (a driver's shutdown); Aux = device.</summary>
    Quiesce = 20,
    /// <summary>cpu hands memory to a new owner (kexec, reboot); no operands.</summary>
    Handover = 21,
    /// <summary>cpu maps a buffer for a device's DMA; Aux = device | direction &lt;&lt; 16.</summary>
    DmaMap = 22,
    /// <summary>cpu unmaps a buffer from a device; Aux = device.</summary>
    DmaUnmap = 23,
    /// <summary>cpu calls firmware (smc or hvc) with x0..x17; Aux = conduit.</summary>
    FirmwareCall = 24,
    /// <summary>firmware returns to the cpu's innermost open call with x0..x17; Aux = conduit.</summary>
    FirmwareReturn = 25,
}

/// <summary>How an IOMMU treats a device's DMA (<see cref="EventKind.IommuMode"/>).</summary>
public enum IommuTreatment : byte
{
    /// <summary>Addresses are translated through the device's mappings.</summary>
    Translate = 0,
    /// <summary>Addresses pass untranslated (SMMUv2 sCR0.CLIENTPD, SMMUv3 GBPA bypass).</summary>
    Bypass = 1,
    /// <summary>Transactions fault (SMMUv3 GBPA abort).</summary>
    Abort = 2,
}

/// <summary>The direction of a DMA mapping (<see cref="EventKind.DmaMap"/>), as the kernel's DMA API names it.</summary>
public enum DmaDirection : byte
{
    /// <summary>DMA_BIDIRECTIONAL.</summary>
    Bidirectional = 0,
    /// <summary>DMA_TO_DEVICE: the device only reads.</summary>
    ToDevice = 1,
    /// <summary>DMA_FROM_DEVICE: the device only writes.</summary>
    FromDevice = 2,
}

/// <summary>The instruction of a firmware call (<see cref="EventKind.FirmwareCall"/>).</summary>
public enum FirmwareConduit : byte
{
    /// <summary>smc: to the secure monitor (EL3).</summary>
    Smc = 0,
    /// <summary>hvc: to the hypervisor (EL2).</summary>
    Hvc = 1,
}

/// <summary>Facts about <see cref="EventKind"/> used by the format, the scenario language and the replay.</summary>
public static class EventKinds
{
    /// <summary>
    /// Number of event kinds the format reads and writes (format v3; versions 1 and 2 hold kinds 0..15,
    /// <see cref="CountBeforeV3"/>).
    /// </summary>
    public const int Count = 26;

    /// <summary>Kinds formats v1 and v2 hold (0..15).</summary>
    public const int CountBeforeV3 = 16;

    /// <summary>Bytes a firmware call or return carries: x0..x17, 8 bytes each.</summary>
    public const int RegisterBytes = 18 * 8;

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
        EventKind.StoreRelease => "store_release",
        EventKind.LoadAcquire => "load_acquire",
        EventKind.Xchg => "xchg",
        EventKind.IommuMode => "iommu_mode",
        EventKind.Quiesce => "quiesce",
        EventKind.Handover => "handover",
        EventKind.DmaMap => "dma_map",
        EventKind.DmaUnmap => "dma_unmap",
        EventKind.FirmwareCall => "smc",
        EventKind.FirmwareReturn => "ret",
        _ => $"kind{(byte)kind}",
    };

    /// <summary>True for kinds a cpu agent performs; the rest are device events.</summary>
    /// <remarks>One unsigned compare: the device kinds are the contiguous range <see cref="EventKind.DmaRead"/>..<see cref="EventKind.RaiseIrq"/>.</remarks>
    public static bool IsCpuEvent(this EventKind kind) => (uint)(kind - EventKind.DmaRead) > (uint)(EventKind.RaiseIrq - EventKind.DmaRead);

    /// <summary>True when the event has an address and size operand column on disk.</summary>
    public static bool HasAddress(this EventKind kind) => kind switch
    {
        EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.TakeIrq or EventKind.RaiseIrq
            or EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover
            or EventKind.FirmwareCall or EventKind.FirmwareReturn => false,
        _ => true,
    };

    /// <summary>
    /// Size of the bytes a kind without an address carries, fixed by the kind: <see cref="RegisterBytes"/>
    /// for firmware calls and returns, else 0 (the event's Size must be this).
    /// </summary>
    public static int FixedSize(this EventKind kind) =>
        kind is EventKind.FirmwareCall or EventKind.FirmwareReturn ? RegisterBytes : 0;

    /// <summary>True when the event has an <see cref="TraceEvent.Aux"/> operand on disk.</summary>
    public static bool HasAux(this EventKind kind) => kind switch
    {
        EventKind.Barrier or EventKind.DevInvalidate or EventKind.Lock or EventKind.Unlock
            or EventKind.TakeIrq or EventKind.Fetch or EventKind.IommuMode or EventKind.Quiesce
            or EventKind.DmaMap or EventKind.DmaUnmap or EventKind.FirmwareCall or EventKind.FirmwareReturn => true,
        _ => false,
    };

    /// <summary>True when the event must carry its bytes (stores, MMIO writes, DMA writes).</summary>
    public static bool MustCarryData(this EventKind kind) =>
        kind is EventKind.Store or EventKind.MmioWrite or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg
            or EventKind.FirmwareCall or EventKind.FirmwareReturn;

    /// <summary>True when the event may carry the bytes it observed (loads, DMA reads, fetches, MMIO reads).</summary>
    public static bool MayCarryData(this EventKind kind) =>
        kind is EventKind.Load or EventKind.DmaRead or EventKind.Fetch or EventKind.MmioRead or EventKind.LoadAcquire;
}
