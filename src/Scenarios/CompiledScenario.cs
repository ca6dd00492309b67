using TraceTools.Scenarios.Internals.Generation;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// A compiled scenario: its metadata (known before any event), its <c>expect</c> lines, and a flat step
/// program that streams events lazily. <c>repeat</c> bodies are never expanded into a list, so a scenario
/// of 10^8 events generates in bounded memory.
/// </summary>
public sealed class CompiledScenario
{
    readonly Step[] _steps;
    readonly int _slots;
    readonly RegionInfo[] _regions;

    internal CompiledScenario(TraceMetadata metadata, Expectation[] expectations, string fileName, Step[] steps, int slots)
    {
        Metadata = metadata;
        Expectations = expectations;
        FileName = fileName;
        _steps = steps;
        _slots = slots;
        _regions = [.. metadata.Regions];
    }

    /// <summary>Arch, agents (declaration order), regions, lock names (first-use order) and every site string (first appearance).</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>The <c>expect</c> lines in file order.</summary>
    public IReadOnlyList<Expectation> Expectations { get; }

    /// <summary>The file name errors are reported against.</summary>
    public string FileName { get; }

    /// <summary>The flat step program (tests look at what a step keeps).</summary>
    internal IReadOnlyList<Step> Steps => _steps;

    /// <summary>
    /// The exact number of events <see cref="Generate"/> will produce, computed from loop counts without
    /// generating (a loop is walked only when a nested repeat count reads its variable). Saturates at
    /// <see cref="long.MaxValue"/>.
    /// </summary>
    /// <exception cref="ScenarioException">A repeat count's expression fails (overflow, division by zero).</exception>
    public long CountEvents() => EventCounter.Count(_steps, 0, _steps.Length, new ulong[_slots]);

    /// <summary>
    /// Events and loop iterations, counted without generating. The count stops early once either passes
    /// <paramref name="limit"/> (then the result is only known to be above it), so measuring a scenario
    /// against a cap costs at most about <paramref name="limit"/> steps of counting, never 10^12.
    /// </summary>
    /// <exception cref="ScenarioException">A repeat count's expression fails (overflow, division by zero).</exception>
    public ScenarioSize Measure(long limit) => EventCounter.Measure(_steps, 0, _steps.Length, new ulong[_slots], limit);

    /// <summary>
    /// Streams every event, in trace order, into <paramref name="sink"/>, with a fresh memory image each call.
    /// Errors that depend on loop variables (an address leaving its region in iteration 1000) surface here as a
    /// <see cref="ScenarioException"/> after some events were appended: a caller writing a file must discard it.
    /// </summary>
    public void Generate(IEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        new Generator(_steps, _slots, _regions, sink).Run();
    }
}
