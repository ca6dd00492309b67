using BenchmarkDotNet.Attributes;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Format;

/// <summary>
/// Reading a whole in-memory trace of the realistic mix into a reused batch: pipe, CRC, LZ4, column decode.
/// Times are per event (OperationsPerInvoke = events).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerEventConfig))]
public class TraceDecodeBench
{
    const int Events = 1 << 20;
    byte[] _trace = [];
    readonly EventBatch _batch = new(65536);


    /// <summary>Codec of every chunk.</summary>
    [Params(TraceCodec.None, TraceCodec.Lz4)]
    public TraceCodec Codec { get; set; }

    /// <summary>Builds the trace once and prints its size per event.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var ms = new MemoryStream();
        using (var w = new TraceWriter(ms, RealisticMix.Metadata, new TraceWriterOptions { Codec = Codec }))
        {
            RealisticMix.Generate(w, Events);
            w.Complete();
        }
        _trace = ms.ToArray();
        using var r = TraceReader.Open(new MemoryStream(_trace), "mix");
        var s = r.Summarize();
        Console.WriteLine($"// {Codec}: {s.EventCount} events, {s.BytesPerEvent:F2} bytes/event on disk, {s.RawBytesPerEvent:F2} raw");
    }

    /// <summary>Reads every chunk.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadAll()
    {
        using var reader = TraceReader.Open(new MemoryStream(_trace, writable: false), "mix");
        long n = 0;
        while (reader.ReadBatch(_batch)) n += _batch.Count;
        return n;
    }
}
