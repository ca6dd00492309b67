using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// Help lines name the barrier for the observer that matters (docs/model.md §10.5), and one missing barrier
/// that causes several findings at one site gets one fix in all of them (the stmmac sample).
/// </summary>
[TestClass]
public sealed class FixAdviceTests
{
    /// <summary>Compiles and replays a sample in memory; the report input has the replay's hb paths.</summary>
    static ReportInput Replayed(string sample, bool withHbPath = true) =>
        Replayed(ScenarioCompiler.CompileFile(Path.Combine(RepoPaths.Samples, sample)), sample, withHbPath);

    static ReportInput Replayed(CompiledScenario scenario, string sample, bool withHbPath = true)
    {
        var events = new EventBatch(64);
        scenario.Generate(events);
        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        engine.Process(events);
        var findings = engine.Complete();
        var input = new ReportInput(scenario.Metadata, findings, new BatchEventLookup(events), sample, events.Count);
        return withHbPath ? input with { HbPath = engine.HbPath, HopInto = engine.HopInto } : input;
    }

    static FindingText Text(ReportInput input, FindingKind kind) =>
        new(input.Metadata, input.Findings.First(f => f.Kind == kind), input.Events) { Fixes = input.Fixes };

    [TestMethod]
    public void Help_StmmacPayloadInThePresentWord_BothFindingsGiveTheOneFix()
    {
        var input = Replayed("acqrel-stmmac-own-word.scn");
        var early = Text(input, FindingKind.PresentBeforePayload);
        var stale = Text(input, FindingKind.StaleDmaRead);
        Assert.AreEqual("put a store barrier (dma_wmb / dmb oshst) between the payload store #2 and the store that sets present #3", early.Help);
        Assert.AreEqual(early.Help, stale.Help);
        Assert.AreEqual(3L, stale.FixAt, "the fix goes before the store that sets OWN, not before the length store that published the frame");
        Assert.AreEqual(early.FixAt, stale.FixAt);
    }

    [TestMethod]
    public void Help_StmmacWithoutTheOtherFinding_NamesItsOwnPublish()
    {
        // Suppressing the present-before-payload finding leaves the stale-dma-read on its own: its plain help.
        var input = Replayed("acqrel-stmmac-own-word.scn");
        input = input with { Findings = [.. input.Findings.Where(f => f.Kind == FindingKind.StaleDmaRead)] };
        var stale = Text(input, FindingKind.StaleDmaRead);
        Assert.AreEqual("put a store barrier (dma_wmb / dmb oshst) between #0 and #2", stale.Help);
        Assert.AreEqual(2L, stale.FixAt);
    }

    [TestMethod]
    [DataRow("acqrel-handoff-plain-arm64.scn", "put smp_wmb (dmb ishst) between #0 and #1, or write #1 with store_release (smp_store_release): #1 hands the data to a cpu, which needs no device barrier")]
    [DataRow("acqrel-handoff-plain-riscv64.scn", "put smp_wmb (fence w,w) between #0 and #1, or write #1 with store_release (smp_store_release): #1 hands the data to a cpu, which needs no device barrier")]
    [DataRow("acqrel-xchg-device-flag-arm64.scn", "put a store barrier (dma_wmb / dmb oshst) between #0 and #1")]
    [DataRow("hisi-qm-mailbox.scn", "put a store barrier (dma_wmb / dmb oshst) between #0 and #1")]
    public void Help_StaleDmaRead_BarrierForTheFirstHopsObserver(string sample, string help) =>
        Assert.AreEqual(help, Text(Replayed(sample), FindingKind.StaleDmaRead).Help);

    [TestMethod]
    public void Help_OnePublishTwoObservers_EachInstanceNamesItsOwnFirstHop()
    {
        // One flag store #1 reaches the nic through cpu1 (a cpu hand-off) and the dsp directly (a device):
        // the same publish, so advice kept per publish gave the dsp's instance smp_wmb, which does not reach it.
        const string text = """
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
            nic:  dma_read txbuf size 0x40
            dsp:  dma_read ready size 4
            dsp:  dma_read txbuf size 0x40
            expect stale-dma-read count 2
            """;
        var input = Replayed(ScenarioCompiler.Compile(text, "two-observers.scn"), "two-observers.scn");
        var helps = input.Findings.Where(f => f.Kind == FindingKind.StaleDmaRead).OrderBy(f => f.Trigger)
            .Select(f => new FindingText(input.Metadata, f, input.Events) { Fixes = input.Fixes }.Help).ToArray();
        Assert.HasCount(2, helps);
        StringAssert.StartsWith(helps[0], "put smp_wmb (dmb ishst) between #0 and #1");
        Assert.AreEqual("put a store barrier (dma_wmb / dmb oshst) between #0 and #1", helps[1]);
    }

    [TestMethod]
    public void Help_StaleCpuReadWithoutReplayState_DeviceBarrierNotingTheCpuCase() =>
        Assert.AreEqual("put a read barrier (dma_rmb / dmb oshld) between the acquire at #5 and #6 (smp_rmb (dmb ishld) or load_acquire suffice if a cpu released what #5 read)",
            Text(Replayed("acqrel-rx-forward-plain-load-arm64.scn", withHbPath: false), FindingKind.StaleCpuRead).Help);

    [TestMethod]
    public void Help_StaleDmaReadWithoutHbPaths_TheDeviceBarrierThatReachesCpusToo() =>
        Assert.AreEqual("put a store barrier (dma_wmb / dmb oshst) between #0 and #1",
            Text(Replayed("acqrel-handoff-plain-arm64.scn", withHbPath: false), FindingKind.StaleDmaRead).Help);

    [TestMethod]
    [DataRow("acqrel-rx-forward-plain-load-arm64.scn", "put smp_rmb (dmb ishld) between the acquire at #5 and #6, or read #5 with load_acquire (smp_load_acquire): another cpu released what #5 read")]
    [DataRow("nic-rx-completion-no-rmb.scn", "put a read barrier (dma_rmb / dmb oshld) between the acquire at #2 and #3")]
    public void Help_StaleCpuRead_BarrierForTheAcquiresReleaser(string sample, string help) =>
        Assert.AreEqual(help, Text(Replayed(sample), FindingKind.StaleCpuRead).Help);

    /// <summary>
    /// riscv64: each macro is named with the instruction the contract maps it to (dma_wmb and wmb are fence ow,ow);
    /// before a doorbell the narrower fence w,o is named as an alternative, never as dma_wmb's instruction.
    /// </summary>
    [TestMethod]
    [DataRow("riscv-doorbell-smp-wmb.scn", FindingKind.StaleDmaRead, "put a store barrier (dma_wmb / fence ow,ow, or the narrower fence w,o) between #0 and #2")]
    [DataRow("riscv-desc-own-smp-wmb.scn", FindingKind.PresentBeforePayload, "put a store barrier (dma_wmb / fence ow,ow) between the payload store #1 and the store that sets present #3")]
    public void Help_Riscv64StoreBarrier_NamesTheContractsFence(string sample, FindingKind kind, string help) =>
        Assert.AreEqual(help, Text(Replayed(sample), kind).Help);

    [TestMethod]
    public void Help_Riscv64MissingCacheClean_CompletionBarrierIsWmbsFence()
    {
        const string text = """
            arch riscv64
            cpu cpu0
            device dsp noncoherent
            ram  buf 0x8000_0000 size 0x40
            mmio regs 0xfe00_0000 size 0x10 device dsp
            cpu0: store buf size 0x40
            cpu0: writel_relaxed regs = 1
            dsp:  dma_read buf size 0x40
            """;
        // writel_relaxed: no barrier between (writel's fence ow,ow would complete the clean: CleanCompletionHelpTests).
        var input = Replayed(ScenarioCompiler.Compile(text, "clean.scn"), "clean.scn");
        StringAssert.Contains(Text(input, FindingKind.MissingCacheClean).Help, "(wmb / fence ow,ow)");
        Assert.IsFalse(Text(input, FindingKind.MissingCacheClean).Help.Contains("fence w,o", StringComparison.Ordinal));
    }
}
