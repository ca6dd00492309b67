namespace TraceTools.TraceFormat;

/// <summary>Whether an agent runs driver code or is a device (DMA engine, IOMMU entry fetcher).</summary>
public enum AgentKind : byte
{
    /// <summary>Runs driver code; its events are in program order.</summary>
    Cpu = 0,
    /// <summary>A DMA engine or entry fetcher; never reorders its own accesses.</summary>
    Device = 1,
}

/// <summary>One agent of the traced system. Its id is its index in <see cref="TraceMetadata.Agents"/>.</summary>
/// <param name="Name">The agent's name as in the scenario (<c>cpu0</c>, <c>qm</c>).</param>
/// <param name="Kind">cpu or device.</param>
/// <param name="Coherent">For devices: false when cpu caches must be maintained by hand. Always true for cpus.</param>
public sealed record AgentInfo(string Name, AgentKind Kind, bool Coherent = true)
{
    /// <summary>True for a cpu agent.</summary>
    public bool IsCpu => Kind == AgentKind.Cpu;

    /// <summary>
    /// For devices: how the IOMMU treated the device's DMA when the trace began, before any <c>iommu_mode</c> event of
    /// it (docs/model.md §11): <see cref="IommuTreatment.Translate"/> unless declared (metadata section tag 4; a
    /// scenario's <c>device D iommu bypass</c>). A recording that begins on a running system states the mode its
    /// devices already had, so that setting it is not taken for a change under a running device. Always
    /// <see cref="IommuTreatment.Translate"/> for cpus.
    /// </summary>
    public IommuTreatment IommuAtStart { get; init; }
}
