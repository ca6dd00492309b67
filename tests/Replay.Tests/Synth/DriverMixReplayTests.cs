using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth;

/// <summary>
/// The ground-truth contract: replaying a synthetic trace reports exactly the injected findings (kind and
/// trigger), and a clean trace reports nothing. Needs the replay engine (fails until it lands).
/// </summary>
[TestClass]
public sealed class DriverMixReplayTests
{
    const long Events = 20_000;

    static IReadOnlyList<Finding> Replay(DriverMixGenerator generator)
    {
        var engine = DetectorRegistry.CreateEngine(generator.Metadata);
        var sink = new EngineSink(engine, batchSize: 1000);
        generator.Run(sink);
        sink.Flush();
        return engine.Complete();
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void Replay_CleanTrace_ReportsNothing(Arch arch, ulong seed)
    {
        var generator = new DriverMixGenerator(new SynthOptions { Events = Events, Seed = seed, Arch = arch });
        var findings = Replay(generator);
        Assert.AreEqual(0, findings.Count, $"clean {arch.Name()} seed {seed}: {string.Join(" ", findings.Take(10))}");
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void Replay_InjectedTrace_ReportsExactlyTheTruth(Arch arch, ulong seed)
    {
        var truth = new ExpectedFindingList();
        var generator = new DriverMixGenerator(new SynthOptions { Events = Events, Seed = seed, Arch = arch, InjectRate = 0.05 }, truth);
        var findings = Replay(generator);

        Assert.IsTrue(truth.Count > 0, "the injected trace must hold bugs");
        var expected = truth.Select(f => $"{f.Kind.Name()}@{f.Trigger}").ToHashSet();
        var actual = findings.Select(f => $"{f.Kind.Name()}@{f.Trigger}").ToHashSet();
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.IsTrue(missing.Count == 0 && extra.Count == 0 && findings.Count == truth.Count,
            $"{arch.Name()} seed {seed}: missing [{string.Join(" ", missing.Take(10))}] extra [{string.Join(" ", extra.Take(10))}] " +
            $"({findings.Count} findings, {truth.Count} expected)");
    }
}
