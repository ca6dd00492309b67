using BenchmarkDotNet.Attributes;
using TraceTools.Replay.Clocks;

namespace TraceTools.Bench.Replay;

/// <summary>One clock join per operation, per kernel and clock width.</summary>
[MemoryDiagnoser]
public class ClockJoinBench
{
    uint[] _dst = [], _src = [];

    [Params(16, 64)]
    public int Width { get; set; }

    [Params(ClockSimd.Scalar, ClockSimd.V256, ClockSimd.V512)]
    public ClockSimd Simd { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _dst = Enumerable.Range(0, Width).Select(_ => (uint)rng.Next()).ToArray();
        _src = Enumerable.Range(0, Width).Select(_ => (uint)rng.Next()).ToArray();
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void Join()
    {
        for (int i = 0; i < 1000; i++) ClockKernels.Join(Simd, _dst, _src);
    }
}
