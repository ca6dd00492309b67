using System.Globalization;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// What gen holds of a long scenario does not grow with its length: the steps held stay within the budget in the
/// first reading and within a batch in the second, and the memory still reachable at the last event is the same
/// for 20,000 steps and 200,000 (one reading held every step, about 200 bytes each, to the end).
/// </summary>
[TestClass]
public sealed class HeldStepsTests
{
    /// <summary>A literal scenario of <paramref name="steps"/> stores over ten sites, made as it is read (the text is never held).</summary>
    sealed class LiteralScenarioReader(int steps) : TextReader
    {
        const string Header = "scenario \"long\"\narch arm64\ncpu cpu0\nram buf 0x8000_0000 size 0x1000\n";
        string _line = Header;
        int _at, _next;

        public override int Read(char[] buffer, int index, int count)
        {
            if (_at == _line.Length)
            {
                if (_next == steps) return 0;
                _line = string.Create(CultureInfo.InvariantCulture, $"cpu0: store buf + 0x{_next * 8 % 0x1000:x} size 8 = {_next} @ \"site {_next % 10}\"\n");
                _next++;
                _at = 0;
            }
            int n = Math.Min(count, _line.Length - _at);
            _line.CopyTo(_at, buffer, index, n);
            _at += n;
            return n;
        }
    }

    /// <summary>Counts the events; at the last one, notes the memory still reachable (a full collection first).</summary>
    sealed class LastEventProbe(long events) : IEventSink
    {
        public long Count { get; private set; }
        public long ReachableAtLast { get; private set; }

        public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
        {
            if (++Count == events) ReachableAtLast = GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    [TestMethod]
    public void LongScenario_HeldSteps_WithinTheBudgetThenABatch()
    {
        const int steps = 100_000, budget = 1_000;
        var s = ScenarioCompiler.CompileStreamed(() => new LiteralScenarioReader(steps), "long.scn", null, 1L << 32, budget);
        Assert.IsTrue(s.ReadsTwice);
        Assert.IsLessThanOrEqualTo(budget, s.PeakHeldSteps, "first reading");
        Assert.AreEqual(new ScenarioSize(steps, 0), s.Measure());
        Assert.HasCount(10, s.Metadata.Sites);
        var probe = new LastEventProbe(steps);
        s.Generate(probe);
        Assert.AreEqual(steps, probe.Count);
        Assert.IsLessThanOrEqualTo(256, s.PeakHeldSteps, "second reading");
    }

    [TestMethod]
    [DoNotParallelize] // the memory reachable is the process's: no other test may run beside it
    public void LongScenario_MemoryAtTheLastEvent_SameFor20000And200000Steps()
    {
        long short_ = ReachableAtLastEvent(20_000), long_ = ReachableAtLastEvent(200_000);
        Console.WriteLine($"reachable at the last event: {short_:N0} bytes for 20,000 steps, {long_:N0} for 200,000");
        // Holding the 180,000 more steps to the end cost about 36 MB (200 bytes a step and its value's bytes).
        Assert.IsLessThan(4L << 20, long_ - short_, $"reachable at the last event: {short_:N0} bytes for 20,000 steps, {long_:N0} for 200,000");
    }

    static long ReachableAtLastEvent(int steps)
    {
        var s = ScenarioCompiler.CompileStreamed(() => new LiteralScenarioReader(steps), "long.scn", null, 1L << 32);
        var probe = new LastEventProbe(steps);
        s.Generate(probe);
        Assert.AreEqual(steps, probe.Count);
        return probe.ReachableAtLast;
    }
}
