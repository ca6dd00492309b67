using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Device lifetime and DMA-API events (docs/model.md §11): iommu_mode, quiesce, handover, dma_map and dma_unmap
/// are cpu events that touch no memory; only quiesce moves hb. The detectors of §11 also see every doorbell
/// and every device DMA, whatever region it touches.
/// </summary>
public sealed partial class ReplayEngine
{
    IDetector[] DoorbellHooks = [], DeviceDmaHooks = [], DeviceControlHooks = [];

    void AttachDeviceControl(IReadOnlyList<IDetector> detectors)
    {
        DoorbellHooks = [.. detectors.Where(d => (d.Hooks & DetectorHooks.Doorbell) != 0)];
        DeviceDmaHooks = [.. detectors.Where(d => (d.Hooks & DetectorHooks.DeviceDma) != 0)];
        DeviceControlHooks = [.. detectors.Where(d => (d.Hooks & DetectorHooks.DeviceControl) != 0)];
    }

    /// <summary>One of the five device-control events: operands checked, quiesce's hb edge, then the hooks.</summary>
    void DeviceControlEvent(int cpu, EventKind kind, long index, ulong address, int size, uint aux)
    {
        int device = -1;
        var mode = IommuTreatment.Translate;
        var direction = DmaDirection.Bidirectional;
        switch (kind)
        {
            case EventKind.IommuMode:
                device = DeviceAgent(index, aux & 0xffff);
                mode = (IommuTreatment)(aux >> 16);
                if (mode > IommuTreatment.Abort) ReplayThrow.BadEvent(index, $"iommu_mode {aux >> 16} is not a mode (0 translate, 1 bypass, 2 abort)");
                break;
            case EventKind.Quiesce:
                device = DeviceAgent(index, aux);
                _hb.Quiesce(cpu, device, index);
                break;
            case EventKind.DmaMap or EventKind.DmaUnmap:
                Memory(index, kind, address, size);
                device = DeviceAgent(index, aux & 0xffff);
                direction = (DmaDirection)(aux >> 16);
                if (direction > DmaDirection.FromDevice || (kind == EventKind.DmaUnmap && aux >> 16 != 0))
                    ReplayThrow.BadEvent(index, $"{kind.OpName()} direction {aux >> 16} is not a direction (0 bidirectional, 1 to_device, 2 from_device; dma_unmap has none)");
                break;
        }
        if (DeviceControlHooks.Length == 0) return;
        _dispatch.OnDeviceControl(DeviceControlHooks, View, new DeviceControl(index, kind, cpu, device, address, size, mode, direction));
    }

    /// <summary>A doorbell (cpu MMIO write) for the detectors that track when a device was last started.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void DoorbellEvent(int cpu, int device, long index)
    {
        _dispatch.OnDoorbell(DoorbellHooks, View, new Doorbell(index, cpu, device));
    }

    /// <summary>A device DMA, any region, before the data hooks and the shadow see it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void DeviceDmaEvent(int device, EventKind kind, long index, ulong address, int size, int rid)
    {
        var access = new DataAccess(index, kind, device, _hb.Time[device], address, size, rid);
        _dispatch.OnDeviceDma(DeviceDmaHooks, View, access);
    }

    internal void Report(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<RelatedEvent> related) =>
        AddFinding(kind, severity, trigger, related);
}
