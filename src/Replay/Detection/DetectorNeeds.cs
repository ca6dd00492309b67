namespace TraceTools.Replay.Detection;

/// <summary>
/// What replay state a detector reads beyond HB (always kept). The engine keeps only what the selected
/// detectors need: with <c>--detectors dma-race</c> there are no OB clocks, no edge log, no cache state.
/// In debug builds a <see cref="DetectorView"/> query throws when its state was not declared.
/// </summary>
[Flags]
public enum DetectorNeeds
{
    /// <summary>HB only.</summary>
    None = 0,
    /// <summary>The last cpu store and device write of each byte (<see cref="DetectorView.FindLastWriter{TRule}"/>, <see cref="DetectorView.NextRun"/>).</summary>
    WriteHistory = 1,
    /// <summary>The last cpu load and device DMA read of each data byte (<see cref="AccessRun.CpuReads"/>, <see cref="AccessRun.DevReads"/>).</summary>
    ReadHistory = 2,
    /// <summary>
    /// OB clocks and the committed barrier tables (<see cref="DetectorView.StoreOrderedBefore"/>; with <see cref="CacheState"/>
    /// also <see cref="DetectorView.CacheMaintenanceReached"/>, whose cache maintenance times only the cache state knows).
    /// </summary>
    ObClocks = 4,
    /// <summary>LOADS, the pending reader clocks and the acquire log (<see cref="DetectorView.OrderedForLoads"/>, <see cref="DetectorView.AcquireReaching"/>).</summary>
    LoadsClock = 8,
    /// <summary>
    /// The edge log of each cpu (<see cref="DetectorView.PublishAfter"/>, and a store's own edge in the ob queries),
    /// compacted against the write history's live stores (when kept) and the stores detectors hold
    /// (<see cref="IDetector.AddHeldStores"/>).
    /// </summary>
    EdgeLog = 16,
    /// <summary>Clean times and invalidation marks per byte (<see cref="LastWrite.CleanTime"/>, <see cref="LastWrite.InvalidatedBy"/>).</summary>
    CacheState = 32,
    /// <summary>
    /// The entry's bytes around an entry store and at a fetch (<see cref="DetectorView.EntryBefore"/>,
    /// <see cref="DetectorView.EntryAfter"/>, <see cref="DetectorView.ReadEntry"/>), for live-entry-write and used bits.
    /// </summary>
    EntryValues = 256,
}
