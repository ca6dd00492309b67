namespace TraceTools.TraceFormat;

/// <summary>
/// Collects appended events into one reusable <see cref="EventBatch"/> and hands it on whenever it
/// holds <c>batchEvents</c> events or <see cref="MaxBatchBytes"/> bytes of event data (and once more on
/// <see cref="Flush"/>): how in-memory producers (scenarios, synthetic workloads) feed the replay without a trace file.
/// </summary>
public sealed class BatchingSink : IEventSink
{
    readonly EventBatch _batch;
    readonly int _batchEvents;
    readonly Action<EventBatch> _onBatch;
    long _next;

    /// <summary>
    /// The event bytes a batch holds before it is handed on, as the writer cuts a chunk: 65,536 stores of 4 KiB would
    /// otherwise grow the reused batch to 256 MiB of data (512 MiB with its doubling).
    /// </summary>
    public const int MaxBatchBytes = Internals.FormatLayout.WriterChunkRawTarget;

    /// <summary>Creates a sink that calls <paramref name="onBatch"/> with each full batch.</summary>
    public BatchingSink(Action<EventBatch> onBatch, int batchEvents = 65536)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchEvents, 1);
        _onBatch = onBatch;
        _batchEvents = batchEvents;
        _batch = new EventBatch(batchEvents);
        _batch.Reset(0);
    }

    /// <summary>Events appended so far.</summary>
    public long EventCount => _next + _batch.Count;

    /// <inheritdoc/>
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        _batch.Append(e, data);
        if (_batch.Count == _batchEvents || _batch.DataLength >= MaxBatchBytes) Flush();
    }

    /// <summary>Hands on the events not yet handed on, if any.</summary>
    public void Flush()
    {
        if (_batch.Count == 0) return;
        _onBatch(_batch);
        _next += _batch.Count;
        _batch.Reset(_next);
    }
}
