using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The column prefetch is a hint: it must never read past a column of a batch built by hand (its limit), and a
/// replay is the same with it (it runs in every replay on x64). A prefetch past an array cannot fault, so a test
/// that only calls it could not fail: the limit is what is pinned.
/// </summary>
[TestClass]
public sealed class BatchPrefetchTests
{
    static EventBatch Stores(int count)
    {
        var batch = new EventBatch();
        batch.Reset(0);
        for (int i = 0; i < count; i++) batch.Append(new TraceEvent(EventKind.Store, 0, 0x8000_0000, 8), new byte[8]);
        return batch;
    }

    [TestMethod]
    public void Limit_ShortColumn_IsTheShortest()
    {
        var batch = Stores(40);
        batch.Aux = new uint[33];

        Assert.AreEqual(33, BatchPrefetch.Limit(batch, 40));
        Assert.AreEqual(20, BatchPrefetch.Limit(batch, 20));
    }

    [TestMethod]
    public void Process_BatchLongerThanTheDistance_SameFindingsInOneBatchAndInOnes()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("qm");
        t.Ram("xqc", 0x8000_0000, 0x40).Mmio("qm_mb", 0xfe00_0000, 0x10, "qm");
        for (int k = 0; k < 50; k++)
        {
            t.Store("cpu0", t.At("xqc"), 0x40);
            t.MmioWrite("cpu0", t.At("qm_mb"), 16, 1);
            t.DmaRead("qm", t.At("xqc"), 0x40);
            t.Store("cpu0", t.At("xqc"), 8);
        }

        var whole = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(1 << 16)) whole.Process(b);
        var ones = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(1)) ones.Process(b);

        var expected = ones.Complete();
        var actual = whole.Complete();
        Assert.IsGreaterThan(10, expected.Count, "the trace must have findings for the comparison to mean anything");
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++) Assert.IsTrue(expected[i].SameAs(actual[i]), $"finding {i}: {expected[i]} vs {actual[i]}");
    }
}
