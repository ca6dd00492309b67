using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>What the tests that hold the engine to the reference share: a canonical order, equality, batch splits, hand-made cases held to both, a trace without used bits.</summary>
static class FindingLists
{
    /// <summary>Findings in a canonical order: trigger, kind, related.</summary>
    public static List<Finding> Canonical(IEnumerable<Finding> fs) =>
        [.. fs.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ThenBy(f => f.ToString(), StringComparer.Ordinal)];

    /// <summary>The same findings in the same order (kind, trigger, related with roles).</summary>
    public static bool Same(List<Finding> a, List<Finding> b) => a.Count == b.Count && a.Zip(b).All(p => p.First.SameAs(p.Second));

    /// <summary>Feeds <paramref name="t"/> to <paramref name="engine"/>: one batch when <paramref name="maxBatch"/> ≤ 0, else random batches of up to that many events (seeded by the trace).</summary>
    public static void Process(ReplayEngine engine, RefTrace t, int maxBatch)
    {
        if (maxBatch <= 0)
        {
            engine.Process(t.ToBatch());
            return;
        }
        var rng = new Random(t.Count * 31 + maxBatch);
        for (int i = 0; i < t.Count;)
        {
            int n = Math.Min(rng.Next(1, maxBatch + 1), t.Count - i);
            engine.Process(t.ToBatch(i, i, n));
            i += n;
        }
    }

    /// <summary>
    /// Hand-made cases: the literal reference and the engine (one batch) must both find exactly <paramref name="expected"/>
    /// (canonical findings joined by spaces; "" for none), worked out by hand from model.md; the engine replays with
    /// <paramref name="options"/> (default: the defaults).
    /// </summary>
    public static void AssertEngineAndReference(TraceBuilder b, string expected, ReplayOptions? options = null)
    {
        var t = b.Build();
        var reference = string.Join(" ", Canonical(ReferenceModel.Run(t, ReferenceReadings.Literal)));
        var engine = TraceTools.Detectors.DetectorRegistry.CreateEngine(t.Metadata, options ?? new ReplayOptions());
        Process(engine, t, 0);
        var actual = string.Join(" ", Canonical(engine.Complete()));
        Assert.AreEqual(expected, reference, "reference\n" + ScenarioText.Print(t));
        Assert.AreEqual(expected, actual, "engine\n" + ScenarioText.Print(t));
    }

    /// <summary>The same trace with every table's used bits dropped (each granule then counts whole).</summary>
    public static RefTrace WithoutUsedBits(RefTrace t)
    {
        var md = t.Metadata;
        var plain = new TraceMetadata
        {
            Name = md.Name, Arch = md.Arch, Agents = md.Agents, Locks = md.Locks, Sites = md.Sites,
            Regions = [.. md.Regions.Select(r => r with { UsedBits = null })],
        };
        return new RefTrace(plain, t.Events);
    }
}
