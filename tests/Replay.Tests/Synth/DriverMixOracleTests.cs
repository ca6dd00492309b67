using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;
using TraceTools.Tests.Synth.Oracle;

namespace TraceTools.Tests.Synth;

/// <summary>
/// The truth against <see cref="ModelOracle"/>, a slow literal reading of model.md written for this
/// purpose: it runs without the replay engine, so the generator's reasoning is checked today.
/// </summary>
[TestClass]
public sealed class DriverMixOracleTests
{
    static string Diff(IEnumerable<ExpectedFinding> expected, IEnumerable<ExpectedFinding> actual)
    {
        var e = expected.ToHashSet();
        var a = actual.ToHashSet();
        return $"missing [{string.Join(" ", e.Except(a).Take(8))}] extra [{string.Join(" ", a.Except(e).Take(8))}]";
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void Oracle_CleanTrace_FindsNothing(Arch arch, ulong seed)
    {
        var (generator, events, _) = Synthesize.Record(arch, seed, 20_000, 0);
        var found = new ModelOracle(generator.Metadata).Run(events);
        Assert.AreEqual(0, found.Count, Diff([], found));
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void Oracle_InjectedTrace_FindsExactlyTheTruth(Arch arch, ulong seed)
    {
        var (generator, events, truth) = Synthesize.Record(arch, seed, 20_000, 0.05);
        var found = new ModelOracle(generator.Metadata).Run(events);
        Assert.IsTrue(truth.Count > 0);
        CollectionAssert.AreEqual(truth, found, Diff(truth, found));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, 0.3)]
    [DataRow(Arch.Riscv64, 0.3)]
    [DataRow(Arch.X86_64, 0.3)]
    [DataRow(Arch.Sc, 0.3)]
    public void Oracle_DenseInjection_FindsExactlyTheTruth(Arch arch, double rate)
    {
        var (generator, events, truth) = Synthesize.Record(arch, 77, 40_000, rate);
        var found = new ModelOracle(generator.Metadata).Run(events);
        CollectionAssert.AreEqual(truth, found, Diff(truth, found));
    }
}
