using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Ordering;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The compact committed table (pred classes w and c only) against the barrier table's slots: after each barrier code,
/// every lane holds the time of the latest barrier whose slots name its (pred, succ, domain), or for the two lanes of c
/// before any class its (c, domain), for every clock kernel
/// (the vector blends and their scalar twin), with and without the c lanes a cache detector reads.
/// </summary>
[TestClass]
public sealed class CommittedLanesTests
{
    [TestMethod]
    [DataRow(Arch.Sc)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void Barrier_EveryCode_SetsTheLanesOfItsSlots(Arch arch)
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 10, Seed = 1, Arch = arch }).Metadata;
        var rules = new OrderingRules(arch);
        foreach (var detector in new[] { FindingKind.StaleDmaRead, FindingKind.MissingCacheClean })
            foreach (var simd in ClockSimdSelector.Supported)
            {
                using var engine = DetectorRegistry.CreateEngine(md,
                    new ReplayOptions { Detectors = new HashSet<FindingKind> { detector }, Simd = simd });
                var hb = engine.Hb;
                var expected = new uint[HbState.CommittedLanes];
                uint t = 0;
                foreach (var code in BarrierCode.AllFor(arch))
                {
                    hb.Time[0] = ++t;
                    hb.Barrier(0, code.Value);
                    foreach (byte slot in rules.SlotsFor(code.Value))
                    {
                        var (x, y, d) = ((AccessClass)(slot / 10), (AccessClass)(slot / 2 % 5), (ObserverDomain)(slot % 2));
                        if (x == AccessClass.W || (x == AccessClass.C && hb.TracksObCache))
                            expected[HbState.CommittedLane(x, y, d)] = t;
                        // c before anything: what an unlock asks (model.md §7.19).
                        if (x == AccessClass.C && hb.TracksObCache) expected[HbState.CacheBeforeAnythingLane(d)] = t;
                    }
                    CollectionAssert.AreEqual(expected, hb.Committed.AsSpan(0, HbState.CommittedLanes).ToArray(),
                        $"{arch.Name()} {simd} {detector.Name()} after {code}");
                }
                Assert.IsTrue(t >= 10 && expected.Any(v => v != 0));
            }
    }
}
