using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Looks up report events in the trace file by seeking through its chunk index. Reports name few events
/// and mostly near each other, so the last decoded chunk is kept.
/// </summary>
public sealed class TraceEventLookup(string path) : IEventLookup, IDisposable
{
    readonly TraceReader _reader = TraceReader.Open(path);
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
                throw new ArgumentOutOfRangeException(nameof(index), index, "event not in the trace");
        }
        return (int)(index - _batch.FirstIndex);
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();
}
