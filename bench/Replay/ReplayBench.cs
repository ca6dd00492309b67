using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;

namespace TraceTools.Bench.Replay;

/// <summary>A readable benchmark parameter: which detectors run.</summary>
public sealed record DetectorSet(string Name, FindingKind[]? Kinds)
{
    public override string ToString() => Name;
}

sealed class ReplayConfig : ManualConfig
{
    public ReplayConfig() => AddColumn(new EventsPerSecondColumn(_ => ReplayBench.EventsPerOp));
}

/// <summary>Full replay of an in-memory driver workload: all detectors, none, and each alone.</summary>
[MemoryDiagnoser]
[Config(typeof(ReplayConfig))]
public class ReplayBench
{
    internal static long EventsPerOp;
    DriverWorkload _workload = null!;

    public static IEnumerable<DetectorSet> Sets =>
        new[] { new DetectorSet("all", null), new DetectorSet("none", []) }
            .Concat(FindingKinds.All.Select(k => new DetectorSet(k.Name(), [k])));

    [ParamsSource(nameof(Sets))]
    public DetectorSet Detectors { get; set; } = null!;

    /// <summary>The clock kernel: the machine's default (<see cref="ClockJoinBench"/> compares kernels).</summary>
    public ClockSimd Simd { get; set; } = ClockSimdSelector.Default;

    [GlobalSetup]
    public void Setup()
    {
        _workload = new DriverWorkload(20_000);
        EventsPerOp = _workload.Events;
    }

    [Benchmark]
    public int Replay()
    {
        var options = new ReplayOptions { Simd = Simd, Detectors = Detectors.Kinds is null ? null : new HashSet<FindingKind>(Detectors.Kinds) };
        var engine = DetectorRegistry.CreateEngine(_workload.Metadata, options);
        foreach (var b in _workload.Batches) engine.Process(b);
        return engine.Complete().Count;
    }
}
