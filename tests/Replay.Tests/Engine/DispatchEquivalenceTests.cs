using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The type-switch dispatch (<see cref="KnownDetectorDispatch"/>) calls the same hooks of the same detectors as
/// the plain interface dispatch: a case routed to the wrong hook, or a hook left out of a case, changes findings.
/// </summary>
[TestClass]
public sealed class DispatchEquivalenceTests
{
    static List<Finding> Replay(TraceMetadata md, IReadOnlyList<RecordedEvent> events, DetectorDispatch dispatch)
    {
        using var engine = new ReplayEngine(md, ReplayOptions.Default, DetectorRegistry.Create(md), dispatch);
        var batch = new EventBatch(4096);
        for (int i = 0; i < events.Count; i += 4096)
        {
            batch.Reset(i);
            for (int k = i; k < Math.Min(events.Count, i + 4096); k++) batch.Append(events[k].Event, events[k].Data);
            engine.Process(batch);
        }
        return [.. engine.Complete()];
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void KnownDispatch_DriverMixWithBugs_SameFindingsAsThroughInterface(Arch arch)
    {
        var (generator, events, truth) = Synthesize.Record(arch, 5, 40_000, 0.1);
        var known = Replay(generator.Metadata, events, KnownDetectorDispatch.Instance);
        var plain = Replay(generator.Metadata, events, DetectorDispatch.ThroughInterface);
        Assert.IsGreaterThan(50, truth.Count, "the mix must inject bugs for the comparison to mean anything");
        Assert.HasCount(plain.Count, known);
        for (int i = 0; i < plain.Count; i++)
            Assert.IsTrue(plain[i].SameAs(known[i]), $"finding {i}: interface {plain[i]}, type switch {known[i]}");
        // every kind the mix injects on this arch is found both ways (the hooks of every detector ran)
        foreach (var kind in truth.Select(t => t.Kind).Distinct())
            Assert.IsTrue(known.Any(f => f.Kind == kind), $"{kind} injected but not found");
    }
}
