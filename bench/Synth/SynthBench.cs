using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Synth;

/// <summary>A synth configuration with a readable name in the results table.</summary>
public sealed record SynthCase(Arch Arch, double Inject)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Arch.Name()} inject {Inject:0.##}";
}

/// <summary>
/// Synth throughput into a discarding sink: the generator's own cost, which must stay well above the
/// trace writer's (target ≥ 20 M events/s).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SynthBenchConfig))]
public class SynthBench
{
    /// <summary>Events per benchmark operation.</summary>
    public const long Events = 2_000_000;

    sealed class DiscardingSink : IEventSink
    {
        public long Bytes;
        public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Bytes += data.Length;
    }

    /// <summary>Columnar batches reset when full: the copy the trace writer's input costs.</summary>
    sealed class BatchSink : IEventSink
    {
        readonly EventBatch _batch = new(65536);
        long _next;

        public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
        {
            _batch.Append(e, data);
            if (_batch.Count == 65536) { _next += _batch.Count; _batch.Reset(_next); }
        }
    }

    readonly BatchSink _batchSink = new();

    sealed class CountingTruth : IExpectedFindingSink
    {
        public long Count;
        public void Add(in ExpectedFinding finding) => Count++;
    }

    /// <summary>The configurations measured.</summary>
    public static IEnumerable<SynthCase> Cases =>
    [
        new(Arch.Arm64, 0), new(Arch.Arm64, 0.05), new(Arch.X86_64, 0), new(Arch.Riscv64, 0.05),
    ];

    /// <summary>The configuration of this run.</summary>
    [ParamsSource(nameof(Cases))]
    public SynthCase Case { get; set; } = new(Arch.Arm64, 0);

    /// <summary>Generates <see cref="Events"/> events and drops them.</summary>
    [Benchmark]
    public long DriverMix()
    {
        var sink = new DiscardingSink();
        var generator = new DriverMixGenerator(
            new SynthOptions { Events = Events, Seed = 1, Arch = Case.Arch, InjectRate = Case.Inject }, new CountingTruth());
        generator.Run(sink);
        return sink.Bytes;
    }

    /// <summary>
    /// Generates <see cref="Events"/> events into the real trace writer (LZ4, default chunks) over a stream
    /// that drops the bytes: what <c>tracetools synth</c> costs without the file system.
    /// </summary>
    [Benchmark]
    public long DriverMixIntoTraceWriter()
    {
        var truth = new CountingTruth();
        var generator = new DriverMixGenerator(
            new SynthOptions { Events = Events, Seed = 1, Arch = Case.Arch, InjectRate = Case.Inject }, truth);
        using var writer = new TraceWriter(Stream.Null, generator.Metadata);
        generator.Run(writer);
        writer.Complete();
        return writer.ChunkCount;
    }

    /// <summary>Generates <see cref="Events"/> events into reused 64 Ki-event columnar batches.</summary>
    [Benchmark]
    public long DriverMixIntoBatches()
    {
        var truth = new CountingTruth();
        var generator = new DriverMixGenerator(
            new SynthOptions { Events = Events, Seed = 1, Arch = Case.Arch, InjectRate = Case.Inject }, truth);
        generator.Run(_batchSink);
        return truth.Count;
    }
}

/// <summary>Adds the events/s column.</summary>
public sealed class SynthBenchConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public SynthBenchConfig() => AddColumn(new EventsPerSecondColumn(_ => SynthBench.Events));
}
