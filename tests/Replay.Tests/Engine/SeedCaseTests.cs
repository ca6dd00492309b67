using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>The canonical seed cases of scenario-language.md, with exact trigger and related indices.</summary>
[TestClass]
public sealed class SeedCaseTests
{
    static TraceBuilder HisiQm(Arch arch)
    {
        var t = new TraceBuilder(arch).Cpu("cpu0").Device("qm");
        t.Ram("xqc", 0x8000_0000, 0x40).Mmio("qm_mb", 0xfe00_0000, 0x10, "qm");
        return t;
    }

    [TestMethod]
    public void HisiQm_BarrierAfterDoorbell_StaleDmaReadWithStoreAndPublish()
    {
        var t = HisiQm(Arch.Arm64);
        t.Store("cpu0", t.At("xqc"), 0x40);
        t.MmioWrite("cpu0", t.At("qm_mb"), 16, 0x8000_0000);
        t.Barrier("cpu0", "dmb.oshst");
        t.DmaRead("qm", t.At("xqc"), 0x40);
        FindingAssert.Exactly(t.Replay(), "stale-dma-read@3[store=0,publish=1]");
    }

    [TestMethod]
    public void HisiQm_BarrierBeforeDoorbell_None()
    {
        var t = HisiQm(Arch.Arm64);
        t.Store("cpu0", t.At("xqc"), 0x40);
        t.Barrier("cpu0", "dmb.oshst");
        t.MmioWrite("cpu0", t.At("qm_mb"), 16, 0x8000_0000);
        t.DmaRead("qm", t.At("xqc"), 0x40);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void HisiQm_X86WithDmaWmbAfterDoorbell_None()
    {
        var t = HisiQm(Arch.X86_64);
        t.Store("cpu0", t.At("xqc"), 0x40);
        t.MmioWrite("cpu0", t.At("qm_mb"), 16, 0x8000_0000);
        t.Barrier("cpu0", "dma_wmb");
        t.DmaRead("qm", t.At("xqc"), 0x40);
        FindingAssert.None(t.Replay());
    }

    static TraceBuilder Pasid()
    {
        var t = new TraceBuilder(Arch.X86_64).Cpu("cpu0").Device("iommu");
        t.Table("pasid", 0x10_0000, 64, 64, 16, 0, "iommu");
        return t;
    }

    [TestMethod]
    public void VtdPasid_ClearAndMangleWithoutFlush_TornFetchAndMissingFlush()
    {
        var t = Pasid();
        ulong e = t.Entry("pasid", 7);
        t.Store("cpu0", e, 8, 0x1);
        t.Store("cpu0", e + 16, 8, 0xaaaa);
        t.Fetch("iommu", "pasid", 7, 0);
        t.Store("cpu0", e, 8, 0x0);
        t.Store("cpu0", e + 16, 8, 0xbbbb);
        t.Fetch("iommu", "pasid", 7, 1);
        FindingAssert.Exactly(t.Replay(),
            "missing-flush-after-clear@4[clear=3]", "torn-entry-fetch@5[first-granule=2,store=4]");
    }

    [TestMethod]
    public void VtdPasid_InvalidateAfterClear_None()
    {
        var t = Pasid();
        ulong e = t.Entry("pasid", 7);
        t.Store("cpu0", e, 8, 0x1);
        t.Store("cpu0", e + 16, 8, 0xaaaa);
        t.Fetch("iommu", "pasid", 7, 0);
        t.Store("cpu0", e, 8, 0x0);
        t.Fetch("iommu", "pasid", 7, 1);
        t.DevInvalidate("cpu0", "iommu", "pasid", 7);
        t.Store("cpu0", e + 16, 8, 0xbbbb);
        FindingAssert.None(t.Replay());
    }

    static TraceBuilder Context(Arch arch)
    {
        var t = new TraceBuilder(arch).Cpu("cpu0").Device("iommu");
        t.Table("ctx", 0x20_0000, 256, 16, 16, 0, "iommu");
        return t;
    }

    [TestMethod]
    public void ContextEntry_PresentWithoutDmaWmb_PresentBeforePayload()
    {
        var t = Context(Arch.Arm64);
        ulong e = t.Entry("ctx", 3);
        t.Store("cpu0", e + 8, 8, 0x1234_5000);
        t.Store("cpu0", e, 8, 0x1);
        t.Fetch("iommu", "ctx", 3, 0);
        FindingAssert.Exactly(t.Replay(), "present-before-payload@1[payload=0]");
    }

    [TestMethod]
    public void ContextEntry_DmaWmbBetween_None()
    {
        var t = Context(Arch.Arm64);
        ulong e = t.Entry("ctx", 3);
        t.Store("cpu0", e + 8, 8, 0x1234_5000);
        t.Barrier("cpu0", "dma_wmb");
        t.Store("cpu0", e, 8, 0x1);
        t.Fetch("iommu", "ctx", 3, 0);
        FindingAssert.None(t.Replay());
    }
}
