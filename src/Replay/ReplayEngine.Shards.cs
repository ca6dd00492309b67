using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Sharding;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// The replay split by detector (<see cref="UseDetectorShards"/>: each shard runs detectors of its own over every
/// event) or by address (<see cref="ReplayOptions.DataShards"/>): this engine and each data shard are
/// replicas. Every replica runs the whole hb stage over every batch (clocks, sync bytes, releases, logs: the exact
/// state a check reads), and records and checks only the data bytes of the pages it owns
/// (<see cref="AddressPartition"/>); replica 0, on the caller's thread, also runs the detectors that are not split
/// (entries, devices, firmware). A check of an access over pages of several replicas runs once per piece;
/// <see cref="Complete"/> keeps one finding per trigger and kind (<see cref="PieceMerge"/>).
/// </summary>
public sealed partial class ReplayEngine : IDisposable
{
    DataShards? _shards;
    AddressPartition? _partition;
    /// <summary>Per finding kind, how its pieces merge (null when not split).</summary>
    PieceMerge[]? _merge;
    /// <summary>The findings of split kinds, with the address of the piece they were reported for.</summary>
    readonly PieceFindings _pieceFindings = new();
    /// <summary>Start of the piece being judged (the address findings are tagged with).</summary>
    ulong _piece;
    /// <summary>This replica's bit in a batch's routes (<see cref="BatchRouter"/>).</summary>
    byte _routeBit;
    /// <summary>The shared batch being replayed (null: the caller's own batch).</summary>
    SharedBatch? _lent;
    /// <summary>The shards run detectors of their own over every event and byte (<see cref="UseDetectorShards"/>), not pieces.</summary>
    bool _wholeShards;

    /// <summary>
    /// Splits the data checks by address between this engine (replica 0, on the caller's thread) and
    /// <paramref name="shards"/> (replicas 1.., each on a thread of its own); <paramref name="merge"/> says, per
    /// finding kind, how pieces merge. The shards must be fresh engines over the same trace, without the
    /// detectors that are not split.
    /// </summary>
    internal void UseShards(ReplayEngine[] shards, PieceMerge[] merge)
    {
        if (_next != 0 || _partition is not null) ReplayThrow.ShardsLate();
        int replicas = shards.Length + 1;
        Partition(0, replicas, merge);
        for (int k = 0; k < shards.Length; k++) shards[k].Partition(k + 1, replicas, merge);
        BatchRouter? router = null;
        if (replicas <= BatchRouter.MaxReplicas)
        {
            int dma = DeviceDmaHooks.Length != 0 ? 1 : 0;
            for (int k = 0; k < shards.Length; k++) dma |= shards[k].DeviceDmaHooks.Length != 0 ? 1 << (k + 1) : 0;
            router = new BatchRouter(Metadata.Regions, _partition!, replicas, (byte)dma);
        }
        _shards = new DataShards(shards, router);
    }

    /// <summary>
    /// Splits the replay by detector: <paramref name="shards"/> (each running detectors this engine does not, over
    /// every event and every byte) replay each batch on threads of their own while this engine replays it; their
    /// findings join this engine's in <see cref="Complete"/>. Each replica keeps only the state its own detectors
    /// need (<see cref="Needs"/>), so a shard running dma-race alone keeps no ob clocks, logs or access history.
    /// </summary>
    internal void UseDetectorShards(ReplayEngine[] shards)
    {
        if (_next != 0 || _partition is not null || _shards is not null) ReplayThrow.ShardsLate();
        _wholeShards = true;
        _shards = new DataShards(shards, router: null);
    }

    /// <summary>
    /// True when <paramref name="detector"/> sees data accesses or cache maintenance, or reads the access history
    /// or cache state: split, it would see only its replica's pages, so it must be split by address
    /// (<see cref="PieceMerge"/>) or the replay must not be split.
    /// </summary>
    internal static bool ReadsDataBytes(IDetector detector) =>
        (detector.Hooks & (DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite | DetectorHooks.CacheMaintenance)) != 0
        || (detector.Needs & (DetectorNeeds.WriteHistory | DetectorNeeds.ReadHistory | DetectorNeeds.CacheState)) != 0;

    void Partition(int replica, int replicas, PieceMerge[] merge)
    {
        _partition = new AddressPartition(Metadata.Regions, replica, replicas, AddressPartition.ReplayThreadShare(replicas));
        _routeBit = BatchRouter.Bit(replica);
        _merge = merge;
    }

    /// <summary>
    /// Replays <paramref name="batch"/> in place: split, it goes to the shard threads with no copy and is released
    /// by the last replica done with it; not split, it is replayed and released. The batch must not change until
    /// released. <see cref="Route"/> may have split it between the replicas already.
    /// </summary>
    public void ProcessShared(SharedBatch batch)
    {
        if (_shards is null)
        {
            batch.Lend(1);
            Process(batch.Events);
            batch.Done();
            return;
        }
        ProcessLent(batch);
        batch.Done();
    }

    /// <summary>
    /// Splits <paramref name="batch"/> between the replicas ahead of <see cref="ProcessShared"/>, so the replay
    /// thread does not: call it on the thread that fills the batches, for every batch in trace order (or for none).
    /// Nothing to do when the replay is not split.
    /// </summary>
    public void Route(SharedBatch batch) => _shards?.Route(batch);

    /// <summary>Replays a batch lent by its owner (replica 0: handed on to the shards first), reading its routes.</summary>
    internal void ProcessLent(SharedBatch batch)
    {
        _lent = batch;
        try
        {
            Process(batch.Events);
        }
        finally
        {
            _lent = null;
        }
    }

    /// <summary>Data shards in use: replicas besides this engine, each on its own thread (0: the data checks run inline).</summary>
    public int DataShardCount => _shards?.Count ?? 0;

    /// <summary>
    /// Shared batches the data shards may hold at once behind this engine (0 without shards): a caller that pools
    /// <see cref="SharedBatch"/>es sizes its pool with it, so the shards never wait for the decoder's pool.
    /// </summary>
    public int BatchesHeldByShards => _shards?.BatchesHeld ?? 0;

    /// <summary>
    /// Lets the thread that fills the shared batches replay each on the shards itself (<see cref="FeedShards"/>),
    /// ahead of <see cref="ProcessShared"/> here: then the shards need no threads of their own, and a replay split by
    /// detector runs on two busy threads (filler and shards, this engine), not three on two cores. Only a replay split
    /// by detector can (its shards replay every event, with no routes); otherwise false and nothing changes. Call
    /// before the first batch.
    /// </summary>
    public bool FeedShardsFromFiller()
    {
        if (!_wholeShards || _next != 0) return false;
        _shards!.RunOnFeeder();
        return true;
    }

    /// <summary>
    /// After <see cref="FeedShardsFromFiller"/>: replays <paramref name="batch"/> (filled, not yet handed on) on the
    /// shards on the calling thread; then hand it to <see cref="ProcessShared"/>, in trace order, even when this throws
    /// (a shard's failure): this engine then throws bad input at the same event, in trace order, as on one thread.
    /// </summary>
    public void FeedShards(SharedBatch batch) => _shards!.Feed(batch);

    /// <summary>The shard engines (replicas 1..), for tests.</summary>
    internal IReadOnlyList<ReplayEngine> ShardEngines => _shards?.Engines ?? [];

    /// <summary>
    /// Before replaying a batch: replica 0 hands it (or a copy when it is not shared) to the shards. Returns, per
    /// event, the replicas that replay it in full (test the bit <see cref="_routeBit"/>), or empty: every event.
    /// </summary>
    ReadOnlySpan<byte> PostToShards(EventBatch batch)
    {
        if (_lent is { } lent)
        {
            if (_shards is not null) return _shards.Post(lent);
            return _partition is not null && lent.Routed ? lent.Routes.AsSpan(0, batch.Count) : default;
        }
        return _shards is null ? default : _shards.PostCopy(batch);
    }

    /// <summary>
    /// The data hooks of one access (on this replica's pieces of it when split). Callers pick the hook's array
    /// themselves (a two-way select): a switch over the hook kind here compiled to an indirect jump per access.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void DataHooks(IDetector[] hooks, in DataAccess access)
    {
        if (hooks.Length == 0) return;
        if (_partition is null) _dispatch.OnAccess(hooks, View, access);
        else OwnedDataHooks(hooks, access);
    }

    /// <summary>The data hooks on each piece of the access this replica owns, each finding tagged with its piece.</summary>
    void OwnedDataHooks(IDetector[] hooks, in DataAccess access)
    {
        ulong cursor = access.Address, end = access.Address + (ulong)access.Size;
        while (_partition!.NextPiece(access.Region, ref cursor, end, out ulong from))
        {
            _piece = from;
            if (from == access.Address && cursor == end) _dispatch.OnAccess(hooks, View, access);
            else _dispatch.OnAccess(hooks, View, access with { Address = from, Size = (int)(cursor - from) });
        }
    }

    /// <summary>A store or DMA write into the shadow (this replica's pages of it when split).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RecordWrite(int agent, uint time, bool cpu, ulong address, int size, ReadOnlySpan<byte> data, int rid, RegionKind kind)
    {
        if (_partition is null)
        {
            _shadow.RecordWrite(agent, time, cpu, address, size, data, kind);
            return;
        }
        ulong cursor = address, end = address + (ulong)size;
        while (_partition.NextPiece(rid, ref cursor, end, out ulong from))
            _shadow.RecordWrite(agent, time, cpu, from, (int)(cursor - from), data.Slice((int)(from - address), (int)(cursor - from)), kind);
    }

    /// <summary>A load or DMA read into the shadow (this replica's pages of it when split).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RecordRead(int agent, uint time, bool cpu, int rid, ulong address, ulong end)
    {
        var region = Regions[rid];
        if (_partition is null)
        {
            _shadow.RecordRead(agent, time, cpu, region, address, end);
            return;
        }
        ulong cursor = address;
        while (_partition.NextPiece(rid, ref cursor, end, out ulong from)) _shadow.RecordRead(agent, time, cpu, region, from, cursor);
    }

    /// <summary>Cache maintenance of the lines on this replica's pages: every piece's hooks, then every piece's marks (as inline: hooks see the lines before the op).</summary>
    void OwnedCacheMaintenance(in CacheMaintenance op, int rid)
    {
        ulong end = op.LineStart + (ulong)op.LineBytes, cursor = op.LineStart;
        if (CacheHooks.Length != 0)
        {
            while (_partition!.NextPiece(rid, ref cursor, end, out ulong from))
            {
                _piece = from;
                _dispatch.OnCacheMaintenance(CacheHooks, View, op with { LineStart = from, LineBytes = (int)(cursor - from) });
            }
        }
        cursor = op.LineStart;
        while (_partition!.NextPiece(rid, ref cursor, end, out ulong from)) _shadow.Cache(_hb, op.Agent, op.Kind, from, (int)(cursor - from));
    }

    /// <summary>Keeps a finding: a split kind's with its piece, for the merge.</summary>
    void AddFinding(FindingKind kind, Severity severity, long trigger, ReadOnlySpan<RelatedEvent> related)
    {
        if (_merge is not null && _merge[(int)kind] != PieceMerge.Whole) _pieceFindings.Add(kind, severity, trigger, related, _piece);
        else _findings.Add(kind, severity, trigger, related);
    }

    /// <summary>
    /// The replicas' findings of split kinds merged into this engine's: the pieces of one trigger become one
    /// finding, chosen by the kind's <see cref="PieceMerge"/> (<see cref="PieceFindings.Merge"/>). Waits for the shards first.
    /// </summary>
    void MergeShardFindings()
    {
        if (_wholeShards)
        {
            _shards!.Complete();
            // Moved, not copied: the shard (which the caller holds with this engine) gives up each segment once copied.
            foreach (var shard in _shards.Engines) _findings.MoveFrom(shard.Complete());
            return;
        }
        // A shard's pieces wait for replica 0 (which calls this shard's Complete, then merges them with its own).
        if (_merge is null || _partition!.Replica != 0) return;
        var replicas = new List<PieceFindings> { _pieceFindings };
        if (_shards is not null)
        {
            _shards.Complete();
            foreach (var shard in _shards.Engines)
            {
                shard.Complete();
                replicas.Add(shard._pieceFindings);
            }
        }
        PieceFindings.Merge(replicas, _merge, _findings);
    }

    /// <summary>Stops the data shards' threads, if any (needed only when a replay is abandoned before <see cref="Complete"/>).</summary>
    public void Dispose() => _shards?.Dispose();
}
