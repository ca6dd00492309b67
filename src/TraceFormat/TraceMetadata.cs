namespace TraceTools.TraceFormat;

/// <summary>
/// Everything a trace header declares: the arch, the agents, the regions, lock names and the interned
/// site strings. Agent, lock and site ids in events are indices into these lists.
/// </summary>
public sealed class TraceMetadata
{
    /// <summary>Free-text scenario name, or empty.</summary>
    public string Name { get; init; } = "";
    /// <summary>Whose ordering rules apply.</summary>
    public required Arch Arch { get; init; }
    /// <summary>Agents; an event's agent id is an index here.</summary>
    public required IReadOnlyList<AgentInfo> Agents { get => _agents; init => _agents = value; }

    IReadOnlyList<AgentInfo> _agents = [];
    /// <summary>Regions, non-overlapping.</summary>
    public required IReadOnlyList<RegionInfo> Regions { get => _regions; init => _regions = value; }

    IReadOnlyList<RegionInfo> _regions = [];
    /// <summary>Lock names; a lock event's Aux is an index here.</summary>
    public IReadOnlyList<string> Locks { get; init; } = [];
    /// <summary>Interned site strings; an event's site id is an index here (-1: none).</summary>
    public IReadOnlyList<string> Sites { get; init; } = [];

    int _cacheLine;

    /// <summary>
    /// Bytes per cache line (docs/model.md §9): what the trace declares, else the arch's default
    /// (<see cref="CacheLines.Default"/>). A valid size is a power of two in <see cref="CacheLines.Min"/>..<see cref="CacheLines.Max"/>.
    /// </summary>
    public int CacheLineSize { get => _cacheLine != 0 ? _cacheLine : CacheLines.Default(Arch); init => _cacheLine = value; }

    /// <summary>True when the line size differs from the arch's default (the header then carries it: metadata tag 2).</summary>
    public bool DeclaresCacheLine => CacheLineSize != CacheLines.Default(Arch);

    /// <summary>A copy with <paramref name="regions"/> as its regions (the reader sets their used bits from section tag 1; every other property is kept).</summary>
    internal TraceMetadata WithRegions(IReadOnlyList<RegionInfo> regions)
    {
        var copy = (TraceMetadata)MemberwiseClone();
        copy._regions = regions;
        return copy;
    }

    /// <summary>A copy with <paramref name="agents"/> as its agents (the reader sets their IOMMU modes at the start from section tag 4; every other property is kept).</summary>
    internal TraceMetadata WithAgents(IReadOnlyList<AgentInfo> agents)
    {
        var copy = (TraceMetadata)MemberwiseClone();
        copy._agents = agents;
        return copy;
    }

    /// <summary>A copy with <paramref name="size"/> as its line size (the reader sets it from section tag 2; every other property is kept).</summary>
    internal TraceMetadata WithCacheLineSize(int size)
    {
        var copy = (TraceMetadata)MemberwiseClone();
        copy._cacheLine = size;
        return copy;
    }

    /// <summary>
    /// False when the recorder could not read the bytes memory writes stored (metadata section tag 3; QEMU 7.2's
    /// plugin API, docs/recording.md "qemu"): the data of store, store_release, xchg and device dma_write events
    /// are then stand-ins, the scenario language's fill pattern (every byte changes), and only their addresses and
    /// sizes are real. MMIO values are recorded either way. Reports show no value for those events.
    /// True (the default) when every event's bytes are what the program wrote.
    /// </summary>
    public bool MemoryValuesRecorded { get => !_valuesNotRecorded; init => _valuesNotRecorded = !value; }

    bool _valuesNotRecorded;

    /// <summary>
    /// True when the bytes an event of <paramref name="kind"/> carries are what was written: always, unless
    /// <see cref="MemoryValuesRecorded"/> is false and the kind is a memory write (store, store_release, xchg,
    /// dma_write), whose bytes are then stand-ins that outputs must not show as what was stored.
    /// </summary>
    public bool RecordsValueOf(EventKind kind) =>
        MemoryValuesRecorded || kind is not (EventKind.Store or EventKind.StoreRelease or EventKind.Xchg or EventKind.DmaWrite);

    /// <summary>A copy whose <see cref="MemoryValuesRecorded"/> is false (the reader sets it from section tag 3; every other property is kept).</summary>
    internal TraceMetadata WithMemoryValuesNotRecorded()
    {
        var copy = (TraceMetadata)MemberwiseClone();
        copy._valuesNotRecorded = true;
        return copy;
    }

    /// <summary>Index of the agent named <paramref name="name"/>, or -1.</summary>
    public int AgentId(string name)
    {
        for (int i = 0; i < Agents.Count; i++) if (Agents[i].Name == name) return i;
        return -1;
    }

    RegionsByAddress? _byAddress;

    /// <summary>
    /// The region holding <paramref name="address"/>, or null: a binary search over the regions sorted by base, made at
    /// the first call (regions do not overlap: the reader and the scenario parser refuse those that do). Reports look up
    /// the region of every event they show; a search over every region cost a trace declaring 20,000 of them 47-71 s
    /// of JSON report for 200,000 findings.
    /// </summary>
    public RegionInfo? RegionAt(ulong address) => (_byAddress ??= new RegionsByAddress(Regions)).At(address);

    /// <summary>Structural equality, for round-trip tests.</summary>
    public bool ContentEquals(TraceMetadata other) =>
        Name == other.Name && Arch == other.Arch &&
        Agents.SequenceEqual(other.Agents) && Regions.SequenceEqual(other.Regions) &&
        Locks.SequenceEqual(other.Locks) && Sites.SequenceEqual(other.Sites) &&
        CacheLineSize == other.CacheLineSize && MemoryValuesRecorded == other.MemoryValuesRecorded;
}
