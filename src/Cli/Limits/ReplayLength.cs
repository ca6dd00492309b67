using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Limits;

/// <summary>
/// The replay's one limit on a trace's length (<see cref="ReplayEngine.MaxEvents"/>, 2^32 − 1 events), checked at open
/// from the footer. The engine refuses the event at that index too, but only once it reaches it: four billion events
/// and several minutes in, with no finding reported. A trace without a
/// footer (cut off, or a stream) has no count to check: the engine's refusal at the event stays.
/// </summary>
public static class ReplayLength
{
    /// <summary>
    /// Refuses <paramref name="reader"/>'s trace when its footer counts more events than the replay takes and the
    /// caller would replay past the limit (<paramref name="replayEnd"/>: the index the caller replays up to, exclusive;
    /// <c>export</c>'s window may end before the limit; its last chunk is replayed whole, so a window ending within a
    /// chunk of the limit is still refused by the engine, at the event).
    /// </summary>
    public static void Check(TraceReader reader, long replayEnd = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long total = reader.IndexedEventCount;
        if (Math.Min(total, replayEnd) <= ReplayEngine.MaxEvents) return;
        throw new TraceTooLongException(
            $"{reader.FileName}: byte offset {reader.IndexedEventCountOffset} (footer): the trailer counts {total} events; " +
            ReplayEngine.LengthLimit + " (local times are trace indices + 1 in 32 bits): nothing was replayed");
    }
}

/// <summary>A trace that is well formed but longer than the replay takes: one line, exit code 2.</summary>
public sealed class TraceTooLongException(string message) : BadInputException(message);
