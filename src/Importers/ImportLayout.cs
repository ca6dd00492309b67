using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>
/// The system an imported trace ran on, from a layout file (a <c>.scn</c> with declarations only): the
/// agents the trace's cpus and devices map to, and the regions its addresses must fall in.
/// </summary>
public sealed class ImportLayout
{
    readonly int[] _cpus;
    readonly Dictionary<string, int> _agents;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _agentLookup;
    readonly RegionsByAddress _byAddress;
    readonly RegionInfo[] _regions;

    /// <summary>Wraps a compiled layout.</summary>
    public ImportLayout(ScenarioLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Scenario = layout;
        var agents = layout.Metadata.Agents;
        _cpus = [.. Enumerable.Range(0, agents.Count).Where(i => agents[i].IsCpu)];
        _agents = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < agents.Count; i++) _agents[agents[i].Name] = i;
        _agentLookup = _agents.GetAlternateLookup<ReadOnlySpan<char>>();
        var regions = layout.Metadata.Regions;
        _regions = [.. regions];
        _byAddress = new RegionsByAddress(regions);
    }

    /// <summary>Reads and compiles the layout file at <paramref name="path"/>.</summary>
    /// <exception cref="ScenarioException">The layout has an error or holds steps.</exception>
    public static ImportLayout Load(string path) => new(ScenarioCompiler.CompileLayoutFile(path));

    /// <summary>The compiled declarations (the steps format compiles its lines against them).</summary>
    public ScenarioLayout Scenario { get; }

    /// <summary>Arch, agents and regions of the layout.</summary>
    public TraceMetadata Metadata => Scenario.Metadata;

    /// <summary>The layout's file name.</summary>
    public string FileName => Scenario.FileName;

    /// <summary>How many cpus the layout declares.</summary>
    public int CpuCount => _cpus.Length;

    /// <summary>The agent id of the trace's cpu number <paramref name="index"/> (the index-th cpu declared), or -1.</summary>
    public int Cpu(int index) => (uint)index < (uint)_cpus.Length ? _cpus[index] : -1;

    /// <summary>The agent id named <paramref name="name"/>, or -1.</summary>
    public int Agent(ReadOnlySpan<char> name) => _agentLookup.TryGetValue(name, out int id) ? id : -1;

    /// <summary>Region <paramref name="id"/> (an array read: the per-event check runs on it).</summary>
    public RegionInfo Region(int id) => _regions[id];

    /// <summary>The region holding byte <paramref name="address"/>, or -1 (binary search over the sorted bases).</summary>
    public int RegionAt(ulong address) => _byAddress.IdAt(address);
}
