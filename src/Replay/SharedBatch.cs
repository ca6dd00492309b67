using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// A batch of events that every replica of a split replay (<see cref="ReplayOptions.DataShards"/>) reads in place,
/// with no copy: <see cref="ReplayEngine.ProcessShared"/> hands it to the shard threads and replays it, and
/// the last replica done with it calls the release callback (on its own thread). Until then its owner must not
/// change it; then it may refill and hand it again. Also works with an engine that is not split (released as soon
/// as it is replayed). A replay that fails (bad input, a shard's error) never releases the batches it holds: a
/// replica may still be reading them, and the caller may read the failed one to locate the bad event. A caller
/// that waits for a release must also stop when the replay throws.
/// </summary>
public sealed class SharedBatch
{
    readonly Action<SharedBatch> _released;
    /// <summary>Replicas that have not replayed it yet.</summary>
    int _pending;

    /// <summary>A batch of <paramref name="capacity"/> events, handed to <paramref name="released"/> each time every replica is done with it.</summary>
    public SharedBatch(int capacity, Action<SharedBatch> released)
    {
        Events = new EventBatch(capacity);
        _released = released;
    }

    /// <summary>The events (fill them, e.g. with <c>TraceReader.ReadBatch</c>, only while the batch is not in a replay).</summary>
    public EventBatch Events { get; }

    /// <summary>Per event, the replicas that replay it in full (<c>Sharding/BatchRouter</c>); valid when <see cref="Routed"/>.</summary>
    internal byte[] Routes = [];

    /// <summary>True when <see cref="Routes"/> belong to the events as filled now (cleared on release).</summary>
    internal bool Routed;

    /// <summary>The routes of the first <paramref name="count"/> events (grown, never shrunk).</summary>
    internal byte[] RoutesFor(int count)
    {
        if (Routes.Length < count) Routes = new byte[Math.Max(count, Routes.Length * 2)];
        return Routes;
    }

    /// <summary>Hands the batch to <paramref name="replicas"/> replicas.</summary>
    internal void Lend(int replicas) => Volatile.Write(ref _pending, replicas);

    /// <summary>One replica is done: the last one releases the batch.</summary>
    internal void Done()
    {
        if (Interlocked.Decrement(ref _pending) != 0) return;
        Routed = false;
        _released(this);
    }
}
