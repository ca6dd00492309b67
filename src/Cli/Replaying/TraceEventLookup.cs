using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Looks up report events in the trace file by seeking through its chunk index. The events findings name are read
/// ahead in trace order (<see cref="Prefetch"/>); for the rest (a ladder's events between two of them, an event's
/// bytes) the last decoded chunk is kept.
/// </summary>
public sealed class TraceEventLookup : IEventLookup, IDisposable
{
    readonly TraceReader _reader;

    /// <summary>Looks up events in the trace file at <paramref name="path"/>.</summary>
    public TraceEventLookup(string path) : this(TraceReader.Open(path)) { }

    /// <summary>Looks up events through <paramref name="reader"/>, which it disposes.</summary>
    public TraceEventLookup(TraceReader reader) => _reader = reader;

    readonly EventBatch _batch = new();
    readonly Dictionary<long, TraceEvent> _known = [];
    bool _loaded;

    /// <inheritdoc/>
    public TraceEvent this[long index] => _known.TryGetValue(index, out var e) ? e : _batch[Position(index)];

    /// <summary>
    /// Reads the events at <paramref name="indices"/> in trace order, each chunk once, and keeps them (not their
    /// bytes) for the report (<see cref="IEventLookup.Prefetch"/>). Findings come in trigger order but name related
    /// events further back: looked up one by one, the trigger's chunk and the related event's took turns in the one
    /// decoded batch, a chunk decode per lookup (100,000 dma-race findings against device writes in an earlier
    /// chunk: 74 s of report for a 0.1 s replay).
    /// </summary>
    public void Prefetch(IEnumerable<long> indices)
    {
        var sorted = new List<long>(indices);
        sorted.Sort();
        long last = -1;
        foreach (long index in sorted)
        {
            if (index == last) continue;
            _known[index] = _batch[Position(index)];
            last = index;
        }
    }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> GetData(long index) => _batch.GetData(Position(index));

    int Position(long index)
    {
        if (!_loaded || index < _batch.FirstIndex || index >= _batch.FirstIndex + _batch.Count)
        {
            _reader.SeekToEvent(index);
            _loaded = _reader.ReadBatch(_batch);
            if (!_loaded || index < _batch.FirstIndex || index >= _batch.FirstIndex + _batch.Count)
                throw new TraceChangedException($"{_reader.FileName}: the trace changed while it was read: event {index} is no longer in it");
        }
        return (int)(index - _batch.FirstIndex);
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();
}
