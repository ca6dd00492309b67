using TraceTools.Replay;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth;

/// <summary>One recorded event with a copy of its bytes.</summary>
internal readonly record struct RecordedEvent(TraceEvent Event, byte[] Data);

/// <summary>Keeps every event (small N only).</summary>
internal sealed class RecordingSink : IEventSink
{
    public readonly List<RecordedEvent> Events = [];
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Events.Add(new(e, data.ToArray()));
}

/// <summary>Drops every event; counts them.</summary>
internal sealed class DiscardingSink : IEventSink
{
    public long Count;
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Count++;
}

/// <summary>Feeds the replay engine in batches, as the trace reader would.</summary>
internal sealed class EngineSink(ReplayEngine engine, int batchSize = 4096) : IEventSink
{
    readonly EventBatch _batch = new(batchSize);
    long _next;

    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        _batch.Append(e, data);
        if (_batch.Count == batchSize) Flush();
    }

    public void Flush()
    {
        if (_batch.Count == 0) return;
        engine.Process(_batch);
        _next += _batch.Count;
        _batch.Reset(_next);
    }
}

internal static class Synthesize
{
    public static (DriverMixGenerator Generator, List<RecordedEvent> Events, ExpectedFindingList Truth) Record(
        Arch arch, ulong seed, long events, double inject)
    {
        var truth = new ExpectedFindingList();
        var generator = new DriverMixGenerator(new SynthOptions { Events = events, Seed = seed, Arch = arch, InjectRate = inject }, truth);
        var sink = new RecordingSink();
        generator.Run(sink);
        return (generator, sink.Events, truth);
    }

    public static IEnumerable<object[]> Archs => ArchNames.All.Select(a => new object[] { a });

    public static IEnumerable<object[]> ArchsAndSeeds =>
        from a in ArchNames.All from s in new ulong[] { 1, 2, 3 } select new object[] { a, s };
}
