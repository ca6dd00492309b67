using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Tests.Reference;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The two shortcuts of the release path against the general path, in lockstep after every event: a release that
/// shares its agent's previous body (<c>HbState.ShareBodies</c>) and a cpu acquiring a body it already joined
/// (<c>HbState.SkipJoinedBodies</c>, <c>AcquireAgain</c>). Every clock row, LOADS with each pending slot folded
/// (a skipped pending join may leave a slot lower only where LOADS already holds it), the committed tables, both
/// logs' sizes and the live releases must match the engine with both off, and so must the findings.
/// </summary>
[TestClass]
public sealed class ReleaseBodyTests
{
    static readonly (bool Share, bool Skip)[] Modes = [(false, false), (true, false), (false, true), (true, true)];

    sealed class Lockstep
    {
        readonly ReplayEngine[] _engines;
        readonly EventBatch _batch = new(1);

        public Lockstep(TraceMetadata md, ReplayOptions? options = null)
        {
            _engines = [.. Modes.Select(m => DetectorRegistry.CreateEngine(md, options ?? ReplayOptions.Default))];
            for (int i = 0; i < Modes.Length; i++)
            {
                _engines[i].Hb.ShareBodies = Modes[i].Share;
                _engines[i].Hb.SkipJoinedBodies = Modes[i].Skip;
            }
        }

        public void Step(long index, TraceEvent e, byte[]? data, string what)
        {
            foreach (var engine in _engines)
            {
                _batch.Reset(index);
                _batch.Append(e, data);
                engine.Process(_batch);
            }
            for (int i = 1; i < _engines.Length; i++) AssertSameState(_engines[0].Hb, _engines[i].Hb, $"{what}, event #{index} {e.Kind}, mode {Modes[i]}");
        }

        public (long Shared, long Again) Finish(string what)
        {
            var expected = _engines[0].Complete();
            for (int i = 1; i < _engines.Length; i++)
            {
                var actual = _engines[i].Complete();
                Assert.HasCount(expected.Count, actual, $"{what}: findings, mode {Modes[i]}");
                for (int k = 0; k < expected.Count; k++)
                    Assert.IsTrue(expected[k].SameAs(actual[k]), $"{what}: finding {k}: {expected[k]} against {actual[k]}, mode {Modes[i]}");
            }
            var fast = _engines[^1].Hb;
            return (fast.Arena.Live - fast.Arena.LiveBodies, fast.AcquiredAgain);
        }
    }

    static void AssertSameState(HbState a, HbState b, string what)
    {
        AssertSame(a.Hb, b.Hb, "HB", what);
        AssertSame(a.ObStore, b.ObStore, "OB stores", what);
        AssertSame(a.ObCache, b.ObCache, "OB cache", what);
        AssertSame(a.Loads, b.Loads, "LOADS", what);
        AssertSame(a.Committed, b.Committed, "committed", what);
        AssertSame(a.PendingMask, b.PendingMask, "pending slots", what);
        AssertSame(Folded(a), Folded(b), "LOADS with each pending slot folded", what);
        Assert.AreEqual(a.Arena.Live, b.Arena.Live, $"{what}: live releases");
        for (int agent = 0; agent < a.AgentCount; agent++)
        {
            Assert.AreEqual(a.AcquireLogCount(agent), b.AcquireLogCount(agent), $"{what}: acquire log of {agent}");
            Assert.AreEqual(a.ReleaseLogCount(agent), b.ReleaseLogCount(agent), $"{what}: edge log of {agent}");
        }
    }

    static uint[] Folded(HbState s)
    {
        if (s.Loads.Length == 0) return [];
        int w = s.Width;
        var folded = new uint[s.AgentCount * 4 * w];
        for (int agent = 0; agent < s.AgentCount; agent++)
            for (int slot = 0; slot < 4; slot++)
                for (int i = 0; i < w; i++)
                    folded[(agent * 4 + slot) * w + i] = Math.Max(s.Loads[agent * w + i], s.Pending[(agent * 4 + slot) * w + i]);
        return folded;
    }

    static void AssertSame<T>(T[] expected, T[] actual, string rows, string what) where T : IEquatable<T>
    {
        if (expected.AsSpan().SequenceEqual(actual)) return;
        int i = 0;
        while (expected[i].Equals(actual[i])) i++;
        Assert.Fail($"{what}: {rows} differ at {i}: {expected[i]} against {actual[i]}");
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void Releases_DriverMixWithBugs_SameStateAsCopyingEveryRelease(Arch arch)
    {
        var (generator, events, truth) = Synthesize.Record(arch, 7, 12_000, 0.1);
        Assert.IsGreaterThan(10, truth.Count, "the mix must inject bugs");
        var run = new Lockstep(generator.Metadata);
        for (int i = 0; i < events.Count; i++) run.Step(i, events[i].Event, events[i].Data, $"{arch}");
        var (shared, again) = run.Finish($"{arch}");
        Assert.IsGreaterThan(0L, shared, "some releases share a body at the end");
        Assert.IsGreaterThan(100L, again, "cpus acquire bodies they already joined");
    }

    [TestMethod]
    public void Releases_DriverMixHbOnly_SameStateAsCopyingEveryRelease()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 8, 12_000, 0.1);
        var run = new Lockstep(generator.Metadata, new ReplayOptions { Detectors = new HashSet<FindingKind>() });
        for (int i = 0; i < events.Count; i++) run.Step(i, events[i].Event, events[i].Data, "no detectors");
        Assert.IsGreaterThan(100L, run.Finish("no detectors").Again);
    }

    [TestMethod]
    public void Releases_RandomTraces_SameStateAsCopyingEveryRelease()
    {
        long again = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var run = new Lockstep(t.Metadata);
            for (int i = 0; i < t.Count; i++) run.Step(i, t.Events[i].E, t.Events[i].Data, $"seed {seed}");
            again += run.Finish($"seed {seed}").Again;
        }
        Assert.IsGreaterThan(50L, again, "the random traces acquire bodies again");
    }
}
