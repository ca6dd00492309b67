using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Limits;

/// <summary>
/// The one cap <c>gen</c> and <c>check</c> put on a scenario before running it (<c>--max-events</c>): on the
/// events it makes and on its loop iterations, so that neither <c>repeat 10^12 { store }</c> nor an empty
/// <c>repeat 10^12 { }</c> runs for hours.
/// </summary>
public static class ScenarioBudget
{
    /// <summary>Default of <c>--max-events</c>: 2^32.</summary>
    public const long DefaultMaxEvents = 1L << 32;

    /// <summary>Events the scenario makes; throws <see cref="ScenarioLimitException"/> above the cap.</summary>
    public static long Check(CompiledScenario scenario, string input, long maxEvents, string whatHappens) =>
        Check(scenario.Measure(maxEvents), input, maxEvents, whatHappens);

    /// <summary>As <see cref="Check(CompiledScenario, string, long, string)"/>, for a size measured with the limit <paramref name="maxEvents"/>.</summary>
    public static long Check(ScenarioSize size, string input, long maxEvents, string whatHappens)
    {
        if (size.Events > maxEvents)
            throw new ScenarioLimitException($"{input}: the scenario expands to more than --max-events {maxEvents} events; {whatHappens}");
        if (size.Iterations > maxEvents)
            throw new ScenarioLimitException($"{input}: the scenario runs more than --max-events {maxEvents} repeat iterations (empty ones count); {whatHappens}");
        return size.Events;
    }

    /// <summary>
    /// Refuses <paramref name="events"/> that <paramref name="options"/>' chunks cannot hold in a trace's 2^24 chunks
    /// (<see cref="TraceWriterOptions.MaxEvents"/>): the writer would refuse the chunk past them only once the rest of
    /// the trace was written. <paramref name="whose"/> names the events (<c>the scenario's</c>).
    /// </summary>
    public static void CheckChunks(long events, TraceWriterOptions options, string input, string whose, string whatHappens)
    {
        if (TraceLimits.ChunksProblem(events, options) is { } problem)
            throw new ScenarioLimitException($"{input}: {whose} {problem}; {whatHappens}");
    }
}

/// <summary>A scenario that is valid but larger than the caller allows.</summary>
public sealed class ScenarioLimitException(string message) : BadInputException(message);
