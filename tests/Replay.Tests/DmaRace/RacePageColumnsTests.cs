using TraceTools.Detectors.DmaRace;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// dma-race's page state holds the words of a column only once the column has an access, and drops them when the
/// column escalates (its per-agent sets hold it then): a buffer page that a device writes and a cpu reads keeps two
/// of its four columns, not four (about 1 KiB a page touched before).
/// </summary>
[TestClass]
public sealed class RacePageColumnsTests
{
    const int Pages = 64;

    [TestMethod]
    public void RacePage_DmaWriteThenLoadPerPage_HoldsTwoColumns()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64).Ram("pool", 0x1_0000_0000, Pages * 4096UL);
        for (ulong p = 0; p < Pages; p++)
        {
            t.DmaWrite("dev", t.At("pool", p * 4096), 64);
            t.DmaWrite("dev", t.At("flag"), 4, 1);
            t.Load("cpu0", t.At("flag"), 4);
            t.Load("cpu0", t.At("pool", p * 4096), 64);
        }
        var pages = Replay(t);
        Assert.HasCount(Pages, pages);
        foreach (var page in pages)
        {
            Assert.AreEqual(2, page.ColumnsHeld, "the device's writes and the cpu's reads");
            Assert.IsNotNull(page.Columns[(int)AccessColumn.DevWrite]);
            Assert.IsNotNull(page.Columns[(int)AccessColumn.CpuRead]);
        }
    }

    [TestMethod]
    public void RacePage_EscalatedColumn_DropsItsWords()
    {
        // Two cpus store to one word unordered: the cpu-write column escalates; the device's later read races both.
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0,cpu1");
        t.Store("cpu0", t.At("buf"), 8, 1);
        t.Store("cpu1", t.At("buf"), 8, 2);
        t.DmaRead("dev", t.At("buf"), 8);
        var page = Replay(t).Single();
        Assert.IsNotNull(page.Shared, "the page escalated");
        Assert.IsTrue(page.Shared!.IsEscalated(AccessColumn.CpuWrite));
        Assert.IsNull(page.Columns[(int)AccessColumn.CpuWrite], "the sets hold the escalated column");
        Assert.AreEqual(1, page.ColumnsHeld, "the device's read");
        Assert.AreEqual("dma-race@2[other=1]", TraceBuilder.Describe(t.Replay(new HashSet<FindingKind> { FindingKind.DmaRace })), "the escalated column still races the read");
    }

    static List<RacePage> Replay(TraceBuilder t)
    {
        var engine = t.Engine(new HashSet<FindingKind> { FindingKind.DmaRace });
        return [.. engine.Detectors.OfType<DmaRaceDetector>().Single().Pages.All];
    }
}
