using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Synth;
using TraceTools.Tests.Reference;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth;

/// <summary>
/// The truth against the slow reference model of model.md (tests/Replay.Tests/Reference, O(n²)–O(n³), so
/// small traces): a second, independent check of the generator's ground truth beside the engine's.
/// </summary>
[TestClass]
public sealed class DriverMixReferenceTests
{
    static List<ExpectedFinding> RunReference(TraceMetadata md, List<RecordedEvent> events)
    {
        var trace = new RefTrace(md, [.. events.Select(e => new RefEvent(e.Event, e.Data))]);
        return [.. ReferenceModel.Run(trace).Select(f => new ExpectedFinding(f.Kind, f.Trigger))];
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void Reference_SmallTraces_FindExactlyTheTruth(Arch arch, ulong seed)
    {
        foreach (double rate in new[] { 0.0, 0.5, 1.0 })
        {
            var (generator, events, truth) = Synthesize.Record(arch, seed, 300, rate);
            var found = RunReference(generator.Metadata, events);
            var e = truth.ToHashSet();
            var a = found.ToHashSet();
            Assert.IsTrue(e.SetEquals(a) && found.Count == truth.Count,
                $"{arch.Name()} seed {seed} inject {rate}: missing [{string.Join(" ", e.Except(a).Take(8))}] extra [{string.Join(" ", a.Except(e).Take(8))}]");
        }
    }
}
