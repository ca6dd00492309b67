using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The short per-detector examples of docs/model.md, built step by step as the doc writes them: the
/// reference must give exactly the finding the doc states, and none for the fix the doc gives.
/// </summary>
[TestClass]
public sealed class DocExampleTests
{
    const ulong Buf = 0x1000, Done = 0x2000, Db = 0xf000, Tbl = 0x10_0000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Dev, RegionInfo Table);

    /// <summary>The doc's common header: cpu0, a device dev, buf (ram), done (sync), db (mmio), ctx (table).</summary>
    static Sys Header(Arch arch, bool coherent = true, IommuTreatment devAtStart = IommuTreatment.Translate)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent, devAtStart);
        b.Ram("buf", Buf, 0x40);
        b.Sync("done", Done, 0x8);
        b.Mmio("db", Db, 0x10, dev);
        var t = b.Table("ctx", Tbl, 16, 16, 16, 0, dev);
        return new(b, cpu0, dev, t);
    }

    static string Run(Sys s) => string.Join(" ", ReferenceModel.Run(s.B.Build()));

    [TestMethod]
    [DataRow(false, "stale-dma-read@2[store=0,publish=1]")]
    [DataRow(true, "")]
    public void Doc_StaleDmaRead_RelaxedDoorbell(bool writel, string expected)
    {
        var s = Header(Arch.Arm64);
        s.B.Store(s.Cpu0, Buf, 16);
        if (writel) s.B.Writel(s.Cpu0, Db, 1); else s.B.MmioWrite(s.Cpu0, Db, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(writel ? "" : expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "stale-cpu-read@3[dma-write=0,acquire=2]")]
    [DataRow(true, "")]
    public void Doc_StaleCpuRead_CompletionFlagWithoutDmaRmb(bool dmaRmb, string expected)
    {
        var s = Header(Arch.Arm64);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.DmaWrite(s.Dev, Done, 4, 1);
        s.B.Load(s.Cpu0, Done, 4);
        if (dmaRmb) s.B.Barrier(s.Cpu0, "dma_rmb");
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "dma-race@4[other=3]")]
    [DataRow(true, "")]
    public void Doc_DmaRace_BufferReusedBeforeCompletion(bool waitIrq, string expected)
    {
        var s = Header(Arch.X86_64);
        s.B.Store(s.Cpu0, Buf, 16);
        s.B.Writel(s.Cpu0, Db, 1);                 // #1 dma_wmb, #2 mmio_write
        s.B.DmaRead(s.Dev, Buf, 16);               // #3
        if (waitIrq) { s.B.RaiseIrq(s.Dev); s.B.TakeIrq(s.Cpu0, s.Dev); }
        s.B.Store(s.Cpu0, Buf, 16);                // #4 (or #6)
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "missing-flush-after-clear@2[clear=1]")]
    [DataRow(true, "")]
    public void Doc_MissingFlushAfterClear_ClearThenRewrite(bool flush, string expected)
    {
        var s = Header(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 0x1);            // live entry
        s.B.Store(s.Cpu0, Tbl, 8, 0x0);            // #1 clear present
        if (flush) s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x9000);     // #2 (or #3) new payload
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "torn-entry-update@2[earlier-store=1]")]
    [DataRow(true, "")]
    public void Doc_TornEntryUpdate_LiveEntryRewrittenInPlace(bool protocol, string expected)
    {
        var s = Header(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 0x1);
        if (protocol)
        {
            s.B.Store(s.Cpu0, Tbl, 8, 0x0);
            s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
            s.B.Store(s.Cpu0, Tbl + 8, 8, 0x9000);
            s.B.Store(s.Cpu0, Tbl, 8, 0x3);
        }
        else
        {
            s.B.Store(s.Cpu0, Tbl + 8, 8, 0x9000);  // #1
            s.B.Store(s.Cpu0, Tbl, 8, 0x3);         // #2 (present stays set)
        }
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "missing-cache-clean@3[store=0]")]
    [DataRow(true, "")]
    public void Doc_MissingCacheClean_NoncoherentDevice(bool clean, string expected)
    {
        var s = Header(Arch.Arm64, coherent: false);
        s.B.Store(s.Cpu0, Buf, 16);
        if (clean) { s.B.CacheClean(s.Cpu0, Buf, 16); s.B.Barrier(s.Cpu0, "wmb"); }
        s.B.Writel(s.Cpu0, Db, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, "missing-cache-invalidate@3[dma-write=0]")]
    [DataRow(true, "")]
    public void Doc_MissingCacheInvalidate_NoncoherentDevice(bool inval, string expected)
    {
        var s = Header(Arch.Arm64, coherent: false);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        if (inval) s.B.CacheInval(s.Cpu0, Buf, 16);
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow("bypass", false, false, "unquiesced-dma@4[handover=3,iommu-mode=2,doorbell=1]")]
    [DataRow("abort", false, false, "unquiesced-dma(warning)@4[handover=3,iommu-mode=2,doorbell=1]")]
    [DataRow("bypass", true, false, "")]
    [DataRow("bypass", false, true, "")]
    public void Doc_UnquiescedDma_KexecIntoBypass(string mode, bool quiesce, bool newOwnerRings, string expected)
    {
        var s = Header(Arch.Arm64);
        s.B.Writel(s.Cpu0, Db, 1);
        if (quiesce) s.B.Quiesce(s.Cpu0, s.Dev);
        s.B.IommuMode(s.Cpu0, s.Dev, mode == "abort" ? IommuTreatment.Abort : IommuTreatment.Bypass);
        s.B.Handover(s.Cpu0);
        if (newOwnerRings) s.B.Writel(s.Cpu0, Db, 1);
        s.B.DmaWrite(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow("bypass", false, false, "unquiesced-dma@3[iommu-mode=2,doorbell=1]")]
    [DataRow("abort", false, false, "unquiesced-dma(warning)@3[iommu-mode=2,doorbell=1]")]
    [DataRow("bypass", true, false, "")]                                          // the fix: a .shutdown hook
    [DataRow("bypass", false, true, "unquiesced-dma@5[iommu-mode=2,doorbell=1]")] // a later write is the same run
    public void Doc_UnquiescedDma_TranslationTurnedOffUnderTheRunningNic(string mode, bool quiesceFirst, bool writeAfter, string expected)
    {
        var s = Header(Arch.X86_64);
        s.B.Writel(s.Cpu0, Db, 1);                  // #0 #1
        if (quiesceFirst) s.B.Quiesce(s.Cpu0, s.Dev);
        s.B.IommuMode(s.Cpu0, s.Dev, mode == "abort" ? IommuTreatment.Abort : IommuTreatment.Bypass); // #2
        if (writeAfter) s.B.Writel(s.Cpu0, Db, 0);  // #3 #4
        s.B.DmaWrite(s.Dev, Buf, 16);               // #3
        s.B.Handover(s.Cpu0);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow("bypass", false, false, "")]                                       // the doc's example
    [DataRow("translate", true, false, "unquiesced-dma@1[iommu-mode=0]")]        // the mode set as the first step instead
    [DataRow("bypass", false, true, "unquiesced-dma@1[handover=0]")]             // a handover before the DMA
    [DataRow("abort", false, true, "unquiesced-dma(warning)@1[handover=0]")]
    public void Doc_UnquiescedDma_ModeAtTheStart(string declared, bool setFirst, bool handover, string expected)
    {
        var s = Header(Arch.Arm64, devAtStart: Enum.Parse<IommuTreatment>(declared, ignoreCase: true));
        if (setFirst) s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #0
        if (handover) s.B.Handover(s.Cpu0);                                  // #0
        s.B.DmaWrite(s.Dev, Buf, 16);                                        // #0, or #1
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(false, false, "dma-outside-mapping@5[unmap=4]")]
    [DataRow(true, false, "")]
    [DataRow(false, true, "dma-outside-mapping@3[mapping=0] dma-outside-mapping@5[unmap=4]")]
    public void Doc_DmaOutsideMapping_ReadAfterUnmap(bool fixedOrder, bool writeWhileMapped, string expected)
    {
        var s = Header(Arch.X86_64);
        s.B.DmaMap(s.Cpu0, Buf, 16, s.Dev, DmaDirection.ToDevice);
        s.B.Writel(s.Cpu0, Db, 1);
        if (writeWhileMapped) s.B.DmaWrite(s.Dev, Buf, 16); // against the to_device mapping #0
        else s.B.DmaRead(s.Dev, Buf, 16);
        if (fixedOrder)
        {
            s.B.DmaRead(s.Dev, Buf, 16);
            s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);
        }
        else
        {
            s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);
            s.B.DmaRead(s.Dev, Buf, 16);
        }
        Assert.AreEqual(expected, Run(s));
    }
}
