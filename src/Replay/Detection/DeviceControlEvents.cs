using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>A cpu MMIO write to a register of <paramref name="Device"/>: the doorbell that (re)starts it.</summary>
/// <param name="Index">Trace index.</param>
/// <param name="Agent">The writing cpu.</param>
/// <param name="Device">The device owning the register.</param>
public readonly record struct Doorbell(long Index, int Agent, int Device);

/// <summary>
/// A cpu event about a device's lifetime or its DMA mappings (docs/model.md §11): <c>iommu_mode</c>, <c>quiesce</c>,
/// <c>handover</c>, <c>dma_map</c>, <c>dma_unmap</c>. None of them is a memory access.
/// </summary>
/// <param name="Index">Trace index.</param>
/// <param name="Kind">Which of the five.</param>
/// <param name="Agent">The cpu.</param>
/// <param name="Device">The device named; -1 for a handover.</param>
/// <param name="Address">First byte of the mapping (dma_map, dma_unmap), else 0.</param>
/// <param name="Size">Bytes of the mapping (dma_map, dma_unmap), else 0.</param>
/// <param name="Mode">How the IOMMU treats the device's DMA from now on (iommu_mode only).</param>
/// <param name="Direction">The mapping's direction (dma_map only).</param>
public readonly record struct DeviceControl(
    long Index, EventKind Kind, int Agent, int Device, ulong Address, int Size, IommuTreatment Mode, DmaDirection Direction);
