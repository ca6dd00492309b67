using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The column prefetch is a hint: it must never read past a column or fault on a batch built by hand, and a
/// replay is the same with it (it runs in every replay on x64; these pin its edges).
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
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(15)]
    [DataRow(16)]
    [DataRow(47)]
    [DataRow(48)]
    [DataRow(100)]
    public void Columns_EveryStrideUpToTheEnd_DoesNotThrow(int count)
    {
        var batch = Stores(count);
        int limit = BatchPrefetch.Limit(batch, count);

        for (int i = 0; i < count; i += BatchPrefetch.Stride) BatchPrefetch.Columns(batch, i, limit);
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(int.MaxValue)]
    public void Columns_DataOffsetOutsideTheData_IsSkipped(int offset)
    {
        var batch = Stores(64);
        Array.Fill(batch.DataOffsets, offset, 0, 64);

        BatchPrefetch.Columns(batch, 0, BatchPrefetch.Limit(batch, 64));
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
