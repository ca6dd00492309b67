using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>
/// The cache operations of one DMA line, produced a batch at a time. A line may name a buffer of gigabytes,
/// one event per 4 KiB piece: produced at once, they would all wait in the input's queue (in memory) until
/// merged. The ranges are checked against the layout when added, so producing them cannot fail halfway.
/// Memory: the line's ranges (at most one per segment a line can print).
/// </summary>
sealed class PendingMaintenance
{
    /// <summary>Events per <see cref="Produce"/> call: enough to amortise the call, small enough to keep the queue small.</summary>
    internal const int Batch = 256;

    (ulong Address, ulong Size)[] _ranges = new (ulong, ulong)[4];
    int _count;
    int _next;
    ulong _done;
    ulong _time;
    EventKind _kind;
    int _agent;

    /// <summary>True when ranges are waiting to be produced.</summary>
    public bool Any => _next < _count;

    /// <summary>Starts the ranges of a line (the previous line's are all produced: <see cref="LineImporter.Continue"/> ran dry).</summary>
    public void Start(ulong time, EventKind kind, int agent)
    {
        _count = _next = 0;
        _done = 0;
        (_time, _kind, _agent) = (time, kind, agent);
    }

    /// <summary>Adds [<paramref name="address"/>, +<paramref name="size"/>), already checked (<see cref="ImportSink.CheckRange"/>).</summary>
    public void Add(ulong address, ulong size)
    {
        if (_count == _ranges.Length) Array.Resize(ref _ranges, 2 * _ranges.Length);
        _ranges[_count++] = (address, size);
    }

    /// <summary>
    /// Produces up to <see cref="Batch"/> pieces of at most <see cref="TraceEvent.MaxSize"/> bytes, each range
    /// cut from its start (a 4097-byte range is 4096 + 1 bytes); false when nothing was pending.
    /// </summary>
    public bool Produce(ImportSink sink)
    {
        if (!Any) return false;
        for (int n = 0; n < Batch && _next < _count; n++)
        {
            var (address, size) = _ranges[_next];
            int piece = (int)Math.Min(size - _done, TraceEvent.MaxSize);
            sink.CheckedPiece(_time, _kind, _agent, address + _done, piece);
            _done += (ulong)piece;
            if (_done == size) { _next++; _done = 0; }
        }
        return true;
    }
}
