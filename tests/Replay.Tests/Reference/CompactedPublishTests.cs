using TraceTools.Replay;
using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Edge-log compaction keeps the edge a <c>publish</c> names (model.md §7.12: the first release of S's cpu at or after S
/// with an edge on the path to R) when a later release reached the same receiver first. The replay compacts only from
/// 65,536 edges a cpu; these replay with compaction from the first edge too, and must name the same release.
/// </summary>
[TestClass]
public sealed class CompactedPublishTests
{
    /// <summary>
    /// arm64: cpu0 stores the buffer, then flag 1, then flag 2, with no barrier (a plain store is a release, but w→w is not
    /// preserved: stale). cpu1 reads flag 2 first, then flag 1, and rings the doorbell with a plain mmio write (no barrier:
    /// writel's would order what cpu1 has seen); the device reads the buffer. Both flag stores reached cpu1 before its
    /// doorbell, so the publish is the earlier, flag 1, although its edge was logged after flag 2's. cpu0 then stores
    /// both flags again, so neither first store is live and both edges lie between the same live stores (the buffer's
    /// and the new flag 1's), one release time apart; cpu1 reads the new flag 1, whose edge compacts the log with both in it.
    /// </summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void StaleDmaRead_LaterReleaseReachedFirst_PublishIsTheEarlierRelease(int compactEdgeLogsAt)
    {
        var t = new TraceBuilder(Arch.Arm64);
        ushort cpu0 = t.Cpu("cpu0"), cpu1 = t.Cpu("cpu1"), dev = t.Device("dev");
        t.Ram("buf", 0x1000, 0x100);
        t.Sync("flag", 0x2000, 0x10);
        t.Mmio("reg", 0xf000, 0x10, dev);
        int s = t.Store(cpu0, 0x1000, 8, 0x11);
        int flag1 = t.Store(cpu0, 0x2000, 4, 1);
        t.Store(cpu0, 0x2008, 4, 1);
        t.Load(cpu1, 0x2008, 4);
        t.Load(cpu1, 0x2000, 4);
        t.Store(cpu0, 0x2000, 4, 2);
        t.Store(cpu0, 0x2008, 4, 2);
        t.Load(cpu1, 0x2000, 4);
        t.MmioWrite(cpu1, 0xf000, 4, 1);
        int r = t.DmaRead(dev, 0x1000, 8);

        AssertEngineAndReference(t, $"stale-dma-read@{r}[store={s},publish={flag1}]",
            new ReplayOptions { CompactEdgeLogsAt = compactEdgeLogsAt == 0 ? null : compactEdgeLogsAt });
    }
}
