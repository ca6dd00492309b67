using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// A group's instances share their sites, not necessarily their fix: the text report prints the ladder's fix as
/// <c>help:</c> and every other fix a shown instance needs as <c>help for #N:</c>; fixes that differ only in
/// numbers (the instance's own events, offsets) are one line.
/// </summary>
[TestClass]
public sealed class GroupHelpTests
{
    static ReportInput Replayed(string text)
    {
        var scenario = ScenarioCompiler.Compile(text, "t.scn");
        var events = new EventBatch(64);
        scenario.Generate(events);
        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        engine.Process(events);
        return new ReportInput(scenario.Metadata, engine.Complete(), new BatchEventLookup(events), "t.scn", events.Count)
            { HbPath = engine.HbPath, HopInto = engine.HopInto };
    }

    static string Report(ReportInput input)
    {
        var w = new StringWriter { NewLine = "\n" };
        TextReport.Write(w, input, FindingGroup.Build(input.Findings, input.Events, all: false));
        return w.ToString();
    }

    [TestMethod]
    public void Text_OneGroupTwoObservers_EachFixPrinted()
    {
        // One flag store #1 reaches the nic through cpu1 (a cpu hand-off: smp_wmb) and the dsp directly (a
        // device: dma_wmb); no sites, so both stale-dma-reads are one group. Printing only the ladder's help
        // told the dsp's driver to use smp_wmb, which does not reach a device.
        var input = Replayed("""
            arch arm64
            cpu cpu0, cpu1
            device nic
            device dsp
            ram  txbuf 0x8000_0000 size 0x40
            sync ready 0x9000_0000 size 8
            mmio regs  0xfe00_0000 size 0x10 device nic
            cpu0: store txbuf size 0x40
            cpu0: store ready size 4 = 1
            cpu1: load ready size 4
            cpu1: writel regs = 1
            dsp:  dma_read ready size 4
            nic:  dma_read txbuf size 0x40
            dsp:  dma_read txbuf size 0x40
            """);
        var stale = input.Findings.Where(f => f.Kind == FindingKind.StaleDmaRead).OrderBy(f => f.Trigger).ToList();
        Assert.HasCount(2, stale);
        var groups = FindingGroup.Build(input.Findings, input.Events, all: false).Where(g => g.Kind == FindingKind.StaleDmaRead).ToList();
        Assert.HasCount(1, groups, "same sites: one group");

        string report = Report(input);

        StringAssert.Contains(report, "  help: put smp_wmb (dmb ishst) between #0 and #1");
        StringAssert.Contains(report, $"  help for #{stale[1].Trigger}: put a store barrier (dma_wmb / dmb oshst) between #0 and #1\n");
    }

    [TestMethod]
    public void Text_FixesDifferingOnlyInHexOffsets_OneHelpLine()
    {
        // Three rounds of one race: the cpu reuses the buffer the device is still reading, 0x50 bytes further each
        // round. The helps name xqc+0x0..0x50, xqc+0x50..0xa0 and xqc+0xa0..0xf0: they differ only in offsets
        // (hex numbers, letters included), so they are one fix and the block has one help line.
        var input = Replayed("""
            arch arm64
            cpu cpu0
            device qm
            ram  xqc 0x8000_0000 size 0x100
            repeat 3 as i {
              qm:   dma_read xqc + i * 0x50 size 0x50 @ "fetch"
              cpu0: store xqc + i * 0x50 size 0x50 @ "refill"
            }
            """);
        var groups = FindingGroup.Build(input.Findings, input.Events, all: false);
        Assert.HasCount(1, groups);
        Assert.AreEqual((FindingKind.DmaRace, 3), (groups[0].Kind, groups[0].Count));

        string report = Report(input);

        Assert.AreEqual(1, report.Split('\n').Count(l => l.StartsWith("  help", StringComparison.Ordinal)), report);
        StringAssert.Contains(report, "  help: wait for qm's completion (status read, interrupt or completion flag) before reusing xqc+0x0..0x50\n");
    }

    [TestMethod]
    public void Text_SameFixAtEveryInstance_OneHelpLine()
    {
        // Three rounds of one bug: the helps differ only in the instances' event numbers.
        var input = Replayed("""
            arch arm64
            cpu cpu0
            device qm
            ram  xqc 0x8000_0000 size 0x100
            mmio qm_mb 0xfe00_0000 size 0x10 device qm
            repeat 3 as i {
              cpu0: store xqc + i * 0x40 size 0x40 @ "fill"
              cpu0: mmio_write qm_mb size 4 = 1 @ "ring"
              qm:   dma_read xqc + i * 0x40 size 0x40 @ "fetch"
            }
            """);
        var groups = FindingGroup.Build(input.Findings, input.Events, all: false);
        Assert.HasCount(1, groups);
        Assert.AreEqual(3, groups[0].Count);
        Assert.HasCount(1, GroupHelp.Of(input, groups[0]));

        string report = Report(input);

        Assert.AreEqual(1, report.Split('\n').Count(l => l.StartsWith("  help", StringComparison.Ordinal)), report);
        StringAssert.Contains(report, "  help: put a store barrier (dma_wmb / dmb oshst) between #0 and #1\n");
    }
}
