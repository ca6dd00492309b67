using BenchmarkDotNet.Attributes;
using TraceTools.Replay.HappensBefore;

namespace TraceTools.Bench.Replay;

/// <summary>How the edges of <see cref="EdgeQueryBench"/>'s log stand to the query.</summary>
public enum EdgeLayout
{
    /// <summary>The device's HB row holds none of the other cpu's edges: every block but the doorbell's is passed over.</summary>
    Unreached,
    /// <summary>It holds them all: the first edge answers, and the later blocks are passed over on their release times.</summary>
    Reached,
    /// <summary>
    /// It holds them all and their releases fall (flags read in the reverse order of their releases, which no driver
    /// does): every block holds a better answer, so every block is read, and the summaries can only cost.
    /// </summary>
    Falling,
}

/// <summary>
/// The publish query of stale-dma-read (the first release after a store whose edge reached the reading device) over a
/// full edge log of one cpu, 64 Ki edges to another cpu, then one doorbell to the device, from stores logged before them
/// all (a buffer filled long before it is handed over): with the block summaries against the scan every query did
/// before them (the baseline, <c>FirstReachingByScan</c>).
/// </summary>
[MemoryDiagnoser]
public class EdgeQueryBench
{
    const int Queries = 1_000, Edges = HbState.EdgeLog.MinCompaction - 1, Cpu1 = 1, Device = 2;
    HbState.EdgeLog _log = null!;
    uint[] _hb = [];
    uint _deviceTime;

    [Params(EdgeLayout.Unreached, EdgeLayout.Reached, EdgeLayout.Falling)]
    public EdgeLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _log = new HbState.EdgeLog();
        // cpu0 stored at trace indices 0..999, then released flags that cpu1 acquired, Edges times, then rang the doorbell.
        uint index = Queries;
        for (int i = 0; i < Edges - 1; i++, index += 2)
        {
            uint release = Layout == EdgeLayout.Falling ? (uint)(Queries + 1 + Edges - i) : index + 1;
            _log.Add(release, Cpu1, index + 2, index + 1);
        }
        _log.Add(index + 1, Device, index + 2, index);
        _deviceTime = index + 2;
        // The device's HB row over agents 0..2: what it knows of cpu1.
        _hb = [0, Layout == EdgeLayout.Unreached ? 0 : index, _deviceTime];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public long Scan()
    {
        long sum = 0;
        for (uint store = 1; store <= Queries; store++) sum += _log.FirstReachingByScan(store, store - 1, _hb, 0, Device, _deviceTime);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public long Summaries()
    {
        long sum = 0;
        for (uint store = 1; store <= Queries; store++) sum += _log.FirstReaching(store, store - 1, _hb, 0, Device, _deviceTime);
        return sum;
    }
}
