using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>The engine's side of docs/model.md §11: operands it refuses, detector selection, batches.</summary>
[TestClass]
public sealed class DeviceControlEngineTests
{
    // cpu0 = 0, dev = 1; buf 0x1000, regs 0xf000.
    static TraceBuilder System()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("buf", 0x1000, 0x100).Mmio("regs", 0xf000, 0x10, "dev");
        return t;
    }

    [TestMethod]
    [DataRow(EventKind.IommuMode, 0ul, 0, 1u | 3u << 16, "iommu_mode 3 is not a mode")]
    [DataRow(EventKind.IommuMode, 0ul, 0, 0u, "agent 0 is not a device")]
    [DataRow(EventKind.Quiesce, 0ul, 0, 7u, "agent 7 is not a device")]
    [DataRow(EventKind.DmaMap, 0x1000ul, 16, 1u | 3u << 16, "dma_map direction 3 is not a direction")]
    [DataRow(EventKind.DmaUnmap, 0x1000ul, 16, 1u | 1u << 16, "dma_unmap direction 1 is not a direction")]
    [DataRow(EventKind.DmaMap, 0xf000ul, 4, 1u, "touches mmio region regs")]
    [DataRow(EventKind.DmaUnmap, 0x9000ul, 4, 1u, "outside every region")]
    public void Process_BadDeviceControlOperands_BadInputNamingTheEvent(EventKind kind, ulong address, int size, uint aux, string message)
    {
        var t = System();
        t.Raw(new TraceEvent(kind, 0, address, size, aux));
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        var e = Assert.ThrowsExactly<ReplayInputException>(() => { foreach (var b in t.Batches(8)) engine.Process(b); });
        StringAssert.Contains(e.Message, "event #0");
        StringAssert.Contains(e.Message, message);
    }

    static TraceBuilder Kexec()
    {
        var t = System();
        t.Raw(new TraceEvent(EventKind.DmaMap, 0, 0x1000, 16, 1u | (uint)DmaDirection.ToDevice << 16));   // #0
        t.Writel("cpu0", 0xf000, 1);                                                                        // #1 #2
        t.Raw(new TraceEvent(EventKind.IommuMode, 0, 0, 0, 1u | (uint)IommuTreatment.Abort << 16));       // #3
        t.Raw(new TraceEvent(EventKind.Handover, 0, 0, 0, 0));                                             // #4
        t.DmaWrite("dev", 0x1000, 16);                                                                      // #5
        return t;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(100)]
    public void Process_KexecTrace_AnyBatching_BothFindingsTheUnquiescedOneAWarning(int batch)
    {
        var t = Kexec();
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(batch)) engine.Process(b);
        var findings = engine.Complete();
        FindingAssert.Exactly(findings, "unquiesced-dma(warning)@5[handover=4,iommu-mode=3,doorbell=2]", "dma-outside-mapping@5[mapping=0]");
        Assert.AreEqual(Severity.Warning, findings.Single(f => f.Kind == FindingKind.UnquiescedDma).Severity);
    }

    [TestMethod]
    [DataRow(FindingKind.UnquiescedDma, "unquiesced-dma(warning)@5[handover=4,iommu-mode=3,doorbell=2]")]
    [DataRow(FindingKind.DmaOutsideMapping, "dma-outside-mapping@5[mapping=0]")]
    public void Process_OneDetectorSelected_OnlyItReportsAndNothingElseIsKept(FindingKind kind, string expected)
    {
        var t = Kexec();
        var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Detectors = new HashSet<FindingKind> { kind } });
        Assert.AreEqual(Replay.Detection.DetectorNeeds.None, engine.Needs);
        foreach (var b in t.Batches(3)) engine.Process(b);
        FindingAssert.Exactly(engine.Complete(), expected);
    }
}
