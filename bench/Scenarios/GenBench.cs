using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Scenarios;

/// <summary>A scenario shape to generate: a readable name and the loop body.</summary>
public sealed record GenCase(string Name, string Body)
{
    /// <summary>Shown in the results table.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// Scenario generation into a sink that discards events: the compiler's share of `tracetools gen`
/// (the trace writer's cost comes on top). Reports events/s.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventsPerSecondConfig))]
public class GenBench
{
    /// <summary>Events per benchmark invocation.</summary>
    public const long Events = 1 << 22;

    /// <summary>Loop bodies of 8 events each.</summary>
    public static IEnumerable<GenCase> Cases() =>
    [
        new("mailbox-ring", """
              cpu0: store buf + (i & 0xff) * 64 size 64 @ "fill"
              cpu0: barrier dma_wmb @ "dma_wmb"
              cpu0: mmio_write regs size 4 = i & 0xffff_ffff @ "doorbell"
              nic:  dma_read buf + (i & 0xff) * 64 size 64 @ "read"
              nic:  dma_write flag + (i & 0x3ff) * 4 size 4 = 1 @ "cmpl"
              cpu0: load flag + (i & 0x3ff) * 4 size 4 @ "poll"
              cpu0: barrier dma_rmb
              cpu0: load buf + (i & 0xff) * 64 size 8
            """),
        new("constant-steps", """
              cpu0: store buf size 8 = 1
              cpu0: barrier dma_wmb
              cpu0: writel regs = 1
              nic:  dma_read buf size 8
              nic:  raise_irq
              cpu0: take_irq nic
              cpu0: load buf size 8
            """),
        new("entry-fetch", """
              cpu0: store ctx[i & 0xff] + 8 size 8 = i
              cpu0: barrier dma_wmb
              cpu0: store ctx[i & 0xff] size 8 = 1
              nic:  fetch ctx[i & 0xff] granule 0
              nic:  fetch ctx[i & 0xff] granule 1
              cpu0: store ctx[i & 0xff] size 8 = 0
              cpu0: dev_invalidate nic ctx[i & 0xff]
              nic:  fetch ctx[i & 0xff] granule 0
            """),
    ];

    /// <summary>The case being measured.</summary>
    [ParamsSource(nameof(Cases))]
    public GenCase Case { get; set; } = null!;

    CompiledScenario _scenario = null!;
    readonly DiscardSink _sink = new();

    /// <summary>Compiles the case once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string text = $$"""
            arch arm64
            cpu cpu0
            device nic
            ram   buf  0x8000_0000 size 0x10000
            sync  flag 0x9000_0000 size 0x1000
            mmio  regs 0xfe00_0000 size 0x100 device nic
            table ctx  0xa000_0000 entries 256 entry_size 32 granule 16 present bit 0 fetcher nic
            repeat {{Events}} / 8 as i {
            {{Case.Body}}
            }
            """;
        _scenario = ScenarioCompiler.Compile(text, Case.Name + ".scn");
    }

    /// <summary>Generates <see cref="Events"/> events (fewer for shorter bodies: see the count column).</summary>
    [Benchmark]
    public long Generate()
    {
        _sink.Count = 0;
        _scenario.Generate(_sink);
        return _sink.Count;
    }

    sealed class DiscardSink : IEventSink
    {
        public long Count;
        public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Count++;
    }

    sealed class EventsPerSecondConfig : ManualConfig
    {
        public EventsPerSecondConfig() => AddColumn(new EventsPerSecondColumn(EventsPerOperation));
    }

    /// <summary>Events one operation generates: the loop body's steps (writel is two events) times the iterations.</summary>
    static double EventsPerOperation(BenchmarkCase benchmarkCase)
    {
        var c = (GenCase)benchmarkCase.Parameters["Case"];
        int perIteration = c.Body.Split('\n').Count(l => l.Contains(':', StringComparison.Ordinal) && !l.TrimStart().StartsWith('#'));
        // writel is two events.
        perIteration += c.Body.Split('\n').Count(l => l.Contains("writel", StringComparison.Ordinal));
        double events = (double)(Events / 8) * perIteration;
        return events;
    }
}
