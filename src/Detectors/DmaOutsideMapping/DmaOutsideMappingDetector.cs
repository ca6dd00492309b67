using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaOutsideMapping;

/// <summary>
/// <c>dma-outside-mapping</c> (docs/model.md §11): a device <c>dma_read</c> or <c>dma_write</c> X, by a device that
/// has had a <c>dma_map</c> before X, touching a byte that no live mapping of the device permitting X's direction
/// covers (a read needs <c>to_device</c> or <c>bidirectional</c>, a write <c>from_device</c> or
/// <c>bidirectional</c>): what the kernel's CONFIG_DMA_API_DEBUG checks, with the device's accesses. Related, for
/// the first failing byte: <c>mapping</c>, the latest live mapping covering it (its direction refuses X), or else
/// <c>unmap</c>, the latest unmap that ended a mapping covering it (none when it was never mapped). One per X.
/// </summary>
public sealed class DmaOutsideMappingDetector(int agents) : IDetector
{
    /// <summary>Per agent: null until the device's first dma_map (devices that never map are not checked).</summary>
    readonly DeviceMappings?[] _devices = new DeviceMappings?[agents];

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DmaOutsideMapping;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.DeviceDma | DetectorHooks.DeviceControl;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public void OnDeviceControl(DetectorView view, in DeviceControl control)
    {
        if (control.Kind == EventKind.DmaMap)
            (_devices[control.Device] ??= new DeviceMappings()).Map(control.Address, control.Size, control.Direction, control.Index);
        else if (control.Kind == EventKind.DmaUnmap)
            _devices[control.Device]?.Unmap(control.Address, control.Size, control.Index);
    }

    /// <inheritdoc/>
    public void OnDeviceDma(DetectorView view, in DataAccess access)
    {
        var mappings = _devices[access.Agent];
        if (mappings is null) return;
        bool write = access.Kind == EventKind.DmaWrite;
        if (!mappings.FirstUncovered(access.Address, access.Address + (ulong)access.Size, write, out ulong b)) return;
        long mapping = mappings.LiveMappingOf(b);
        view.Report(Kind, Severity.Error, access.Index, [mapping, mapping >= 0 ? -1 : mappings.UnmapOf(b)]);
    }
}
