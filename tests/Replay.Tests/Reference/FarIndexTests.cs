using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Traces of billions of events: the engine keeps trace indices in 32 unsigned bits (the limit is 2^32 − 1 events),
/// so an index past 2^31 must never pass through an <c>int</c>. The random differential traces replayed as if that
/// many events came before them (<see cref="ReplayEngine.StartAt"/>) must give the reference's findings, every
/// trigger and related index shifted by the offset: across 2^31 mid-trace, and ending at the last replayable index.
/// (A 2.5 × 10^9-event driver-mix trace replays end to end too: docs/replay-engine.md, "Traces past 2^31 events".)
/// </summary>
[TestClass]
public sealed class FarIndexTests
{
    const int Cases = 600;

    /// <summary>Where each trace starts: its last event at 2^32 − 2 (the last replayable index), else its middle at 2^31 (int.MaxValue + 1).</summary>
    static long Offset(bool endAtLimit, RefTrace t) =>
        endAtLimit ? uint.MaxValue - 1L - (t.Count - 1) : (1L << 31) - t.Count / 2;

    static List<Finding> Shifted(IEnumerable<Finding> findings, long by) =>
        [.. findings.Select(f => f with
        {
            Trigger = f.Trigger + by,
            Related = [.. f.Related.Select(r => r with { Index = r.Index + by })],
        })];

    [TestMethod]
    [DataRow(false, 0)]
    [DataRow(false, 1)]
    [DataRow(false, 2)]
    [DataRow(true, 0)]
    [DataRow(true, 2)]
    public void Engine_TracePastTwoToThe31_ReferenceFindingsShifted(bool endAtLimit, int shards)
    {
        var failures = new List<string>();
        long findings = 0;
        for (int seed = 0; seed < Cases && failures.Count < 4; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            long offset = Offset(endAtLimit, t);
            var expected = Shifted(Canonical(GeneratedReference.Of(seed)), offset);
            using var engine = DetectorRegistry.CreateEngine(t.Metadata, new ReplayOptions { DataShards = shards });
            engine.StartAt(offset);
            var rng = new Random(seed);
            for (int i = 0; i < t.Count;)
            {
                int n = Math.Min(rng.Next(1, 9), t.Count - i);
                engine.Process(t.ToBatch(offset + i, i, n));
                i += n;
            }
            Assert.AreEqual(offset + t.Count, engine.EventsProcessed);
            var actual = Canonical(engine.Complete());
            findings += actual.Count;
            if (!Same(expected, actual))
                failures.Add($"seed {seed} from #{offset}:\n{ScenarioText.Print(t)}reference: {string.Join(" ", expected)}\nengine:    {string.Join(" ", actual)}");
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        Assert.IsTrue(findings > Cases, $"the traces find something to shift ({findings} findings)");
    }
}
