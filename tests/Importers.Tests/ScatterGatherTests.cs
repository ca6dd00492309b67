using TraceTools.Importers;
using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>
/// dma_map_sg prints nents physical addresses but ents dma lengths (include/trace/events/dma.h): physical segments
/// are paired with lengths only where the mapping kept one dma segment per physical one.
/// </summary>
[TestClass]
public sealed class ScatterGatherTests
{
    static string Line(ulong micros, string @event, string args) => Trace("kworker/0:1", 42, 0, ".....", micros, @event, args);

    [TestMethod]
    public void Import_IommuMergedSegments_RefusedAtTheEntsField()
    {
        // The user's line: 3 physical segments merged into one 0x3000-byte dma segment; which 0x1000 belongs where is unknown.
        string line = Line(1, "dma_map_sg", "nic dir=TO_DEVICE nents=3/3 ents=1/1 dma_addrs={0xfff00000} sizes={0x3000} phys_addrs={0x80005000,0x80007000,0x80002000} attrs=");
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout, [("trace", line)]));
        StringAssert.Contains(e.Message, "dma_map_sg: the mapping merged 3 physical segments into 1 dma segment (an IOMMU)");
        Assert.AreEqual((1L, line.IndexOf(" ents=", StringComparison.Ordinal) + 7), (e.Line, e.Column), e.Message);
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("trace"));
    }

    [TestMethod]
    public void Import_IommuMergedSegmentsInTheOlderFormat_RefusedAtTheSizes()
    {
        // Without "nents=/ents=" the arrays' lengths say it: 3 phys_addrs, 1 size.
        string line = Line(1, "dma_map_sg", "nic dir=TO_DEVICE dma_addrs={0xfff00000} sizes={0x3000} phys_addrs={0x80005000,0x80007000,0x80002000} attrs=");
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout, [("trace", line)]));
        StringAssert.Contains(e.Message, "merged 3 physical segments into 1 dma segment");
        Assert.AreEqual(line.IndexOf("sizes={", StringComparison.Ordinal) + 8, e.Column, e.Message);
    }

    [TestMethod]
    public void Import_SyncSgBehindAnIommu_TranslatesTheDmaAddresses()
    {
        // dma_sync_sg_* print IOVAs: the segments the map traced give their physical addresses.
        string text = Line(1, "dma_map_sg", "nic dir=FROM_DEVICE nents=2/2 ents=2/2 dma_addrs={0xfff00000,0xfff02000} sizes={0x40,0x80} phys_addrs={0x80000000,0x80004000} attrs=")
            + Line(2, "dma_sync_sg_for_cpu", "nic dir=FROM_DEVICE dma_addrs={0xfff00000,0xfff02000} sizes={0x40,0x80}")
            + Line(3, "dma_sync_sg_for_device", "nic dir=FROM_DEVICE dma_addrs={0xfff02000} sizes={0x80}")
            + Line(4, "dma_unmap_sg", "nic dir=FROM_DEVICE phys_addrs={0x80000000,0x80004000} attrs=");
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.CacheClean, 0x80000000ul, 0x40), (EventKind.CacheClean, 0x80004000ul, 0x80),
            (EventKind.CacheInval, 0x80000000ul, 0x40), (EventKind.CacheInval, 0x80004000ul, 0x80),
            (EventKind.CacheClean, 0x80004000ul, 0x80),
            (EventKind.CacheInval, 0x80000000ul, 0x40), (EventKind.CacheInval, 0x80004000ul, 0x80),
        }, events.Select(e => (e.Kind, e.Address, e.Size)).ToArray(), string.Join("\n", events));
    }

    [TestMethod]
    public void Import_SyncSgAfterTheUnmap_NoLongerTranslated()
    {
        string text = Line(1, "dma_map_sg", "nic dir=FROM_DEVICE nents=1/1 ents=1/1 dma_addrs={0x80008000} sizes={0x40} phys_addrs={0x80000000} attrs=")
            + Line(2, "dma_unmap_sg", "nic dir=FROM_DEVICE phys_addrs={0x80000000} attrs=")
            + Line(3, "dma_sync_sg_for_cpu", "nic dir=FROM_DEVICE dma_addrs={0x80008000} sizes={0x40}");
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        Assert.AreEqual((EventKind.CacheInval, 0x80008000ul), (events.Last().Kind, events.Last().Address), "identity once the mapping is gone");
    }

    [TestMethod]
    public void Import_TruncatedSegmentList_TracedOnesMaintainedTheRestWarned()
    {
        string text = Line(1, "dma_map_sg", "nic dir=TO_DEVICE nents=2/300 ents=2/300 [TRUNCATED] dma_addrs={0x80000000,0x80002000} sizes={0x40,0x80} phys_addrs={0x80000000,0x80002000} attrs=");
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        Assert.AreEqual(2, events.Count);
        StringAssert.Contains(h.Summary.Warnings().Last(), "cpu 0: 298 events not maintained: dma_map_sg segments past the 128 the kernel traces");
    }
    [TestMethod]
    [DataRow("nic")]       // noncoherent: would clean each segment
    [DataRow("coherent")]  // would count each segment as needing no maintenance
    public void Import_EmptySegmentArrays_CountedAsSkipped(string device)
    {
        // A line with no segments produces nothing: it is counted, as a dma event of size 0 is, not dropped unseen.
        string text = Line(1, "dma_map_sg", $"{device} dir=TO_DEVICE nents=0/0 ents=0/0 dma_addrs={{}} sizes={{}} phys_addrs={{}} attrs=")
            + Line(2, "dma_map_sg", $"{device} dir=TO_DEVICE dma_addrs={{}} sizes={{}} phys_addrs={{}} attrs=")
            + Line(3, "dma_sync_sg_for_device", $"{device} dir=TO_DEVICE dma_addrs={{}} sizes={{}}")
            + Line(4, "dma_unmap_sg", $"{device} dir=FROM_DEVICE phys_addrs={{}} attrs=");
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout + "\ndevice coherent\n", [("trace", text)]);
        Assert.IsEmpty(events);
        Assert.AreEqual(4, h.Summary.Skipped.GetValueOrDefault("scatter-gather dma event with no segments"), string.Join("\n", h.Summary.Describe("out.trace")));
        Assert.AreEqual(4, h.Summary.Skipped.Values.Sum(), string.Join("\n", h.Summary.Describe("out.trace")));
    }
}
