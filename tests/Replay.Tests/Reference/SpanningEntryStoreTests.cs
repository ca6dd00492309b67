using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// present-before-payload on a cpu store that spans two adjacent entries and writes the present word of one of
/// them only (contract: the present word is sync, so the whole store is one release; its part in the other entry
/// is a payload change). Its own edge can order it before another cpu's store P that sets present, but not the
/// payload stores before it: each must be judged on its own, so the spanning store must not stand in for them.
/// Expectations worked out by hand from shared/docs/model.md (writer rule, "Another cpu's payload store", the
/// latest unordered M); engine and literal reference are both held to them.
/// </summary>
[TestClass]
public sealed class SpanningEntryStoreTests
{
    const ulong Tbl = 0x10_0000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1);

    /// <summary>arm64 (w→w not preserved), two cpus, one fetcher, 4 entries of ENTRYSIZE bytes with present at PRESENTBIT.</summary>
    static Sys System(uint entrySize, uint presentBit)
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("iommu");
        b.Table("tbl", Tbl, 4, entrySize, Math.Min(entrySize, 16u), presentBit, dev);
        return new(b, cpu0, cpu1);
    }

    /// <summary>
    /// cpu0 stores M0 (<paramref name="m0"/>, <paramref name="m0Size"/> bytes), BARRIER, then SPAN at <paramref name="span"/>;
    /// cpu1 loads the 8 bytes at <paramref name="acquire"/> (a present word SPAN wrote) and sets present with a store of
    /// <paramref name="pSize"/> bytes at <paramref name="present"/>. Expected: a finding naming M0 when <paramref name="found"/>.
    /// </summary>
    static void OtherCpuCase(Sys s, string barrier, bool found, ulong m0, int m0Size, ulong span, byte[] bytes, ulong acquire, ulong present, int pSize)
    {
        int m = s.B.Store(s.Cpu0, m0, m0Size, 0x1111);
        s.B.Barrier(s.Cpu0, barrier);
        s.B.StoreBytes(s.Cpu0, span, bytes);
        s.B.Load(s.Cpu1, acquire, 8);
        int p = s.B.Store(s.Cpu1, present, pSize, 1);
        AssertEngineAndReference(s.B, found ? $"present-before-payload@{p}[payload={m}]" : "");
    }

    /// <summary>
    /// Present word first (bit 0, 16-byte entries): cpu0 writes entry 0's payload (M0), then one 16-byte store S over
    /// entry 0's payload and entry 1's present word; cpu1 reads entry 1's present word (acquiring S) and sets present
    /// on entry 0. S is ordered before P by its own edge; M0 is ordered before S only by a store barrier.
    /// </summary>
    [TestMethod]
    [DataRow("barrier", true)]
    [DataRow("dma_wmb", false)]
    public void OtherCpu_SpanWritesNextEntrysPresentWord_EarlierPayloadJudgedOnItsOwn(string barrier, bool found)
    {
        // entry 1 stays non-present
        OtherCpuCase(System(16, 0), barrier, found, Tbl + 8, 8, Tbl + 8, [.. TraceBuilder.Le(0x2222, 8), .. TraceBuilder.Le(2, 8)], Tbl + 16, Tbl, 8);
    }

    /// <summary>
    /// Present word last (bit 64): S spans entry 0's present word and entry 1's payload; cpu1 reads entry 0's present
    /// word and sets present on entry 1, whose earlier payload store M0 is ordered before S only by a store barrier.
    /// </summary>
    [TestMethod]
    [DataRow("barrier", true)]
    [DataRow("dma_wmb", false)]
    public void OtherCpu_SpanWritesPreviousEntrysPresentWord_EarlierPayloadJudgedOnItsOwn(string barrier, bool found)
    {
        // entry 0 stays non-present
        OtherCpuCase(System(16, 64), barrier, found, Tbl + 16, 8, Tbl + 8, [.. TraceBuilder.Le(2, 8), .. TraceBuilder.Le(0x2222, 8)], Tbl + 8, Tbl + 24, 8);
    }

    /// <summary>
    /// The same spans, P on the storing cpu with no edge between: the spanning store itself is the latest unordered
    /// payload change without a store barrier before P, and with one nothing is found.
    /// </summary>
    [TestMethod]
    [DataRow(0u, "barrier", true)]
    [DataRow(0u, "dma_wmb", false)]
    [DataRow(64u, "barrier", true)]
    [DataRow(64u, "dma_wmb", false)]
    public void SameCpu_SpanningPayloadStore_WriterRuleDecides(uint presentBit, string barrier, bool found)
    {
        var s = System(16, presentBit);
        bool first = presentBit == 0;
        ulong judged = first ? Tbl : Tbl + 16;
        s.B.Store(s.Cpu0, judged + (first ? 8ul : 0ul), 8, 0x1111);
        int span = s.B.StoreBytes(s.Cpu0, Tbl + 8, [.. TraceBuilder.Le(first ? 0x2222ul : 2, 8), .. TraceBuilder.Le(first ? 2ul : 0x2222, 8)]);
        s.B.Barrier(s.Cpu0, barrier);
        int p = s.B.Store(s.Cpu0, judged + (first ? 0ul : 8ul), 8, 1);
        AssertEngineAndReference(s.B, found ? $"present-before-payload@{p}[payload={span}]" : "");
    }

    /// <summary>
    /// 8-byte entries: the whole entry is its present word, so a store over two entries writes both present words;
    /// M0 (entry 0's upper half) is still judged on its own when cpu1 acquires through entry 1.
    /// </summary>
    [TestMethod]
    [DataRow("barrier", true)]
    [DataRow("dma_wmb", false)]
    public void OtherCpu_EightByteEntries_SpanWritesBothPresentWords(string barrier, bool found)
    {
        OtherCpuCase(System(8, 0), barrier, found, Tbl + 4, 4, Tbl + 4, [.. TraceBuilder.Le(0x2222, 4), .. TraceBuilder.Le(2, 4)], Tbl + 8, Tbl, 4);
    }
}
