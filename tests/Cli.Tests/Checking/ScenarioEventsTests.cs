using TraceTools.Cli.Checking;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;

namespace TraceTools.Tests.Checking;

/// <summary>
/// What <c>check</c> keeps of a scenario for its reports and suppressions: the whole scenario when it is small in
/// events and in bytes, else only the events the findings name (memory follows the findings).
/// </summary>
[TestClass]
public sealed class ScenarioEventsTests
{
    static CompiledScenario Stores(int count, int size) => ScenarioCompiler.Compile(
        $"arch arm64\ncpu c\nram buf 0x1000 size 0x1000\nrepeat {count} as i {{\n  c: store buf size {size} = i\n}}\n", "t.scn", null);

    static readonly Finding Named = new(FindingKind.DmaRace, 7, [new RelatedEvent(RelatedRole.Other, 3)]);

    [TestMethod]
    public void Capture_SmallScenario_KeptWhole()
    {
        var events = ScenarioEvents.Capture(Stores(20, 8), [Named]);

        Assert.IsTrue(events.Has(5), "an event no finding names is there too (the ladder shows it)");
        Assert.AreEqual(5UL, BitConverter.ToUInt64(events.GetData(5)));
    }

    [TestMethod]
    public void Capture_FewEventsOfManyBytes_KeepsOnlyTheNamedOnes()
    {
        // 20,000 stores of 4 KiB: far fewer than WholeLimit events, but 80 MiB of bytes.
        Assert.IsGreaterThan(ScenarioEvents.WholeBytesLimit, 20_000L * 4096);
        var events = ScenarioEvents.Capture(Stores(20_000, 4096), [Named]);

        Assert.IsFalse(events.Has(5));
        Assert.IsTrue(events.Has(7) && events.Has(3));
        Assert.AreEqual(4096, events.GetData(7).Length);
        Assert.AreEqual(7UL, BitConverter.ToUInt64(events.GetData(7)));
    }
}
