using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// Device lifetime and the DMA API (issue 11): iommu_mode, quiesce, handover, dma_map, dma_unmap. Each is one cpu
// event; the operand encoding is EventKind's (device in the low 16 bits of Aux, the mode or direction above it).
sealed partial class Parser
{
    /// <summary>The spellings of <see cref="IommuTreatment"/>, in enum order (<see cref="EventOperands"/> names them).</summary>
    static readonly string[] IommuModes = [.. Enum.GetValues<IommuTreatment>().Select(t => t.Name())];

    /// <summary>The spellings of <see cref="DmaDirection"/>, in enum order (the kernel's DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE).</summary>
    static readonly string[] DmaDirections = [.. Enum.GetValues<DmaDirection>().Select(d => d.Name())];

    /// <summary>The ops of this file (<see cref="ParseKexec"/> handles exactly these).</summary>
    public static bool IsKexecOp(string op) => op is "iommu_mode" or "quiesce" or "handover" or "dma_map" or "dma_unmap";

    /// <summary>
    /// <c>iommu_mode DEV translate|bypass|abort</c>, <c>quiesce DEV</c>, <c>handover</c>,
    /// <c>dma_map ADDR size N device DEV to_device|from_device|bidirectional</c>, <c>dma_unmap ADDR size N device DEV</c>.
    /// </summary>
    void ParseKexec(Step s, string op)
    {
        switch (op)
        {
            case "iommu_mode":
            {
                s.Kind = EventKind.IommuMode;
                int device = DeviceId(ExpectName("the device whose DMA the IOMMU treats"), "device");
                int mode = ParseChoice(IommuModes, "IOMMU mode");
                s.Aux = EventOperands.Pack(device, (byte)mode);
                break;
            }
            case "quiesce":
                s.Kind = EventKind.Quiesce;
                s.Aux = (uint)DeviceId(ExpectName("the device that is stopped"), "device");
                break;
            case "handover":
                s.Kind = EventKind.Handover;
                break;
            default:
            {
                bool map = op == "dma_map";
                s.Kind = map ? EventKind.DmaMap : EventKind.DmaUnmap;
                s.Address = ParseAddress();
                s.Size = ParseSize();
                ExpectKeyword("device");
                int device = DeviceId(ExpectName("the device the buffer is mapped for"), "device");
                int direction = map ? ParseChoice(DmaDirections, "DMA direction") : 0;
                s.Aux = EventOperands.Pack(device, (byte)direction);
                break;
            }
        }
    }

    /// <summary>One of <paramref name="words"/> (a <paramref name="noun"/>); its index.</summary>
    int ParseChoice(string[] words, string noun)
    {
        string expected = string.Join(" | ", words);
        var t = ExpectName($"the {noun} ({expected})");
        int i = Array.IndexOf(words, t.Text);
        if (i < 0) ScenarioThrow.At(Pos(t), $"unknown {noun} '{t.Text}': expected {expected}{NearMiss.Suffix(t.Text!, words)}");
        return i;
    }
}
