using BenchmarkDotNet.Attributes;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Format;

/// <summary>Writing the realistic mix from a prepared batch to memory. Times are per event.</summary>
[MemoryDiagnoser]
[Config(typeof(PerEventConfig))]
public class TraceWriteBench
{
    const int Events = 1 << 20;
    readonly EventBatch _events = new(Events);
    readonly MemoryStream _output = new(64 << 20);


    /// <summary>Codec of every chunk.</summary>
    [Params(TraceCodec.None, TraceCodec.Lz4)]
    public TraceCodec Codec { get; set; }

    /// <summary>Generates the events once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _events.Reset(0);
        RealisticMix.Generate(_events, Events);
    }

    /// <summary>Writes every event and completes the trace.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long WriteAll()
    {
        _output.SetLength(0);
        using var w = new TraceWriter(_output, RealisticMix.Metadata, new TraceWriterOptions { Codec = Codec });
        var b = _events;
        for (int i = 0; i < b.Count; i++) w.Append(b[i], b.GetData(i));
        w.Complete();
        return _output.Length;
    }
}
