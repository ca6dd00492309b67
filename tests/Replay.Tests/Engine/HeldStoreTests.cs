using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Edge-log compaction keeps the own edges of the stores entry detectors hold (IDetector.AddHeldStores), not only
/// of each byte's last store: a payload change overwritten by a later one is still judged by its own edge.
/// </summary>
[TestClass]
public sealed class HeldStoreTests
{
    /// <summary>
    /// cpu0 writes the present word twice without setting present (two releases, both kept as payload); cpu1 reads
    /// each, so each reached cpu1 by its own edge; then many releases of cpu0 fill its edge log past a compaction;
    /// cpu1 sets present: ordered, no finding. Before, compaction kept only the live stores' edges and dropped the
    /// first write's (overwritten by the second), so it was reported.
    /// </summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PresentBeforePayload_OverwrittenReleaseAfterCompaction_StillOrderedByItsOwnEdge(bool allDetectors)
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1").Table("ring", 0x10_0000, 8, 32, 16, 8 * 24, "dev");
        ulong word = t.Entry("ring", 0) + 24;
        t.Store("cpu0", word, 8, 0x2);   // payload bit in the present word: a release, kept
        t.Load("cpu1", word, 8);         // its own edge reaches cpu1
        t.Store("cpu0", word, 8, 0x6);   // overwrites every byte of the first
        t.Load("cpu1", word, 8);
        for (int i = 0; i < 70_000; i++)
        {
            t.Store("cpu0", t.At("flag"), 4, (ulong)i);
            t.Load("cpu1", t.At("flag"), 4);
        }
        long set = t.Store("cpu1", word, 8, 0x7);
        var kinds = allDetectors ? null : new HashSet<FindingKind> { FindingKind.PresentBeforePayload };
        var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Detectors = kinds });
        foreach (var b in t.Batches(4096)) engine.Process(b);
        Assert.IsTrue(engine.Hb.ReleaseLogCount(0) < 70_000, $"{engine.Hb.ReleaseLogCount(0)} edges logged: no compaction ran");
        var findings = engine.Complete();
        Assert.IsFalse(findings.Any(f => f.Kind == FindingKind.PresentBeforePayload),
            $"present-before-payload at {set}: {string.Join(", ", findings.Where(f => f.Kind == FindingKind.PresentBeforePayload).Select(f => f.Trigger))}");
    }

    /// <summary>The same trace with the edge-reaching load of the first write left out: reported, naming it, after compaction too.</summary>
    [TestMethod]
    public void PresentBeforePayload_OverwrittenReleaseNeverReached_ReportedAfterCompaction()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1").Table("ring", 0x10_0000, 8, 32, 16, 8 * 24, "dev");
        ulong word = t.Entry("ring", 0) + 24;
        long first = t.Store("cpu0", word, 8, 0x2);
        t.Store("cpu0", word, 8, 0x6);
        t.Load("cpu1", word, 8);
        for (int i = 0; i < 70_000; i++)
        {
            t.Store("cpu0", t.At("flag"), 4, (ulong)i);
            t.Load("cpu1", t.At("flag"), 4);
        }
        long set = t.Store("cpu1", word, 8, 0x7);
        var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Detectors = new HashSet<FindingKind> { FindingKind.PresentBeforePayload } });
        foreach (var b in t.Batches(4096)) engine.Process(b);
        FindingAssert.Exactly(engine.Complete(), $"present-before-payload@{set}[payload={first}]");
    }
}
