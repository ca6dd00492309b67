using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TraceTools.Replay.Findings;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// The data shards of a replay, each on its own thread: the hb stage (the engine's <c>Process</c>, on the
/// caller's thread) fills <see cref="ClockSkeleton"/>s (several per batch) and hands each to every shard over a
/// bounded queue; a shard judges the accesses of the pages it owns (<see cref="Owner"/>) with its own
/// detector instances and shadow; the last shard done with a skeleton returns it to the pool. The pool is
/// bounded, so memory stays bounded and a slow shard holds the hb stage back.
/// </summary>
sealed class DataShards : IDisposable
{
    /// <summary>Skeletons in flight per shard queue (each up to <see cref="ClockSkeleton.Capacity"/> accesses).</summary>
    const int QueueDepth = 8;

    readonly ReplayEngine[] _shards;
    readonly BlockingCollection<ClockSkeleton>[] _queues;
    readonly BlockingCollection<ClockSkeleton> _free;
    readonly Thread[] _threads;
    readonly CancellationTokenSource _abort = new();
    ExceptionDispatchInfo? _failure;
    bool _started, _completed;

    public DataShards(ReplayEngine[] shards, int width)
    {
        _shards = shards;
        _queues = [.. shards.Select(_ => new BlockingCollection<ClockSkeleton>(QueueDepth))];
        int slots = QueueDepth + 2;
        _free = new BlockingCollection<ClockSkeleton>(slots);
        for (int i = 0; i < slots; i++) _free.Add(new ClockSkeleton(width));
        _threads = [.. shards.Select((_, k) => new Thread(() => Run(k)) { IsBackground = true, Name = $"replay shard {k}" })];
    }

    /// <summary>Number of shards.</summary>
    public int Count => _shards.Length;

    /// <summary>The shard owning the page of <paramref name="page"/> (a multiplicative hash spreads neighbouring pages).</summary>
    public static int Owner(ulong page, int shards) => (int)(((page * 0x9E3779B97F4A7C15UL) >> 32) % (ulong)shards);

    /// <summary>A free skeleton for the next batch (waits while every one is in flight).</summary>
    public ClockSkeleton Rent()
    {
        if (!_started)
        {
            _started = true;
            foreach (var t in _threads) t.Start();
        }
        ThrowIfFailed();
        try
        {
            var s = _free.Take(_abort.Token);
            s.Reset();
            return s;
        }
        catch (OperationCanceledException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>Hands a filled skeleton to every shard.</summary>
    public void Post(ClockSkeleton skeleton)
    {
        skeleton.Pending = _shards.Length;
        try
        {
            foreach (var q in _queues) q.Add(skeleton, _abort.Token);
        }
        catch (OperationCanceledException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>Waits for every shard to finish and returns their findings, one list per shard.</summary>
    public List<IReadOnlyList<Finding>> Complete()
    {
        if (!_completed)
        {
            _completed = true;
            foreach (var q in _queues) q.CompleteAdding();
            if (_started) foreach (var t in _threads) t.Join();
        }
        ThrowIfFailed();
        return [.. _shards.Select(s => s.Complete())];
    }

    void Run(int k)
    {
        try
        {
            var shard = _shards[k];
            foreach (var s in _queues[k].GetConsumingEnumerable(_abort.Token))
            {
                shard.ProcessShard(s, k, _shards.Length);
                if (Interlocked.Decrement(ref s.Pending) == 0) _free.Add(s);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
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
