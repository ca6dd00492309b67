using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Contract v1.1 "order is not lost on the way back": a cpu's store ordered out to another cpu (smp_wmb and a
/// flag) that comes back to its cpu through that cpu's release is ordered before the cpu's later events, a
/// relaxed doorbell and the same-cpu pairs of the entry rules included. Only the first hop can lose order.
/// </summary>
[TestClass]
public sealed class RoundTripTests
{
    static readonly HashSet<FindingKind> EntryKinds = [FindingKind.MissingFlushAfterClear, FindingKind.PresentBeforePayload];

    static TraceBuilder System(Arch arch)
    {
        var t = TraceBuilder.OneDevice(arch, "cpu0,cpu1").Device("iommu");
        t.Table("pasid", 0x10_0000, 4, 32, 16, 0, "iommu");
        return t;
    }

    /// <summary>cpu0 sets flag (after BARRIER); cpu1 reads it and sets flag+8; cpu0 reads flag+8. Returns cpu0's flag store.</summary>
    static long OutAndBack(TraceBuilder t, string barrier)
    {
        t.Barrier("cpu0", barrier);
        long flag = t.Store("cpu0", t.At("flag"), 4, 1);
        t.Load("cpu1", t.At("flag"), 4);
        t.Store("cpu1", t.At("flag", 8), 4, 1);
        t.Load("cpu0", t.At("flag", 8), 4);
        return flag;
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]    // ordered out to cpu1 (inner): comes back ordered
    [DataRow(Arch.Arm64, "barrier", true)]     // the first hop lost it
    [DataRow(Arch.Riscv64, "smp_wmb", false)]  // fence w,w orders the store before the flag for cpu1
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void StaleDmaRead_StoreOutToCpu1AndBackThenRelaxedDoorbell_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        long flag = OutAndBack(t, barrier);
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);                  // relaxed doorbell: w→o not ordered on cpu0
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void PresentBeforePayload_PayloadOutAndBackThenRelaxedPresent_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        ulong e = t.Entry("pasid", 1);
        long m = t.Store("cpu0", e + 16, 8, 0x77);
        OutAndBack(t, barrier);
        long p = t.Store("cpu0", e, 8, 1);                        // sets present, no barrier of its own
        var findings = t.Replay(EntryKinds);
        if (stale) FindingAssert.Exactly(findings, $"present-before-payload@{p}[payload={m}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void MissingFlushAfterClear_ClearOutAndBackThenInvalidate_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        long c = t.Store("cpu0", e, 8, 0);                        // clears present
        OutAndBack(t, barrier);
        t.DevInvalidate("cpu0", "iommu", "pasid", 1);             // no barrier before it: w→o needs one on cpu0
        long m = t.Store("cpu0", e + 16, 8, 0x55);
        var findings = t.Replay(EntryKinds);
        if (stale) FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={c}]");
        else FindingAssert.None(findings);
    }

    /// <summary>
    /// A payload store that writes the present word is a release of its own: read by the fetcher and handed
    /// back by dev_invalidate, it is ordered before P, while the plain payload store before it is not.
    /// </summary>
    [TestMethod]
    public void PresentBeforePayload_ReleasePayloadBackThroughFetcher_EarlierPlainPayloadNamed()
    {
        var t = System(Arch.Arm64);
        ulong e = t.Entry("pasid", 1);
        long plain = t.Store("cpu0", e + 16, 8, 0x77);
        t.Store("cpu0", e, 8, 0x100);                             // payload bits of the present word; present stays 0
        t.Fetch("iommu", "pasid", 1, 0);                          // acquires it
        t.DevInvalidate("cpu0", "iommu", "pasid", 1);             // the fetch reaches cpu0's later events
        long p = t.Store("cpu0", e, 8, 0x101);
        FindingAssert.Exactly(t.Replay(EntryKinds), $"present-before-payload@{p}[payload={plain}]");
    }
}
