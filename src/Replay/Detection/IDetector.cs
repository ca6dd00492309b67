using TraceTools.Replay.Findings;
using TraceTools.Replay.Firmware;

namespace TraceTools.Replay.Detection;

/// <summary>The events a detector wants to see; the engine calls only the hooks named here.</summary>
[Flags]
public enum DetectorHooks
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>cpu loads touching data bytes (<see cref="IDetector.OnAccess"/>).</summary>
    Load = 1,
    /// <summary>cpu stores touching data bytes.</summary>
    Store = 2,
    /// <summary>device DMA reads touching data bytes.</summary>
    DmaRead = 4,
    /// <summary>device DMA writes touching data bytes.</summary>
    DmaWrite = 8,
    /// <summary>cpu stores to table entries (<see cref="IDetector.OnEntryStore"/>).</summary>
    EntryStore = 16,
    /// <summary>fetcher granule reads (<see cref="IDetector.OnEntryFetch"/>).</summary>
    EntryFetch = 32,
    /// <summary>dev_invalidate of a table's fetcher (<see cref="IDetector.OnEntryInvalidate"/>).</summary>
    EntryInvalidate = 64,
    /// <summary>cpu MMIO writes, the doorbells that start a device (<see cref="IDetector.OnDoorbell"/>).</summary>
    Doorbell = 128,
    /// <summary>every device DMA read and write, whatever bytes it touches (<see cref="IDetector.OnDeviceDma"/>).</summary>
    DeviceDma = 256,
    /// <summary>iommu_mode, quiesce, handover, dma_map and dma_unmap (<see cref="IDetector.OnDeviceControl"/>).</summary>
    DeviceControl = 512,
    /// <summary>firmware returns (<see cref="IDetector.OnFirmwareReturn"/>).</summary>
    FirmwareReturn = 1024,
    /// <summary>cpu cache_clean, cache_inval and cache_flush, widened to whole lines (<see cref="IDetector.OnCacheMaintenance"/>).</summary>
    CacheMaintenance = 2048,
}

/// <summary>
/// One detector module (model.md §4). It owns its own state; the engine drives it: data-access hooks run
/// before the shadow records the access (so "the last writer" is still visible) and after the clocks of
/// the event's agent are current; entry hooks run with old and new entry state computed by the engine.
/// Detectors read the replay and report through the <see cref="DetectorView"/> they are handed.
/// </summary>
public interface IDetector
{
    /// <summary>The finding kind this module reports.</summary>
    FindingKind Kind { get; }

    /// <summary>Which hooks the engine should call.</summary>
    DetectorHooks Hooks { get; }

    /// <summary>Which replay state the hooks read (the engine keeps nothing no selected detector needs).</summary>
    DetectorNeeds Needs { get; }

    /// <summary>A load, store, DMA read or DMA write that touches data bytes (ram or table payload).</summary>
    void OnAccess(DetectorView view, in DataAccess access) { }

    /// <summary>A cpu store that overlaps a table entry (one call per entry touched).</summary>
    void OnEntryStore(DetectorView view, in EntryStore store) { }

    /// <summary>A fetcher's read of one granule.</summary>
    void OnEntryFetch(DetectorView view, in EntryFetch fetch) { }

    /// <summary>A dev_invalidate that invalidates an entry (or all entries) of a table of the device.</summary>
    void OnEntryInvalidate(DetectorView view, in EntryInvalidation invalidation) { }

    /// <summary>A cpu MMIO write to a device's register (a doorbell), after its hb edge was sent.</summary>
    void OnDoorbell(DetectorView view, in Doorbell doorbell) { }

    /// <summary>
    /// A device <c>dma_read</c> or <c>dma_write</c> of any region (sync bytes too; fetches are not DMA here), before
    /// the data hooks and the shadow see it.
    /// </summary>
    void OnDeviceDma(DetectorView view, in DataAccess access) { }

    /// <summary>A cpu's iommu_mode, quiesce, handover, dma_map or dma_unmap, after its hb effect (quiesce's edge).</summary>
    void OnDeviceControl(DetectorView view, in DeviceControl control) { }
    /// <summary>The end of the trace: report what was waiting for a later event that never came (live-entry-write).</summary>
    void OnComplete(DetectorView view) { }
    /// <summary>An smc/hvc return, with the call it closes and what the frame's own last call got back (model.md §12).</summary>
    void OnFirmwareReturn(DetectorView view, in FirmwareReturn ret) { }
    /// <summary>
    /// A cpu's cache maintenance, before the shadow records its marks (so the lines' bytes still show their
    /// state before it): the last writers and cache marks of every byte of the lines it touches.
    /// </summary>
    void OnCacheMaintenance(DetectorView view, in CacheMaintenance op) { }

    /// <summary>
    /// Adds to <paramref name="times"/> the local times of <paramref name="cpu"/>'s stores this detector keeps in its
    /// own state and may still ask an ob query about (<see cref="DetectorView.StoreOrderedBefore"/>,
    /// <see cref="DetectorView.StoreReached"/>): the edge log keeps their own edges when it is compacted. Stores
    /// the write history holds need not be added. Called only when a cpu's edge log is compacted (rare).
    /// </summary>
    void AddHeldStores(int cpu, List<uint> times) { }
}
