using TraceTools.Replay.Findings;
namespace TraceTools.Scenarios.Synth;

/// <summary>What a synthetic run produced, for the CLI summary and the tests.</summary>
public sealed class SynthStats
{
    /// <summary>Events emitted.</summary>
    public long Events { get; internal set; }
    /// <summary>Protocol instances started.</summary>
    public long Instances { get; internal set; }
    /// <summary>Instances that carry an injected bug.</summary>
    public long InjectedInstances { get; internal set; }
    /// <summary>Expected findings emitted, per <see cref="FindingKind"/>.</summary>
    public long[] FindingsByKind { get; } = new long[FindingKinds.All.Length];
    /// <summary>Injected instances, per the kind of finding they produce.</summary>
    public long[] InjectedByKind { get; } = new long[FindingKinds.All.Length];
}
