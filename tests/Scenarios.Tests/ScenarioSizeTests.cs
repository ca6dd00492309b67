using TraceTools.Scenarios;

namespace TraceTools.Tests;

/// <summary>CompiledScenario.Measure: events and repeat iterations, counted with an early stop at the limit.</summary>
[TestClass]
public sealed class ScenarioSizeTests
{
    const string H = "arch sc\ncpu c\nram buf 0 size 0x100\n";

    [TestMethod]
    [DataRow("repeat 3 as i {\nc: store buf size 1 = 1\n}\n", 3L, 3L)]
    [DataRow("repeat 3 as i {\nrepeat 4 as j {\n}\n}\n", 0L, 15L)]
    [DataRow("repeat 4 as i {\nrepeat i as j {\nc: store buf size 1 = 1\n}\n}\n", 6L, 10L)]
    [DataRow("c: store buf size 1 = 1\n", 1L, 0L)]
    public void Measure_SmallScenario_ExactEventsAndIterations(string body, long events, long iterations)
    {
        var size = ScenarioCompiler.Compile(H + body, "s.scn").Measure(long.MaxValue);

        Assert.AreEqual(new ScenarioSize(events, iterations), size);
    }

    [TestMethod]
    public void Measure_EmptyLoopOf10To12WithVaryingBody_StopsPastTheLimit()
    {
        var scenario = ScenarioCompiler.Compile(H + "repeat 1_000_000_000_000 as i {\nrepeat i % 2 as j {\n}\n}\n", "s.scn");

        var size = scenario.Measure(1000);

        Assert.IsGreaterThan(1000L, size.Iterations);
        Assert.AreEqual(0L, size.Events);
    }
}
