using TraceTools.Detectors;
using TraceTools.Detectors.PresentBeforePayload;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// present-before-payload keeps, per entry, every cpu's latest change that does not write the present word and
/// its later ones that do. Keeping them must cost amortized O(1) per store whatever the interleaving: counted in
/// the detector's visits of kept changes, never timed.
/// </summary>
[TestClass]
public sealed class PresentBeforePayloadCostTests
{
    /// <summary>
    /// cpu0 keeps writing the present word without setting present (each a kept release) while cpu1 keeps writing
    /// payload (each dropping cpu1's earlier change). Before, every cpu1 store scanned all of cpu0's kept changes:
    /// n²/2 visits. The finding is the same either way: cpu1's last payload store, unordered before cpu0's set.
    /// </summary>
    [TestMethod]
    public void PresentBeforePayload_ReleasesInterleavedWithOtherCpuPayload_LinearVisits()
    {
        const int n = 2000;
        var t = Ring();
        ulong entry = t.Entry("ring", 0), word = entry + 24;
        long last = -1;
        for (int i = 0; i < n; i++)
        {
            t.Store("cpu0", word, 8, (ulong)(2 + 2 * (i & 1)));   // 0x2 / 0x4: present clear, other bits change
            last = t.Store("cpu1", entry, 8, (ulong)(i + 1));
        }
        long set = t.Store("cpu0", word, 8, 0x7);
        var detector = ReplayExpecting(t, $"present-before-payload@{set}[payload={last}]");
        Assert.IsTrue(detector.Steps <= 16L * 2 * n, $"{detector.Steps} visits of kept changes for {2 * n} stores");
    }

    /// <summary>
    /// One cpu writes an entry's payload n times before setting present: each change drops the one before it, so it
    /// replaces it in place (one visit per store). Appending and compacting instead visits each change at least twice.
    /// </summary>
    [TestMethod]
    public void PresentBeforePayload_OneCpuRewritesPayload_OneVisitPerStore()
    {
        var t = Ring();
        ulong entry = t.Entry("ring", 0);
        long last = -1;
        for (int i = 0; i < 1000; i++) last = t.Store("cpu1", entry, 8, (ulong)(i + 1));
        long set = t.Store("cpu0", entry + 24, 8, 0x1);
        var detector = ReplayExpecting(t, $"present-before-payload@{set}[payload={last}]");
        Assert.AreEqual(1000 + 1L, detector.Steps, "one visit per store, one for the judging walk");
    }

    /// <summary>Two cpus and a ring of 8 entries of 32 bytes, granules of 16, present bit 0 of the word at byte 24.</summary>
    static TraceBuilder Ring() => TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1").Table("ring", 0x10_0000, 8, 32, 16, 8 * 24, "dev");

    /// <summary>Replays <paramref name="t"/> with present-before-payload alone, asserts its one finding, returns the detector.</summary>
    static PresentBeforePayloadDetector ReplayExpecting(TraceBuilder t, string finding)
    {
        var engine = DetectorRegistry.CreateEngine(t.Metadata(),
            new ReplayOptions { Detectors = new HashSet<FindingKind> { FindingKind.PresentBeforePayload } });
        foreach (var b in t.Batches(4096)) engine.Process(b);
        var detector = engine.Detectors.OfType<PresentBeforePayloadDetector>().Single();
        FindingAssert.Exactly(engine.Complete(), finding);
        return detector;
    }
}
