using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Looks up report events in the trace file by seeking through its chunk index. Reports name few events
/// and mostly near each other, so the last decoded chunk is kept.
/// </summary>
public sealed class TraceEventLookup : IEventLookup, IDisposable
{
    readonly TraceReader _reader;

    /// <summary>Looks up events in the trace file at <paramref name="path"/>.</summary>
    public TraceEventLookup(string path) : this(TraceReader.Open(path)) { }

    /// <summary>Looks up events through <paramref name="reader"/>, which it disposes.</summary>
    public TraceEventLookup(TraceReader reader) => _reader = reader;

    readonly EventBatch _batch = new();
    bool _loaded;

    /// <inheritdoc/>
    public TraceEvent this[long index] => _batch[Position(index)];

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
