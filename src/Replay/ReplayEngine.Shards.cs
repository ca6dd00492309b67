using System.Runtime.CompilerServices;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Sharding;

namespace TraceTools.Replay;

/// <summary>
/// hb apart from the data checks. With data shards (<see cref="ReplayOptions.DataShards"/>) this engine is
/// the hb stage: it runs the hb state machine, the sync shadow and the detectors that need more than their
/// agent's HB (ob clocks, LOADS, the logs, entry state), and logs every data access with its agent's HB
/// row as of it into the batch's <see cref="ClockSkeleton"/>. The address-partitioned detectors (dma-race's
/// FastTrack check) run in shard engines: <see cref="ProcessShard"/> replays a skeleton against a replica of
/// the HB rows and the shard's own shadow, for the pages the shard owns.
/// </summary>
public sealed partial class ReplayEngine : IDisposable
{
    DataShards? _shards;
    ClockSkeleton? _skeleton;
    /// <summary>Per agent, the HB row last logged into a skeleton (the shards' replica).</summary>
    uint[] _logged = [];

    /// <summary>Runs <paramref name="shards"/> (engines over the address-partitioned detectors) as data shards of this one, each on its own thread.</summary>
    internal void UseShards(ReplayEngine[] shards)
    {
        if (_next != 0 || _shards is not null) ReplayThrow.ShardsLate();
        _shards = new DataShards(shards, _hb.Width);
        _logged = new uint[_hb.AgentCount * _hb.Width];
    }

    /// <summary>Data shards in use (0: the data checks run inline).</summary>
    public int DataShardCount => _shards?.Count ?? 0;

    /// <summary>The data hooks of one access: logged for the shards when there are any, then this engine's own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void DataHooks(DetectorHooks hook, in DataAccess access)
    {
        if (_skeleton is not null) Log(hook, access);
        var hooks = HooksFor(hook);
        if (hooks.Length != 0) _dispatch.OnAccess(hooks, View, access);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    IDetector[] HooksFor(DetectorHooks hook) => hook switch
    {
        DetectorHooks.Load => LoadHooks,
        DetectorHooks.Store => StoreHooks,
        DetectorHooks.DmaRead => DmaReadHooks,
        _ => DmaWriteHooks,
    };

    /// <summary>Logs an access into the skeleton, with its agent's HB row when it changed since the agent's last logged access.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Log(DetectorHooks hook, in DataAccess access)
    {
        int w = _hb.Width, agent = access.Agent;
        var row = _hb.Row(_hb.Hb, agent);
        var logged = _logged.AsSpan(agent * w, w);
        // The own component is written lazily and never read for the agent's own accesses: not a change.
        int stamp = -1;
        if (!ClockKernels.SameExcept(_hb.Simd, row, logged, agent))
        {
            row.CopyTo(logged);
            stamp = _skeleton!.AddRow(logged);
        }
        _skeleton!.Add(access, hook, stamp);
        if (_skeleton.Full)
        {
            EndSkeleton();
            BeginSkeleton();
        }
    }

    /// <summary>Before a batch, and when a skeleton is full: a skeleton to log accesses into (waits while every skeleton is in flight).</summary>
    void BeginSkeleton() => _skeleton = _shards!.Rent();

    /// <summary>After a batch, and when a skeleton is full: it goes to the shards.</summary>
    void EndSkeleton()
    {
        var s = _skeleton!;
        _skeleton = null;
        _shards!.Post(s);
    }

    /// <summary>
    /// A shard's replay of one skeleton: the accesses of the pages shard <paramref name="shard"/> of
    /// <paramref name="shards"/> owns, each judged by this engine's detectors against the replicated HB row and
    /// then recorded in this engine's shadow, as the inline engine does. An access over pages of several shards
    /// is split at page bounds; each shard reports for its pieces and <see cref="Complete"/> merges them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ProcessShard(ClockSkeleton skeleton, int shard, int shards)
    {
        var hb = _hb;
        int w = hb.Width;
        var rows = skeleton.Rows;
        foreach (ref readonly var s in skeleton.Accesses)
        {
            var a = s.Access;
            if (s.Row >= 0) rows.Slice(s.Row * w, w).CopyTo(hb.Row(hb.Hb, a.Agent));
            hb.Time[a.Agent] = a.Time;
            if (shards == 1)
            {
                ShardAccess(s.Hook, a);
                continue;
            }
            ulong cursor = a.Address, end = a.Address + (ulong)a.Size;
            while (cursor < end)
            {
                ulong next = ShadowPage.ClipToPage(cursor, end);
                if (DataShards.Owner(cursor / AccessRun.PageSize, shards) == shard)
                    ShardAccess(s.Hook, a with { Address = cursor, Size = (int)(next - cursor) });
                cursor = next;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ShardAccess(DetectorHooks hook, in DataAccess a)
    {
        var hooks = HooksFor(hook);
        if (hooks.Length != 0) _dispatch.OnAccess(hooks, View, a);
        var region = Regions[a.Region];
        if (hook is DetectorHooks.Store or DetectorHooks.DmaWrite)
            _shadow.RecordWrite(a.Agent, a.Time, hook == DetectorHooks.Store, a.Address, a.Size, default, region.Kind);
        else
            _shadow.RecordRead(a.Agent, a.Time, hook == DetectorHooks.Load, region, a.Address, a.Address + (ulong)a.Size);
    }

    /// <summary>
    /// The shards' findings merged into this engine's: pieces of one access reported by several shards become
    /// one finding, the one whose first related event is the latest (dma-race's <c>other</c> is the most recent
    /// racing access over all bytes of the trigger, model.md §7.7).
    /// </summary>
    void MergeShardFindings()
    {
        if (_shards is null) return;
        var merged = new Dictionary<(long, FindingKind), Finding>();
        foreach (var list in _shards.Complete())
        {
            foreach (var f in list)
            {
                var key = (f.Trigger, f.Kind);
                if (!merged.TryGetValue(key, out var kept) || Latest(f) > Latest(kept)) merged[key] = f;
            }
        }
        _findings.AddRange(merged.Values.OrderBy(f => f.Trigger).ThenBy(f => f.Kind));
        static long Latest(Finding f) => f.Related.Length == 0 ? -1 : f.Related[0].Index;
    }

    /// <summary>Stops the data shards' threads, if any (needed only when a replay is abandoned before <see cref="Complete"/>).</summary>
    public void Dispose() => _shards?.Dispose();
}
