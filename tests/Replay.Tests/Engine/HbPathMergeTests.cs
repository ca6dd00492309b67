using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Tests.Reference;

namespace TraceTools.Tests.Engine;

/// <summary>
/// A report's hb path merges a cpu's edge log only once the path has reached that cpu: the same paths as merging every
/// cpu's log from the path's first event (the code before, kept as <c>HbPathByEveryLog</c>), on the differential's
/// random traces (wide loads, round trips, doorbells, several cpus) for random pairs of events, all agents as targets.
/// </summary>
[TestClass]
public sealed class HbPathMergeTests
{
    [TestMethod]
    public void HbPath_RandomTracesAndPairs_SameAsMergingEveryLog()
    {
        int paths = 0, multiHop = 0;
        for (int seed = 0; seed < 600; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var engine = DetectorRegistry.CreateEngine(t.Metadata, new ReplayOptions());
            FindingLists.Process(engine, t, 0);
            engine.Complete();
            var hb = engine.Hb;
            var rng = new Random(seed);
            int agents = t.Metadata.Agents.Count;
            for (int q = 0; q < 40 && t.Count > 1; q++)
            {
                int from = rng.Next(agents), to = rng.Next(agents);
                long fromIndex = rng.Next(t.Count - 1), toIndex = rng.Next((int)fromIndex + 1, t.Count);
                var expected = hb.HbPathByEveryLog(from, fromIndex, to, toIndex);
                var actual = hb.HbPath(from, fromIndex, to, toIndex);
                CollectionAssert.AreEqual(expected, actual, $"seed {seed}: {from}@{fromIndex} -> {to}@{toIndex}");
                if (actual.Count > 0) paths++;
                if (actual.Count > 1) multiHop++;
            }
        }
        // Paths were found, of more than one hop (else the merge's joins were never tried).
        Assert.IsGreaterThan(1_000, paths);
        Assert.IsGreaterThan(50, multiHop, $"{multiHop} paths of more than one hop");
    }
}
