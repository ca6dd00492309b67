using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Looks up report events in the trace file by seeking through its chunk index. The events findings name are read
/// ahead in trace order, with their bytes up to <see cref="BytesKept"/> (<see cref="Prefetch"/>); for the rest (a
/// ladder's events around them, longer bytes) the last few decoded chunks are kept.
/// </summary>
public sealed class TraceEventLookup : IEventLookup, IDisposable
{
    readonly TraceReader _reader;

    /// <summary>Looks up events in the trace file at <paramref name="path"/>.</summary>
    public TraceEventLookup(string path) : this(TraceReader.Open(path)) { }

    /// <summary>Looks up events through <paramref name="reader"/>, which it disposes.</summary>
    public TraceEventLookup(TraceReader reader) => _reader = reader;

    /// <summary>
    /// Decoded chunks kept, the most recently used first. A report's ladders look at events around a finding's
    /// trigger and around its related events, often chunks apart: with one chunk kept, each group of a report
    /// decoded both again (5,000 groups: a 26 s text report, 9 s with four kept).
    /// </summary>
    const int ChunksKept = 4;

    readonly List<EventBatch> _chunks = [];
    /// <summary>
    /// The longest bytes <see cref="Prefetch"/> keeps: a firmware call's registers, the longest a report reads
    /// for their value (a write shows its value up to 8 bytes). Without them, SARIF locations and ladder rows read
    /// the bytes of the findings' events through the kept chunks, which groups spread over more chunks than are
    /// kept decoded again and again (10,000 groups over five chunks: 5.5–7.6 s).
    /// </summary>
    public const int BytesKept = EventKinds.RegisterBytes;

    readonly Dictionary<long, (TraceEvent Event, byte[]? Data)> _known = [];

    /// <summary>
    /// Events read ahead and kept (<see cref="Prefetch"/>), for tests: a report keeps those of the instances it shows,
    /// not of every finding.
    /// </summary>
    internal int KeptEvents => _known.Count;

    /// <inheritdoc/>
    public TraceEvent this[long index]
    {
        get
        {
            if (_known.TryGetValue(index, out var known)) return known.Event;
            var batch = Chunk(index);
            return batch[(int)(index - batch.FirstIndex)];
        }
    }

    /// <summary>
    /// Reads the events at <paramref name="indices"/> in trace order, each chunk once, and keeps them and their
    /// bytes up to <see cref="BytesKept"/> for the report (<see cref="IEventLookup.Prefetch"/>). Findings come in trigger order but name related
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
            last = index;
            if (_known.ContainsKey(index)) continue;
            var batch = Chunk(index);
            int at = (int)(index - batch.FirstIndex);
            var data = batch.GetData(at);
            _known[index] = (batch[at], data.Length <= BytesKept ? data.ToArray() : null);
        }
    }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> GetData(long index)
    {
        if (_known.TryGetValue(index, out var known) && known.Data is { } data) return data;
        var batch = Chunk(index);
        return batch.GetData((int)(index - batch.FirstIndex));
    }

    /// <inheritdoc/>
    public EventBatch? BatchAt(long index) => Chunk(index);

    /// <summary>The decoded chunk holding event <paramref name="index"/>: a kept one (moved to the front), or read in place of the least recently used.</summary>
    EventBatch Chunk(long index)
    {
        for (int i = 0; i < _chunks.Count; i++)
        {
            var kept = _chunks[i];
            if (index < kept.FirstIndex || index >= kept.FirstIndex + kept.Count) continue;
            if (i > 0)
            {
                _chunks.RemoveAt(i);
                _chunks.Insert(0, kept);
            }
            return kept;
        }
        EventBatch batch;
        if (_chunks.Count < ChunksKept) batch = new EventBatch();
        else
        {
            batch = _chunks[^1];
            _chunks.RemoveAt(_chunks.Count - 1);
        }
        _reader.SeekToEvent(index);
        bool loaded = _reader.ReadBatch(batch);
        if (!loaded || index < batch.FirstIndex || index >= batch.FirstIndex + batch.Count)
            throw new TraceChangedException($"{_reader.FileName}: the trace changed while it was read: event {index} is no longer in it");
        _chunks.Insert(0, batch);
        return batch;
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();
}
