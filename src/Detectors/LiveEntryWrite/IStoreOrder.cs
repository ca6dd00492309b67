using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.LiveEntryWrite;

/// <summary>
/// What an invalidation of an entry asks about the stores pending on it: is a store ordered before the invalidation
/// (model.md §8 "Excuses"). The detector answers from the replay; the tests plant their own answers.
/// </summary>
interface IStoreOrder
{
    /// <summary>
    /// The latest local time of <paramref name="cpu"/> whose stores are ordered before the invalidation by the clocks:
    /// every store of <paramref name="cpu"/> at or before it is, a later one only if it is a release (<see cref="OrderedBefore"/>).
    /// </summary>
    uint OrderedThrough(int cpu);

    /// <summary>True when <paramref name="store"/> is ordered before the invalidation (the clocks, or a release's own edge).</summary>
    bool OrderedBefore(in Epoch store);
}
