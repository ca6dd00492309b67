using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Validation;

/// <summary>
/// What every verb that reads a trace requires of its events beyond the format (which the reader checks):
/// each access lies inside a region of the right kind, a fetch is by its table's fetcher, a targeted
/// dev_invalidate names a table entry. <c>info</c> and <c>dump</c> run it on every chunk, so <c>dump</c> never
/// prints an address that <c>gen</c> cannot compile back; <c>replay</c> runs it only on a chunk the engine
/// refused (the engine refuses every event this check does), so all three accept and refuse the same traces
/// with the same message. Errors name the file, the chunk and the event.
/// </summary>
public sealed class TraceEventCheck
{
    readonly string _file;
    readonly TraceMetadata _metadata;
    long _chunk = -1;

    /// <summary>Checks events of the trace <paramref name="file"/> (as messages name it) declaring <paramref name="metadata"/>.</summary>
    public TraceEventCheck(TraceMetadata metadata, string file)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        _file = file;
        _metadata = metadata;
    }

    /// <summary>Checks one decoded chunk; chunks are counted in the order they are passed.</summary>
    public void Check(EventBatch batch) => Check(batch, _chunk + 1);

    /// <summary>
    /// Checks decoded chunk number <paramref name="chunk"/> (from 0, as messages name it); the next
    /// <see cref="Check(EventBatch)"/> counts on from it. <c>replay</c> checks only the chunk whose event
    /// the engine refused (<c>TraceReplay</c>), so it must say which chunk that is.
    /// </summary>
    public void Check(EventBatch batch, long chunk)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Check(batch, 0, batch.Count, chunk);
    }

    /// <summary>
    /// Checks the <paramref name="count"/> events from batch position <paramref name="start"/>, which are decoded chunk
    /// number <paramref name="chunk"/>: a replay that merged small chunks into one batch checks them one by one.
    /// </summary>
    public void Check(EventBatch batch, int start, int count, long chunk)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, batch.Count - start);
        _chunk = chunk;
        var kinds = batch.Kinds;
        var addresses = batch.Addresses;
        var sizes = batch.Sizes;
        int end = start + count;
        for (int i = start; i < end; i++)
        {
            var kind = kinds[i];
            switch (kind)
            {
                case EventKind.Store or EventKind.Load or EventKind.DmaWrite or EventKind.DmaRead
                    or EventKind.StoreRelease or EventKind.LoadAcquire or EventKind.Xchg
                    or EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush:
                {
                    var r = Find(addresses[i], sizes[i]);
                    if (r is null) Fail(batch, i, $"{kind.OpName()} 0x{addresses[i]:x} size {sizes[i]} is outside every region");
                    else if (r.Kind == RegionKind.Mmio) Fail(batch, i, $"{kind.OpName()} touches mmio region {r.Name}");
                    break;
                }
                case EventKind.MmioWrite or EventKind.MmioRead:
                    if (Find(addresses[i], sizes[i]) is not { Kind: RegionKind.Mmio })
                        Fail(batch, i, $"{kind.OpName()} 0x{addresses[i]:x} size {sizes[i]} is not inside an mmio region");
                    break;
                case EventKind.Fetch:
                {
                    var r = Find(addresses[i], sizes[i]);
                    if (r is not { Kind: RegionKind.Table } || r.Device != batch.Agents[i])
                        Fail(batch, i, $"fetch 0x{addresses[i]:x} size {sizes[i]} is not inside a table that agent {batch.Agents[i]} fetches");
                    else if (!r.IsGranuleAt(addresses[i], batch.Aux[i]))
                        Fail(batch, i, $"fetch 0x{addresses[i]:x} of {r.Name} names granule {batch.Aux[i]}, which is not the granule of its entry its address lies in");
                    break;
                }
                case EventKind.DevInvalidate when sizes[i] != 0:
                {
                    var r = Find(addresses[i], 1);
                    if (r is not { Kind: RegionKind.Table } || (addresses[i] - r.Base) % r.EntrySize != 0)
                        Fail(batch, i, $"dev_invalidate 0x{addresses[i]:x} does not name a table entry");
                    break;
                }
            }
        }
        // Local times are trace indices + 1 in 32 bits (the replay's limit).
        if (batch.FirstIndex + end > ReplayEngine.MaxEvents)
            Fail(batch, (int)Math.Max(start, ReplayEngine.MaxEvents - batch.FirstIndex), ReplayEngine.LengthLimit);
    }

    // Accesses come in runs on one region: the last hit is tried before the binary search.
    RegionInfo? _last;

    RegionInfo? Find(ulong address, int size)
    {
        if (size <= 0) return null;
        if (_last is not null && _last.Contains(address, (ulong)size)) return _last;
        var r = _metadata.RegionAt(address);
        if (r is not null) _last = r;
        return r is not null && r.Contains(address, (ulong)size) ? r : null;
    }

    /// <summary>
    /// The engine's refusal of an event of chunk <paramref name="chunk"/> that this check passed (a stray return, the
    /// releases outgrowing the memory budget), named by file and chunk as this check names its own.
    /// </summary>
    public TraceEventException Locate(Replay.ReplayInputException refusal, long chunk)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new TraceEventException($"{_file}: chunk {chunk}, {refusal.Message}");
    }

    void Fail(EventBatch batch, int i, string problem) =>
        throw new TraceEventException($"{_file}: chunk {_chunk}, event #{batch.FirstIndex + i}: {problem}");
}

/// <summary>An event that contradicts its trace's header: one line naming file, chunk and event; exit code 2.</summary>
public sealed class TraceEventException(string message) : BadInputException(message);
