using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Reports;

[TestClass]
public sealed class TextReportTests
{
    static string[] Lines(SeedTrace seed, bool all = false, ReportStats? stats = null)
    {
        var input = seed.Input(stats: stats);
        var w = new StringWriter { NewLine = "\n" };
        TextReport.Write(w, input, FindingGroup.Build(input.Findings, input.Events, all));
        return w.ToString().TrimEnd('\n').Split('\n');
    }

    [TestMethod]
    public void TextReport_HisiQmSeed_LadderAsInCliMd()
    {
        string[] expected =
        [
            "error[stale-dma-read]: qm may read stale data from xqc+0x0..0x40 (1 instance)",
            "  cpu0                                           qm",
            "  #0 store xqc+0x0 size 64                       .",
            "     qm_set_and_get_xqc: memcpy",
            "  #1 mmio_write qm_mb = 0x80000000               .",
            "     qm_mb_write: stp",
            "  #2 barrier dmb.oshst   <- after the doorbell   .",
            "     qm_mb_write: dmb oshst",
            "  .                                              #3 dma_read xqc+0x0 size 64   <- stale",
            "                                                    qm: mailbox fetch",
            "  help: put a store barrier (dma_wmb / dmb oshst) between #0 and #1",
            "",
            "1 error, 0 warnings in 1 group",
        ];
        CollectionAssert.AreEqual(expected, Lines(SeedTraces.HisiQm()));
    }

    [TestMethod]
    public void TextReport_VtdSeed_TwoBlocksInTriggerOrder()
    {
        string[] expected =
        [
            "error[missing-flush-after-clear]: pasid[7] is changed after clearing present, with no invalidation of iommu's copy ordered between the clear and the change (1 instance)",
            "  cpu0",
            "  #3 store pasid[7]+0x0 size 8 = 0x0",
            "     pasid_clear_entry",
            "  #4 store pasid[7]+0x10 size 8 = 0xbbbb   <- not flushed",
            "     pasid_set_bits",
            "  help: put dev_invalidate iommu pasid[7] between the clear at #3 and #4",
            "",
            "error[torn-entry-fetch]: iommu may fetch a torn pasid[7] (1 instance)",
            "  cpu0                                     iommu",
            "  .                                        #2 fetch pasid[7] granule 0",
            "  #4 store pasid[7]+0x10 size 8 = 0xbbbb   .",
            "     pasid_set_bits",
            "  .                                        #5 fetch pasid[7] granule 1   <- torn",
            "  help: clear present, dev_invalidate the entry, update it, then set present (clear → invalidate → update → set), so that iommu never fetches pasid[7] while it changes",
            "",
            "2 errors, 0 warnings in 2 groups",
        ];
        CollectionAssert.AreEqual(expected, Lines(SeedTraces.VtdPasid()));
    }

    [TestMethod]
    public void TextReport_ContextSeed_PresentBeforePayloadBlock()
    {
        string[] expected =
        [
            "error[present-before-payload]: ctx[3] is made present before its payload is ordered (1 instance)",
            "  cpu0",
            "  #0 store ctx[3]+0x8 size 8 = 0x12345000",
            "     context_set_address_root",
            "  #1 store ctx[3]+0x0 size 8 = 0x1   <- present too early",
            "     context_set_present",
            "  help: put a store barrier (dma_wmb / dmb oshst) between the payload store #0 and the store that sets present #1",
            "",
            "1 error, 0 warnings in 1 group",
        ];
        CollectionAssert.AreEqual(expected, Lines(SeedTraces.ContextEntry()));
    }

    [TestMethod]
    public void TextReport_NoFindings_OnlyTheSummary()
    {
        var seed = SeedTraces.HisiQm() with { Findings = [] };
        CollectionAssert.AreEqual(new[] { "0 errors, 0 warnings in 0 groups" }, Lines(seed));
    }

    [TestMethod]
    public void TextReport_Stats_TimingLineAfterSummary()
    {
        var lines = Lines(SeedTraces.HisiQm(), stats: new ReportStats(0.25, 16) { StartupSeconds = 0.125, DecodeSeconds = 0.05, ReplaySeconds = 0.2 });
        Assert.AreEqual("replayed 4 events in 0.25 s (1.6e1 events/s, start-up excluded); phases: start-up 0.125 s, decode 0.050 s, replay 0.200 s, report 0.000 s", lines[^1]);
    }

    [TestMethod]
    public void TextReport_GroupOfManyInstances_CountsAllAndNotesTheOthers()
    {
        var seed = SeedTraces.HisiQm();
        var many = Enumerable.Range(0, 12).Select(_ => seed.Findings[0]).ToList();
        var lines = Lines(seed with { Findings = many });
        Assert.AreEqual("error[stale-dma-read]: qm may read stale data from xqc+0x0..0x40 (12 instances)", lines[0]);
        Assert.AreEqual("  note: also at #3, #3, #3, #3, #3, #3, #3, #3, #3 and 2 more (--all lists them)", lines[11]);
        Assert.AreEqual("12 errors, 0 warnings in 1 group", lines[^1]);
    }

    [TestMethod]
    [DataRow(3, false, "  note: also at #3, #3")]
    [DataRow(12, true, "  note: also at #3, #3, #3, #3, #3, #3, #3, #3, #3, #3, #3")]
    public void TextReport_EveryInstanceShown_NoteCountsNoneMore(int instances, bool all, string note)
    {
        // The note lists the other shown instances; "and N more (--all lists them)" only when some are not shown.
        var seed = SeedTraces.HisiQm();
        var lines = Lines(seed with { Findings = [.. Enumerable.Repeat(seed.Findings[0], instances)] }, all);
        Assert.AreEqual(note, lines.Single(l => l.StartsWith("  note: also at", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DataRow(FindingKind.StaleDmaRead, "<- stale")]
    [DataRow(FindingKind.TornEntryUpdate, "<- torn update")]
    public void TextReport_Marker_OnTheTriggerRowOnly(FindingKind kind, string marker)
    {
        var seed = SeedTraces.HisiQm();
        var f = new Finding(kind, 3, [new RelatedEvent(RelatedRole.Store, 0)]);
        var lines = Lines(seed with { Findings = [f] });
        Assert.AreEqual(1, lines.Count(l => l.Contains("#3 ", StringComparison.Ordinal) && l.Contains("<-", StringComparison.Ordinal)));
        StringAssert.EndsWith(lines.Single(l => l.Contains("#3", StringComparison.Ordinal) && l.Contains("<-", StringComparison.Ordinal)), marker);
        Assert.IsFalse(lines.Any(l => l.Contains("#0 ", StringComparison.Ordinal) && l.Contains("<-", StringComparison.Ordinal)));
    }
}
