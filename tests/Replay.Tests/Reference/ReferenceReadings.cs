namespace TraceTools.Tests.Reference;

/// <summary>
/// Switches for the places where model.md can be read two ways (see the report's ambiguity list and
/// docs/model.md §7). <see cref="Literal"/> is the reading the reference defends; the others let the team
/// flip one reading and see at once what the engine would have to change.
/// </summary>
/// <param name="SelfAcquire">
/// An access that covers sync bytes and data bytes (a 16-byte read of a table entry, present word included)
/// acquires through its own sync bytes for its own data bytes (§2.4: the read observes the store). False: the
/// data bytes are checked as if the access had not yet acquired.
/// </param>
/// <param name="RacePairsWithLastAccessOnly">
/// False: dma-race pairs the trigger with every earlier conflicting access (§4: "two conflicting
/// accesses"). True: only with accesses still current for some shared byte (shadow memory with one last
/// writer and one last reader per side, cpu or device).
/// </param>
/// <param name="RaceOtherOfFirstByte">
/// False: <c>other</c> is the most recent earlier racing access. True: the most recent racing access of the
/// first racing byte (address order), like "the first failing byte's writer".
/// </param>
/// <param name="InvalidationAcquiresItself">
/// False: a dev_invalidate's wait makes D's earlier events hb-before the cpu's LATER events (§2.7), not
/// before the invalidation itself. True: the invalidation itself is hb-after D's earlier events.
/// </param>
/// <param name="EntryCrossCpuByHb">
/// False: between two cpus the entry rules use the full ob-before. True: hb suffices ("another cpu without hb").
/// </param>
public sealed record ReferenceReadings(
    bool SelfAcquire = true,
    bool RacePairsWithLastAccessOnly = false,
    bool RaceOtherOfFirstByte = false,
    bool EntryCrossCpuByHb = false,
    bool InvalidationAcquiresItself = false)
{
    /// <summary>The reference's reading of model.md.</summary>
    public static readonly ReferenceReadings Literal = new();

    /// <summary>
    /// The readings the engine of branch wt-replay (commit 32041fc) follows, found by running this
    /// differential test against it: with these, the remaining differences are the publish role, devices
    /// without events carrying hb, and a clearing store that is itself the release (see the report).
    /// </summary>
    public static readonly ReferenceReadings EngineAt32041fc = new(
        SelfAcquire: false, RacePairsWithLastAccessOnly: true, RaceOtherOfFirstByte: true,
        EntryCrossCpuByHb: true, InvalidationAcquiresItself: true);
}
