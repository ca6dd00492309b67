using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// Device lifetime and the DMA API (issue 11): iommu_mode, quiesce, handover, dma_map, dma_unmap. Each is one cpu
// event; the operand encoding is EventKind's (device in the low 16 bits of Aux, the mode or direction above it).
sealed partial class Parser
{
    /// <summary>Each <c>iommu_mode</c>'s device and where it is named, in text order (scenarios only: <see cref="RefuseIommuModeOfTableFetcher"/>).</summary>
    /// <remarks>Only a device's first <c>iommu_mode</c>: a later one would fail the same check later in the text.</remarks>
    readonly List<(int Device, SourcePos Pos)> _iommuModeDevices = [];
    /// <summary>The devices that do a <c>dma_read</c> or <c>dma_write</c> in the text, noted as steps are added (gen may drop the steps).</summary>
    readonly HashSet<int> _dmaDevices = [];
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
                var named = ExpectName("the device whose DMA the IOMMU treats");
                int device = DeviceId(named, "device");
                // Line mode sees one step at a time, never the whole scenario the check needs.
                if (!_lineMode && !_iommuModeDevices.Exists(d => d.Device == device)) _iommuModeDevices.Add((device, Pos(named)));
                int mode = ParseChoice(IommuModes, "IOMMU mode", IommuModeHint);
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

    /// <summary>
    /// <c>iommu translate|bypass|abort</c> after a <c>device</c> declaration: how the IOMMU treats the device's DMA when
    /// the trace begins (docs/model.md §11; <see cref="AgentInfo.IommuAtStart"/>). Not checked against the steps, as
    /// <see cref="RefuseIommuModeOfTableFetcher"/> checks the step: a layout for <c>import</c> has none, and a
    /// declaration states what the system was, whatever the trace goes on to record.
    /// </summary>
    void ParseIommuAtStart(int device)
    {
        Next();
        int mode = ParseChoice(IommuModes, "IOMMU mode", IommuModeHint);
        _agents[device] = _agents[device] with { IommuAtStart = (IommuTreatment)mode };
        if (Peek.Kind == TokenKind.Name && Peek.Text is "coherent" or "noncoherent")
            ScenarioThrow.At(Pos(Peek), $"'{Peek.Text}' comes before 'iommu': device {_agents[device].Name} {Peek.Text} iommu {IommuModes[mode]}");
    }

    /// <summary>The kernel's words for IOMMU domains and modes, and the mode each is here (docs/recording.md).</summary>
    static string? IommuModeHint(string word) => word.ToLowerInvariant() switch
    {
        "identity" or "passthrough" or "pt" or "bare" => "an identity (passthrough) domain is 'bypass'",
        "blocked" or "off" => "a blocked domain is 'abort'",
        "dma" or "unmanaged" or "paging" => "a DMA (paging) domain is 'translate'",
        _ => null,
    };

    /// <summary>
    /// One of <paramref name="words"/> (a <paramref name="noun"/>); its index. An unknown word gets <paramref name="hint"/>'s
    /// words when it has some for it, else the nearest of <paramref name="words"/>.
    /// </summary>
    int ParseChoice(string[] words, string noun, Func<string, string?>? hint = null)
    {
        string expected = string.Join(" | ", words);
        var t = ExpectName($"the {noun} ({expected})");
        int i = Array.IndexOf(words, t.Text);
        if (i < 0)
        {
            string suffix = hint?.Invoke(t.Text!) is { } h ? $" ({h})" : NearMiss.Suffix(t.Text!, words);
            ScenarioThrow.At(Pos(t), $"unknown {noun} '{t.Text}': expected {expected}{suffix}");
        }
        return i;
    }

    /// <summary>
    /// Refuses an <c>iommu_mode</c> naming a table's fetcher that does no <c>dma_read</c>/<c>dma_write</c> anywhere in
    /// the scenario's text (docs/scenario-language.md, "Device lifetime"). Such a device is the IOMMU's own table walker
    /// (an SMMU fetching its STEs), not a device whose DMA it translates: its mode can never matter, and unquiesced-dma
    /// would find nothing without saying why. The text decides, not the iterations run, so that <c>--set</c> cannot
    /// turn a scenario invalid; a fetcher that also DMAs (a NIC walking its own rings) is a DMA device and is accepted.
    /// Runs after the last step: the DMA may be written after the <c>iommu_mode</c>.
    /// </summary>
    void RefuseIommuModeOfTableFetcher()
    {
        if (_iommuModeDevices.Count == 0) return;
        foreach (var (device, pos) in _iommuModeDevices)
        {
            if (_dmaDevices.Contains(device)) continue;
            var table = _regions.Find(r => r.Kind == RegionKind.Table && r.Device == device);
            if (table is null) continue;
            string[] dma = [.. _dmaDevices.Order().Select(d => $"'{_agents[d].Name}'")];
            string hint = dma.Length == 0 ? "" : $" (did you mean {(dma.Length == 1 ? "" : "one of ")}{string.Join(", ", dma)}?)";
            ScenarioThrow.At(pos, $"iommu_mode names '{_agents[device].Name}', the fetcher of table '{table.Name}', which does no dma_read or dma_write: " +
                $"name the device whose DMA the IOMMU translates{hint}");
        }
    }
}
