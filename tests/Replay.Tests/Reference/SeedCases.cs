using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The canonical seed cases of scenario-language.md, built step by step, with their fixed variants.</summary>
public static class SeedCases
{
    public const ulong Xqc = 0x8000_0000, QmMb = 0xfe00_0000, Pasid = 0x10_0000, Ctx = 0x20_0000;

    /// <summary>hisi_qm mailbox. <paramref name="fixedOrder"/> moves the barrier above the doorbell.</summary>
    public static RefTrace HisiQm(Arch arch = Arch.Arm64, bool fixedOrder = false)
    {
        var b = new TraceBuilder(arch, "hisi_qm mailbox: dmb oshst after the stp doorbell");
        var cpu0 = b.Cpu("cpu0");
        var qm = b.Device("qm");
        b.Ram("xqc", Xqc, 0x40);
        b.Mmio("qm_mb", QmMb, 0x10, qm);
        string barrier = arch == Arch.Arm64 ? "dmb.oshst" : "dma_wmb";
        b.Store(cpu0, Xqc, 0x40, site: "qm_set_and_get_xqc: memcpy");
        if (fixedOrder) b.Barrier(cpu0, barrier, "qm_mb_write: dmb oshst");
        b.MmioWrite(cpu0, QmMb, 16, 0x8000_0000, "qm_mb_write: stp");
        if (!fixedOrder) b.Barrier(cpu0, barrier, "qm_mb_write: dmb oshst");
        b.DmaRead(qm, Xqc, 0x40, "qm: mailbox fetch");
        return b.Build();
    }

    /// <summary>vt-d PASID entry: clear present and mangle qword 1 without a flush.</summary>
    public static RefTrace VtdPasid(bool withFlush = false)
    {
        var b = new TraceBuilder(Arch.X86_64, "vt-d: fetcher reads present=1, cpu clears present and mangles qword 1");
        var cpu0 = b.Cpu("cpu0");
        var iommu = b.Device("iommu");
        var pasid = b.Table("pasid", Pasid, 64, 64, 16, 0, iommu);
        ulong e7 = Pasid + 7 * 64;
        b.Store(cpu0, e7, 8, 0x1);
        b.Store(cpu0, e7 + 16, 8, 0xaaaa);
        b.Fetch(iommu, pasid, 7, 0);
        b.Store(cpu0, e7, 8, 0x0, "pasid_clear_entry");
        if (withFlush)
        {
            b.Fetch(iommu, pasid, 7, 1);
            b.DevInvalidate(cpu0, iommu, e7, 64);
            b.Store(cpu0, e7 + 16, 8, 0xbbbb, "pasid_set_bits");
        }
        else
        {
            b.Store(cpu0, e7 + 16, 8, 0xbbbb, "pasid_set_bits");
            b.Fetch(iommu, pasid, 7, 1);
        }
        return b.Build();
    }

    /// <summary>vt-d context entry on arm64: present set before the payload is ordered.</summary>
    public static RefTrace ContextEntry(bool withBarrier = false)
    {
        var b = new TraceBuilder(Arch.Arm64, "context entry: payload then present, no dma_wmb (arm64 port)");
        var cpu0 = b.Cpu("cpu0");
        var iommu = b.Device("iommu");
        var ctx = b.Table("ctx", Ctx, 256, 16, 16, 0, iommu);
        ulong e3 = Ctx + 3 * 16;
        b.Store(cpu0, e3 + 8, 8, 0x1234_5000, "context_set_address_root");
        if (withBarrier) b.Barrier(cpu0, "dma_wmb");
        b.Store(cpu0, e3, 8, 0x1, "context_set_present");
        b.Fetch(iommu, ctx, 3, 0);
        return b.Build();
    }
}
