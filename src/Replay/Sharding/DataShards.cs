using System.Runtime.ExceptionServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// The data shards of a replay, each a replica engine on a thread of its own, fed the batches of the engine on the
/// caller's thread (replica 0) over bounded queues. A shard replays every batch (the hb stage) but for the accesses
/// the batch's routes (<see cref="BatchRouter"/>) give to other replicas, and judges the data bytes of the pages it
/// owns (<see cref="AddressPartition"/>). A <see cref="SharedBatch"/> is read in place by every replica and released
/// by the last one done; a plain <see cref="EventBatch"/> (which its caller may reuse as soon as <c>Process</c>
/// returns) is copied into a pooled shared batch first. Queues and pool are bounded, so memory stays bounded and a
/// slow shard holds the replay thread back. Fed (<see cref="RunOnFeeder"/>), the shards have no threads: the thread
/// that fills the batches replays each on them (<see cref="Feed"/>) before handing it to replica 0.
/// </summary>
sealed class DataShards : IDisposable
{
    /// <summary>Batches in flight per shard queue.</summary>
    const int QueueDepth = 3;

    readonly ReplayEngine[] _shards;
    readonly HandOff<SharedBatch>[] _queues;
    /// <summary>The pool of copies (of batches that are not shared).</summary>
    readonly HandOff<SharedBatch> _free;
    readonly Thread[] _threads;
    /// <summary>Null when there are more replicas than a route names (every event to every replica).</summary>
    readonly BatchRouter? _router;
    ExceptionDispatchInfo? _failure;
    bool _started, _completed, _aborted;
    /// <summary>The shards replay on the thread that fills the batches (<see cref="Feed"/>), not on threads of their own.</summary>
    bool _fed;

    public DataShards(ReplayEngine[] shards, BatchRouter? router)
    {
        _shards = shards;
        _router = router;
        _queues = [.. shards.Select(_ => new HandOff<SharedBatch>(QueueDepth))];
        int slots = QueueDepth + 1;
        _free = new HandOff<SharedBatch>(slots);
        for (int i = 0; i < slots; i++) _free.Add(new SharedBatch(64, b => _free.Add(b)));
        _threads = [.. shards.Select((_, k) => new Thread(() => Run(k)) { IsBackground = true, Name = $"replay shard {k + 1}" })];
    }

    /// <summary>Number of shards (replicas besides the caller's engine).</summary>
    public int Count => _shards.Length;

    /// <summary>
    /// Shared batches the shards may hold at once, behind the caller's engine: a full queue and the one each shard is
    /// replaying (the same batch sits in every shard's queue, so this does not grow with <see cref="Count"/>).
    /// </summary>
    public int BatchesHeld => _fed ? 0 : QueueDepth + 1;

    /// <summary>
    /// From now on the thread that fills the shared batches replays each on the shards itself (<see cref="Feed"/>),
    /// ahead of replica 0, so the shards need no threads; only for shards that replay every event (no routes),
    /// before the first batch.
    /// </summary>
    public void RunOnFeeder()
    {
        if (_started || _router is not null) ReplayThrow.ShardsLate();
        _fed = true;
    }

    /// <summary>
    /// Fed: lends <paramref name="batch"/> to every replica and replays it on every shard, on the calling thread;
    /// the caller then hands it to replica 0. A shard's failure is thrown here (and again by <see cref="Complete"/>).
    /// </summary>
    public void Feed(SharedBatch batch)
    {
        batch.Lend(_shards.Length + 1);
        try
        {
            foreach (var shard in _shards)
            {
                shard.ProcessLent(batch);
                batch.Done();
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            throw;
        }
    }

    /// <summary>
    /// Routes <paramref name="batch"/> when it is not yet (the caller may have done it on the thread that fills the
    /// batches); the routes, or empty when every event goes to every replica.
    /// </summary>
    public ReadOnlySpan<byte> Route(SharedBatch batch)
    {
        if (_router is null) return default;
        int n = batch.Events.Count;
        if (!batch.Routed)
        {
            _router.Route(batch.Events, batch.RoutesFor(n));
            batch.Routed = true;
        }
        return batch.Routes.AsSpan(0, n);
    }

    /// <summary>Hands the shared <paramref name="batch"/> to every shard, and counts replica 0 in (it calls <see cref="SharedBatch.Done"/> after its replay); its routes for replica 0.</summary>
    public ReadOnlySpan<byte> Post(SharedBatch batch)
    {
        // Fed, the shards replayed it already (and a failure of theirs surfaces once replica 0 is past that batch:
        // bad input, found by every replica at the same event, is thrown by replica 0 in trace order).
        if (_fed) return default;
        var routes = Route(batch);
        batch.Lend(_shards.Length + 1);
        Enqueue(batch);
        return routes;
    }

    /// <summary>Hands a routed copy of <paramref name="batch"/> to every shard (waits while every copy is in flight); its routes for replica 0.</summary>
    public ReadOnlySpan<byte> PostCopy(EventBatch batch)
    {
        if (_fed)
        {
            // The caller's own batch, fed on its thread (no routes: fed shards replay every event).
            foreach (var shard in _shards) shard.Process(batch);
            return default;
        }
        if (!_free.TryTake(out var copy)) Aborted();
        CopyBatch(batch, copy.Events);
        var routes = Route(copy);
        copy.Lend(_shards.Length);
        Enqueue(copy);
        // The copy's own routes, though the shards may hand the copy back to the pool while replica 0 reads them: only
        // this method takes from the pool, on replica 0's thread, and not before replica 0's next batch.
        return routes;
    }

    void Enqueue(SharedBatch batch)
    {
        if (!_started)
        {
            _started = true;
            foreach (var t in _threads) t.Start();
        }
        ThrowIfFailed();
        foreach (var q in _queues) if (!q.Add(batch)) Aborted();
    }

    /// <summary>A wait ended by a shard's failure (rethrown) or by <see cref="Dispose"/>.</summary>
    void Aborted()
    {
        ThrowIfFailed();
        ReplayThrow.Canceled();
    }

    /// <summary>The columns the replay reads (not the sites: reports look them up in the file).</summary>
    static void CopyBatch(EventBatch from, EventBatch to)
    {
        to.Reset(from.FirstIndex);
        to.AppendColumns(from);
    }

    /// <summary>Waits for every shard to replay every batch posted; rethrows a shard's failure.</summary>
    public void Complete()
    {
        if (!_completed)
        {
            _completed = true;
            foreach (var q in _queues) q.Complete();
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
            while (_queues[k].TryTake(out var s))
            {
                shard.ProcessLent(s);
                s.Done();
            }
        }
        catch (Exception e)
        {
            // The first failure wins; cancelling wakes the replay thread if it waits on a full queue or an empty pool.
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            Abort();
        }
    }

    /// <summary>Wakes and stops every wait on a queue or the pool.</summary>
    void Abort()
    {
        lock (_queues)
        {
            if (_aborted) return;
            _aborted = true;
        }
        foreach (var q in _queues) q.Cancel();
        _free.Cancel();
    }

    void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();

    /// <summary>Stops the shard threads (a replay abandoned on bad input never completes).</summary>
    public void Dispose()
    {
        Abort();
        if (_started) foreach (var t in _threads) t.Join();
    }
}
