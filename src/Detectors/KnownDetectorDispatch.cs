using System.Runtime.CompilerServices;
using TraceTools.Detectors.DiscardedStore;
using TraceTools.Detectors.DmaOutsideMapping;
using TraceTools.Detectors.DmaRace;
using TraceTools.Detectors.LiveEntryWrite;
using TraceTools.Detectors.MissingCacheClean;
using TraceTools.Detectors.MissingCacheInvalidate;
using TraceTools.Detectors.MissingFlushAfterClear;
using TraceTools.Detectors.PresentBeforePayload;
using TraceTools.Detectors.SharedCacheline;
using TraceTools.Detectors.Smccc;
using TraceTools.Detectors.StaleCpuRead;
using TraceTools.Detectors.StaleDmaRead;
using TraceTools.Detectors.TornEntryFetch;
using TraceTools.Detectors.TornEntryUpdate;
using TraceTools.Detectors.UnquiescedDma;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Firmware;

namespace TraceTools.Detectors;

/// <summary>
/// The engine's hook calls without an interface call per detector: a type switch over the sealed detector
/// classes (a type test of a sealed class is one method-table compare, and the call is direct). A detector
/// not listed here still runs, through <see cref="IDetector"/>. Adding a detector: one <c>case</c> line per
/// hook it implements.
/// </summary>
public sealed class KnownDetectorDispatch : DetectorDispatch
{
    /// <summary>The one instance (stateless: the engine keeps the per-hook arrays).</summary>
    public static KnownDetectorDispatch Instance { get; } = new();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnAccess(IDetector[] detectors, DetectorView view, in DataAccess access)
    {
        foreach (var d in detectors)
        {
            // In the order of the type tests' frequency: dma-race takes every access, then the load detectors
            // (loads are four times as many as DMA accesses), then the DMA-only ones. The three load detectors
            // after dma-race are inlined: their early outs (no device wrote the region, nothing discarded) are
            // one array read or compare each.
            switch (d)
            {
                case DmaRaceDetector x: x.OnAccess(view, access); break;
                case StaleCpuReadDetector x: x.OnAccess(view, access); break;
                case MissingCacheInvalidateDetector x: x.OnAccess(view, access); break;
                case DiscardedStoreDetector x: x.OnAccess(view, access); break;
                case SharedCachelineDetector x: x.OnAccess(view, access); break;
                case StaleDmaReadDetector x: x.OnAccess(view, access); break;
                case MissingCacheCleanDetector x: x.OnAccess(view, access); break;
                default: d.OnAccess(view, access); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnEntryStore(IDetector[] detectors, DetectorView view, in EntryStore store)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case TornEntryFetchDetector x: x.OnEntryStore(view, store); break;
                case MissingFlushAfterClearDetector x: x.OnEntryStore(view, store); break;
                case PresentBeforePayloadDetector x: x.OnEntryStore(view, store); break;
                case TornEntryUpdateDetector x: x.OnEntryStore(view, store); break;
                case LiveEntryWriteDetector x: x.OnEntryStore(view, store); break;
                default: d.OnEntryStore(view, store); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnEntryFetch(IDetector[] detectors, DetectorView view, in EntryFetch fetch)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case TornEntryFetchDetector x: x.OnEntryFetch(view, fetch); break;
                case LiveEntryWriteDetector x: x.OnEntryFetch(view, fetch); break;
                default: d.OnEntryFetch(view, fetch); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnEntryInvalidate(IDetector[] detectors, DetectorView view, in EntryInvalidation invalidation)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case MissingFlushAfterClearDetector x: x.OnEntryInvalidate(view, invalidation); break;
                case TornEntryUpdateDetector x: x.OnEntryInvalidate(view, invalidation); break;
                case LiveEntryWriteDetector x: x.OnEntryInvalidate(view, invalidation); break;
                default: d.OnEntryInvalidate(view, invalidation); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnDoorbell(IDetector[] detectors, DetectorView view, in Doorbell doorbell)
    {
        foreach (var d in detectors)
        {
            if (d is UnquiescedDmaDetector x) x.OnDoorbell(view, doorbell);
            else d.OnDoorbell(view, doorbell);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnDeviceDma(IDetector[] detectors, DetectorView view, in DataAccess access)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case UnquiescedDmaDetector x: x.OnDeviceDma(view, access); break;
                case DmaOutsideMappingDetector x: x.OnDeviceDma(view, access); break;
                default: d.OnDeviceDma(view, access); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnDeviceControl(IDetector[] detectors, DetectorView view, in DeviceControl control)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case UnquiescedDmaDetector x: x.OnDeviceControl(view, control); break;
                case DmaOutsideMappingDetector x: x.OnDeviceControl(view, control); break;
                default: d.OnDeviceControl(view, control); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnFirmwareReturn(IDetector[] detectors, DetectorView view, in FirmwareReturn ret)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case SmcccClobberDetector x: x.OnFirmwareReturn(view, ret); break;
                case SmcccResultLostDetector x: x.OnFirmwareReturn(view, ret); break;
                default: d.OnFirmwareReturn(view, ret); break;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnCacheMaintenance(IDetector[] detectors, DetectorView view, in CacheMaintenance op)
    {
        foreach (var d in detectors)
        {
            switch (d)
            {
                case SharedCachelineDetector x: x.OnCacheMaintenance(view, op); break;
                case DiscardedStoreDetector x: x.OnCacheMaintenance(view, op); break;
                default: d.OnCacheMaintenance(view, op); break;
            }
        }
    }
}
