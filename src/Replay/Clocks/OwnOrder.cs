namespace TraceTools.Replay.Clocks;

/// <summary>
/// What a release publishes as ordered for its own agent, per observer domain: the latest of the releaser's own events
/// that its barriers (or the arch) order before the release, for stores and for cache maintenance, seen from the inner
/// and the outer domain. A device's are its time (devices never reorder).
/// </summary>
struct OwnOrder
{
    public uint StoreInner, StoreOuter, CacheInner, CacheOuter;
}
