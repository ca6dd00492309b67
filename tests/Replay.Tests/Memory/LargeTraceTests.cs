using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// Issue 9's memory traces, replayed for their findings (the peak RSS is measured by
/// bench/memory/run.sh, not here): 16,328 page-sized stores and a store near 2^64 find what they
/// should, and their shadow is what the accesses touched (one word per whole-page-written page), never
/// what the region spans.
/// </summary>
[TestClass]
public sealed class LargeTraceTests
{
    const int Pages = 16_328;

    [TestMethod]
    public void Replay_16328PageStoresThenDeviceAccesses_FindsTheOneRaceWithOneWordPerPage()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("buf", 0x1_0000_0000, (ulong)(Pages + 1) * 4096).Mmio("reg", 0xf000, 0x10, "dev");
        var page = new byte[4096];
        Array.Fill(page, (byte)0xa5);
        for (int i = 0; i < Pages; i++) t.StoreBytes("cpu0", t.At("buf", (ulong)i * 4096), page);
        t.Writel("cpu0", t.At("reg"), 1);
        t.DmaRead("dev", t.At("buf", 5 * 4096), 4096);
        long write = t.DmaWrite("dev", t.At("buf", 7 * 4096 + 16), 8);
        long load = t.Load("cpu0", t.At("buf", 7 * 4096), 4096);

        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(4096)) engine.Process(b);

        FindingAssert.Exactly(engine.Complete(), $"dma-race@{load}[other={write}]");
        Assert.AreEqual(Pages, engine.Shadow.PageCount);
        Assert.IsLessThan(Pages * 64L, engine.Shadow.Footprint, "whole-page stores keep one word of cells per page");
    }

    [TestMethod]
    public void Replay_PageStoresEightBytesOffPageBoundaries_CostOneCellPerWord()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        const int pages = 256;
        t.Ram("buf", 0x1_0000_0000, (ulong)(pages + 1) * 4096);
        var page = new byte[4096];
        for (int i = 0; i < pages; i++) t.StoreBytes("cpu0", t.At("buf", 8 + (ulong)i * 4096), page);
        long read = t.DmaRead("dev", t.At("buf", 8), 8);

        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(4096)) engine.Process(b);

        FindingAssert.Exactly(engine.Complete(), $"dma-race@{read}[other=0]");
        Assert.AreEqual(pages + 1, engine.Shadow.PageCount);
        // One 8-byte cell per word (512 per page; the byte-per-byte shadow held 32 bytes per byte), and the last
        // page, whose first word alone the last store reached, holds that word's cell only (its window). The device
        // read adds none: no detector reads the shadow's read columns (dma-race keeps its own words).
        Assert.AreEqual(pages * 512L * 8 + 8, engine.Shadow.Footprint);
    }

    [TestMethod]
    public void Replay_OneByteDmaWritesAPageApart_CostOneCellPerPage()
    {
        // Scattered single-word accesses: the shadow holds the words touched, not 4 KiB per page they lie on.
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        const int pages = 2_000;
        t.Ram("buf", 0x1_0000_0000, (ulong)pages * 4096);
        long write = 0;
        for (int i = 0; i < pages; i++) write = t.DmaWrite("dev", t.At("buf", (ulong)i * 4096 + (ulong)(i % 4096)), 1);
        long load = t.Load("cpu0", t.At("buf", (ulong)(pages - 1) * 4096 + (pages - 1) % 4096), 1);

        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(4096)) engine.Process(b);

        FindingAssert.Exactly(engine.Complete(), $"dma-race@{load}[other={write}]");
        Assert.AreEqual(pages, engine.Shadow.PageCount);
        // The device-write cell of each page's one word (the load adds none: no detector reads the read columns).
        Assert.AreEqual(pages * 8L, engine.Shadow.Footprint);
    }

    [TestMethod]
    public void Replay_OneSyncWordAndOneEntryAPage_HoldThoseBytesOnly()
    {
        // A flag a page (each publishing its page's buffer to the device) and a table entry a page (an IOMMU's
        // sparse tables): the release handles and table values hold the words written, not 16 and 4 KiB a page.
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        const int pages = 2_000;
        t.Ram("buf", 0x1_0000_0000, (ulong)pages * 4096).Sync("flags", 0x2_0000_0000, (ulong)pages * 4096);
        t.Table("pt", 0x3_0000_0000, (ulong)pages * 512, 8, 8, 0, "dev");
        for (int i = 0; i < pages; i++)
        {
            ulong page = (ulong)i * 4096;
            t.Store("cpu0", t.At("buf", page), 8);
            t.Barrier("cpu0", "dma_wmb");
            t.Store("cpu0", t.At("flags", page + 8), 8, 1);
            t.Store("cpu0", t.At("pt", page + 16), 8, 0x1001);
        }
        long read5 = 0;
        for (int i = 0; i < pages; i++)
        {
            ulong page = (ulong)i * 4096;
            t.DmaRead("dev", t.At("flags", page + 8), 8);
            long read = t.DmaRead("dev", t.At("buf", page), 8);
            if (i == 5) read5 = read;
        }
        // A page stored to again and read without its flag: the store races with the device's read before it, and
        // the read after it with the store.
        long late = t.Store("cpu0", t.At("buf", 5 * 4096), 8);
        long unordered = t.DmaRead("dev", t.At("buf", 5 * 4096), 8);

        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(4096)) engine.Process(b);

        FindingAssert.Exactly(engine.Complete(), $"dma-race@{late}[other={read5}]", $"dma-race@{unordered}[other={late}]");
        Assert.AreEqual(3 * pages, engine.Shadow.PageCount);
        for (int i = 0; i < pages; i += 397) Assert.AreEqual((byte)0x10, engine.Shadow.ValueAt(t.At("pt", (ulong)i * 4096 + 17)), $"entry of page {i}");
        // Per page: the buffer word's cell, the flag's cell and 8 handles, the entry's cell and 8 values (and a
        // sync byte's handles for its present byte): under 128 bytes, where the columns took 20 KiB.
        Assert.IsLessThan(pages * 128L, engine.Shadow.Footprint);
    }

    [TestMethod]
    public void Replay_StoresNearTopOfAddressSpace_RaceFoundOnOnePage()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("top", 0xffff_ffff_ffff_f000, 0xfff);
        long first = t.Store("cpu0", 0xffff_ffff_ffff_fff0, 8, 1);
        long read = t.DmaRead("dev", 0xffff_ffff_ffff_fff0, 8);
        long second = t.Store("cpu0", 0xffff_ffff_ffff_fff0, 15, 2);

        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(16)) engine.Process(b);

        FindingAssert.Exactly(engine.Complete(), $"dma-race@{read}[other={first}]", $"dma-race@{second}[other={read}]");
        Assert.AreEqual(1, engine.Shadow.PageCount);
        Assert.IsLessThanOrEqualTo(512L * 4 * 8, engine.Shadow.Footprint, "one page of cells");
    }
}
