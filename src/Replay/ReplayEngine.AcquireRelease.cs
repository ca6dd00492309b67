using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// store_release, load_acquire and xchg (docs/model.md §10): a store or load with the arch's implied ordering
/// (<see cref="AtomicOrdering"/>) around it, and on ram the release/acquire pair as a reads-from edge. For the
/// detectors they are a store (store_release, xchg: an xchg's data bytes are judged as the store it is) and a
/// load (load_acquire).
/// </summary>
public sealed partial class ReplayEngine
{
    /// <summary>Ram bytes last written by a release store; null until the first one.</summary>
    RamReleases? _ramReleases;
    /// <summary>Reused list of the releases one acquire of ram bytes reads.</summary>
    readonly List<int> _ramAcquired = [];

    /// <summary>A store_release or an xchg: the barrier before, xchg's read, the store and its releases, the barrier after.</summary>
    void AtomicWrite(int agent, EventKind kind, long index, ulong address, int size, EventBatch batch, int offset)
    {
        int rid = Memory(index, kind, address, size);
        if (offset < 0) ReplayThrow.NoBytes(index, kind);
        var data = batch.Data.AsSpan(offset, size);
        var region = Regions[rid];
        ulong end = address + (ulong)size;
        var order = AtomicOrdering.Of(Metadata.Arch, kind);
        if (order.Before.Value != 0) _hb.BarrierBefore(agent, order.Before.Value);
        if (kind == EventKind.Xchg)
        {
            // The read half: a plain acquire that the full barrier after it completes.
            if (region.Kind == RegionKind.Ram) AcquireRam(agent, index, address, end, AcquireMode.PlainLoad);
            else if (HasSyncBytes(region.Kind)) AcquireSync(agent, index, region, address, end, AcquireMode.PlainLoad, self: false);
        }
        var saved = order.ReleasesItself ? _hb.BeginOwnRelease(agent) : default;
        Write(agent, EventKind.Store, index, address, size, data, rid);
        if (region.Kind == RegionKind.Ram)
            (_ramReleases ??= new RamReleases(_hb.Arena)).Add(address, end, _hb.Snapshot(agent, AccessClass.W));
        if (order.ReleasesItself) _hb.EndOwnRelease(agent, saved);
        if (order.After.Value != 0) _hb.Barrier(agent, order.After.Value);
    }

    /// <summary>A load_acquire: on ram the pair's edge first, then the load (its own acquires with the arch's strength), then the barrier after.</summary>
    void LoadAcquire(int agent, long index, ulong address, int size)
    {
        int rid = Memory(index, EventKind.LoadAcquire, address, size);
        var order = AtomicOrdering.Of(Metadata.Arch, EventKind.LoadAcquire);
        var mode = order.AcquiresItself ? AcquireMode.Ordered : AcquireMode.PlainLoad;
        if (Regions[rid].Kind == RegionKind.Ram) AcquireRam(agent, index, address, address + (ulong)size, mode);
        Read(agent, EventKind.Load, index, address, size, rid, mode);
        if (order.After.Value != 0) _hb.Barrier(agent, order.After.Value);
    }

    /// <summary>Acquires every release a ram read of [address, end) observes (the release/acquire pair).</summary>
    void AcquireRam(int agent, long index, ulong address, ulong end, AcquireMode mode)
    {
        if (_ramReleases is not { } released) return;
        released.Overlapping(address, end, _ramAcquired);
        foreach (int h in _ramAcquired) _hb.AcquireSnapshot(agent, h, mode, index);
    }

    /// <summary>
    /// True when the event at <paramref name="index"/> of <paramref name="agent"/> acquired a release of another cpu
    /// (from the edges the replay logged; false for a device's release, and when the log no longer holds the edge).
    /// Reports use it to name the read barrier for the releaser. Call after the events up to <paramref name="index"/>
    /// were processed.
    /// </summary>
    public bool AcquiredFromCpu(int agent, long index) => HopInto(agent, index) is not null;

    /// <summary>
    /// The hop from another cpu's release that the event at <paramref name="index"/> of <paramref name="agent"/> acquired
    /// (from the edges the replay logged; null for a device's release, and when the log no longer holds the edge).
    /// Reports draw it on a stale-cpu-read's ladder. Call after the events up to <paramref name="index"/> were processed.
    /// </summary>
    public HbHop? HopInto(int agent, long index) =>
        (uint)agent < (uint)_hb.AgentCount && _hb.TracksEdges ? _hb.HopInto(agent, index) : null;
}
