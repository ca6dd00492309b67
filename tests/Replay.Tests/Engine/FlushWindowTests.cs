using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>missing-flush-after-clear windows as contract v1.1 defines them ("Who clears", "One flush window per entry").</summary>
[TestClass]
public sealed class FlushWindowTests
{
    static readonly HashSet<FindingKind> Flush = [FindingKind.MissingFlushAfterClear];

    static TraceBuilder System(Arch arch = Arch.Arm64)
    {
        var t = TraceBuilder.OneDevice(arch, "cpu0,cpu1,cpu2").Device("iommu");
        t.Table("pasid", 0x10_0000, 4, 32, 16, 0, "iommu");
        return t;
    }

    /// <summary>
    /// Deviation 1: three qualifying invalidations (cpu0, cpu1, cpu2, each after the clear is handed to it);
    /// only the middle one, cpu1's, is hb-before cpu1's payload store. It alone excuses the store.
    /// </summary>
    [TestMethod]
    [DataRow(Arch.Arm64, true, false)]
    [DataRow(Arch.Arm64, false, true)]
    [DataRow(Arch.X86_64, true, false)]
    [DataRow(Arch.X86_64, false, true)]
    public void MissingFlushAfterClear_OnlyMiddleInvalidationHbBeforeStore_Excused(Arch arch, bool middle, bool flagged)
    {
        var t = System(arch);
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        long c = t.Store("cpu0", e, 8, 0);
        t.Barrier("cpu0", "wmb");
        t.Store("cpu0", t.At("flag"), 4, 1);
        t.DevInvalidate("cpu0", "iommu", "pasid", 1);             // first: not hb-before cpu1's store
        t.Load("cpu1", t.At("flag"), 4);
        if (middle) t.DevInvalidate("cpu1", "iommu", "pasid", 1);
        t.Load("cpu2", t.At("flag"), 4);
        t.DevInvalidate("cpu2", "iommu", "pasid", 1);             // latest: not hb-before cpu1's store
        long m = t.Store("cpu1", e + 16, 8, 0x55);
        var findings = t.Replay(Flush);
        if (flagged) FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={c}]");
        else FindingAssert.None(findings);
    }

    /// <summary>"Who clears": a device write that sets present neither opens nor closes a window; the cpu store after it is judged.</summary>
    [TestMethod]
    public void MissingFlushAfterClear_DeviceSetsPresentInWindow_WindowStaysOpen()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        long c = t.Store("cpu0", e, 8, 0);
        t.DmaWrite("iommu", e, 8, 1);                              // device sets present: not a close
        long m = t.Store("cpu0", e + 16, 8, 0x55);
        FindingAssert.Exactly(t.Replay(Flush), $"missing-flush-after-clear@{m}[clear={c}]");
    }

    /// <summary>
    /// One flush window per entry: a cpu store that clears present while a window is open (a device set
    /// present in it) closes that window without a finding of its own, though it changes other bits, and opens
    /// a new one; an invalidation ordered after it then excuses the later store.
    /// </summary>
    [TestMethod]
    [DataRow(true, false)]
    [DataRow(false, true)]
    public void MissingFlushAfterClear_ClearWhileWindowOpen_ClosesItAndOpensNew(bool invalidate, bool flagged)
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        t.Store("cpu0", e, 8, 0);                                  // first clear
        t.DmaWrite("iommu", e, 8, 1);
        long c2 = t.Store("cpu0", e, 8, 0x100);                    // clears present and changes bit 8
        t.Barrier("cpu0", "dma_wmb");
        if (invalidate) t.DevInvalidate("cpu0", "iommu", "pasid", 1);
        long m = t.Store("cpu0", e + 16, 8, 0x55);
        var findings = t.Replay(Flush);
        if (flagged) FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={c2}]");
        else FindingAssert.None(findings);
    }

    /// <summary>
    /// An invalidation reaches the tables of its device, every one of them and no other: the iommu fetches two
    /// tables (a ram region and another device's table declared between them), and the store after the clear in the
    /// second one is excused by `dev_invalidate iommu all` or by a targeted one of that entry, not by one of the
    /// other device's.
    /// </summary>
    [TestMethod]
    [DataRow("all", false)]
    [DataRow("entry", false)]
    [DataRow("other device", true)]
    [DataRow("none", true)]
    public void MissingFlushAfterClear_SecondTableOfDevice_ReachedByItsInvalidation(string invalidation, bool flagged)
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64, "cpu0").Device("iommu").Device("smmu");
        t.Table("pasid", 0x10_0000, 4, 32, 16, 0, "iommu");
        t.Table("ste", 0x20_0000, 4, 32, 16, 0, "smmu");
        t.Table("context", 0x30_0000, 4, 32, 16, 0, "iommu");
        ulong e = t.Entry("context", 2);
        t.Store("cpu0", e, 8, 1);
        long c = t.Store("cpu0", e, 8, 0);
        t.Barrier("cpu0", "wmb");
        if (invalidation == "all") t.DevInvalidateAll("cpu0", "iommu");
        else if (invalidation == "entry") t.DevInvalidate("cpu0", "iommu", "context", 2);
        else if (invalidation == "other device") t.DevInvalidateAll("cpu0", "smmu");
        t.Barrier("cpu0", "wmb");
        long m = t.Store("cpu0", e + 16, 8, 0x55);
        var findings = t.Replay(Flush);
        if (flagged) FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={c}]");
        else FindingAssert.None(findings);
    }
}
