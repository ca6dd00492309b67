using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// The data shards of a replay, each a replica engine on a thread of its own: the engine on the caller's thread
/// (replica 0) copies each batch it is handed into a pooled <see cref="EventBatch"/> and hands the copy to every
/// shard over a bounded queue; a shard replays the whole batch (the hb stage) and judges the data bytes of the
/// pages it owns (<see cref="AddressPartition"/>); the last shard done with a copy returns it to the pool. The
/// pool is bounded, so memory stays bounded and a slow shard holds the replay thread back. The copy is what lets
/// the caller reuse its batch as soon as <c>Process</c> returns.
/// </summary>
sealed class DataShards : IDisposable
{
    /// <summary>Batch copies in flight per shard queue.</summary>
    const int QueueDepth = 3;

    readonly ReplayEngine[] _shards;
    readonly BlockingCollection<SharedBatch>[] _queues;
    readonly BlockingCollection<SharedBatch> _free;
    readonly Thread[] _threads;
    readonly CancellationTokenSource _abort = new();
    ExceptionDispatchInfo? _failure;
    bool _started, _completed;

    /// <summary>A batch copy and the shards that have not replayed it yet (back to the pool at zero).</summary>
    sealed class SharedBatch
    {
        public readonly EventBatch Batch = new(64);
        public int Pending;
    }

    public DataShards(ReplayEngine[] shards)
    {
        _shards = shards;
        _queues = [.. shards.Select(_ => new BlockingCollection<SharedBatch>(QueueDepth))];
        int slots = QueueDepth + 1;
        _free = new BlockingCollection<SharedBatch>(slots);
        for (int i = 0; i < slots; i++) _free.Add(new SharedBatch());
        _threads = [.. shards.Select((_, k) => new Thread(() => Run(k)) { IsBackground = true, Name = $"replay shard {k + 1}" })];
    }

    /// <summary>Number of shards (replicas besides the caller's engine).</summary>
    public int Count => _shards.Length;

    /// <summary>Hands a copy of <paramref name="batch"/> to every shard (waits while every copy is in flight); rethrows a shard's failure.</summary>
    public void Post(EventBatch batch)
    {
        if (!_started)
        {
            _started = true;
            foreach (var t in _threads) t.Start();
        }
        ThrowIfFailed();
        try
        {
            var copy = _free.Take(_abort.Token);
            CopyBatch(batch, copy.Batch);
            copy.Pending = _shards.Length;
            foreach (var q in _queues) q.Add(copy, _abort.Token);
        }
        catch (OperationCanceledException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>The columns the replay reads (not the sites: reports look them up in the file).</summary>
    static void CopyBatch(EventBatch from, EventBatch to)
    {
        int n = from.Count, data = from.DataLength;
        to.EnsureCapacity(n, data);
        from.Kinds.AsSpan(0, n).CopyTo(to.Kinds);
        from.Agents.AsSpan(0, n).CopyTo(to.Agents);
        from.Addresses.AsSpan(0, n).CopyTo(to.Addresses);
        from.Sizes.AsSpan(0, n).CopyTo(to.Sizes);
        from.Aux.AsSpan(0, n).CopyTo(to.Aux);
        from.DataOffsets.AsSpan(0, n).CopyTo(to.DataOffsets);
        from.Data.AsSpan(0, data).CopyTo(to.Data);
        to.SetFilled(from.FirstIndex, n, data);
    }

    /// <summary>Waits for every shard to replay every batch posted; rethrows a shard's failure.</summary>
    public void Complete()
    {
        if (!_completed)
        {
            _completed = true;
            foreach (var q in _queues) q.CompleteAdding();
            if (_started) foreach (var t in _threads) t.Join();
        }
        ThrowIfFailed();
    }

    /// <summary>The shard engines (read their findings after <see cref="Complete"/>).</summary>
    public IReadOnlyList<ReplayEngine> Engines => _shards;

    void Run(int k)
    {
        try
        {
            var shard = _shards[k];
            foreach (var s in _queues[k].GetConsumingEnumerable(_abort.Token))
            {
                shard.Process(s.Batch);
                if (Interlocked.Decrement(ref s.Pending) == 0) _free.Add(s);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The first failure wins; cancelling wakes the replay thread if it waits on a full queue or an empty pool.
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            _abort.Cancel();
        }
    }

    void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();

    /// <summary>Stops the shard threads (a replay abandoned on bad input never completes).</summary>
    public void Dispose()
    {
        if (!_abort.IsCancellationRequested) _abort.Cancel();
        foreach (var q in _queues) if (!q.IsAddingCompleted) q.CompleteAdding();
        if (_started) foreach (var t in _threads) t.Join();
    }
}
