using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Checking;

/// <summary>
/// The events of a compiled scenario for reports and suppressions in <c>check</c>: generation is
/// deterministic, so the scenario is generated again after the replay. A small scenario is kept whole
/// (the ladder can show the barriers between events); a large one keeps only the events its findings name,
/// so memory follows the findings, not the scenario. Small is counted in events and in their bytes: 2^20 stores of
/// 4 KiB kept whole took 4 GB.
/// </summary>
public static class ScenarioEvents
{
    /// <summary>Scenarios up to this many events are kept whole (when their bytes are within <see cref="WholeBytesLimit"/>).</summary>
    public const long WholeLimit = 1 << 20;

    /// <summary>Scenarios whose events carry up to this many bytes are kept whole (when within <see cref="WholeLimit"/> events).</summary>
    public const long WholeBytesLimit = 64 << 20;

    /// <summary>A lookup serving at least every event <paramref name="findings"/> name.</summary>
    public static IEventLookup Capture(CompiledScenario scenario, IReadOnlyList<Finding> findings)
    {
        if (scenario.CountEvents() <= WholeLimit && DataBytes(scenario) <= WholeBytesLimit)
        {
            var all = new EventBatch((int)Math.Max(16, scenario.CountEvents()));
            all.Reset(0);
            scenario.Generate(all);
            return new BatchEventLookup(all);
        }
        var wanted = new HashSet<long>();
        foreach (var f in findings)
        {
            wanted.Add(f.Trigger);
            foreach (var r in f.Related) if (r.Index >= 0) wanted.Add(r.Index);
        }
        var sink = new SelectingSink(wanted);
        scenario.Generate(sink);
        return sink;
    }

    /// <summary>The bytes the scenario's events carry (a generation that keeps nothing: at most 2^20 events).</summary>
    static long DataBytes(CompiledScenario scenario)
    {
        var sink = new ByteCount();
        scenario.Generate(sink);
        return sink.Bytes;
    }

    sealed class ByteCount : IEventSink
    {
        public long Bytes { get; private set; }

        public void Append(in TraceEvent e, ReadOnlySpan<byte> data) => Bytes += data.Length;
    }

    /// <summary>Keeps the events whose index is in a set; serves them as a lookup.</summary>
    sealed class SelectingSink(HashSet<long> wanted) : IEventSink, IEventLookup
    {
        readonly Dictionary<long, (TraceEvent Event, byte[] Data)> _kept = [];
        long _next;

        public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
        {
            if (wanted.Contains(_next)) _kept[_next] = (e, data.ToArray());
            _next++;
        }

        public TraceEvent this[long index] => _kept[index].Event;

        public ReadOnlySpan<byte> GetData(long index) => _kept[index].Data;

        public bool Has(long index) => _kept.ContainsKey(index);
    }
}
