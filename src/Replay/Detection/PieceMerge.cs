namespace TraceTools.Replay.Detection;

/// <summary>
/// How a detector's findings over the pieces of one access are merged when the replay is split by address
/// (<see cref="ReplayOptions.DataShards"/>): each replica judges the piece of the access on the pages it owns,
/// and a detector that reports at most one finding per trigger then reports once per piece that fails.
/// </summary>
public enum PieceMerge : byte
{
    /// <summary>Not split: the detector sees every event, on the replay thread (entry, device and firmware detectors).</summary>
    Whole,
    /// <summary>The piece at the lowest address wins: the detector names the first failing byte in address order (the last-writer walks).</summary>
    FirstPiece,
    /// <summary>The piece whose first related event is the latest wins (dma-race's <c>other</c> is the most recent racing access over all bytes).</summary>
    LatestRelated,
}
