using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>torn-entry-fetch, missing-flush-after-clear, present-before-payload, torn-entry-update.</summary>
[TestClass]
public sealed class EntryDetectorTests
{
    static readonly HashSet<FindingKind> EntryKinds =
    [
        FindingKind.TornEntryFetch, FindingKind.MissingFlushAfterClear,
        FindingKind.PresentBeforePayload, FindingKind.TornEntryUpdate,
    ];

    static TraceBuilder System(Arch arch = Arch.X86_64, string cpus = "cpu0", uint presentBit = 0)
    {
        var t = new TraceBuilder(arch).Cpu(cpus.Split(',')).Device("iommu").Device("other");
        t.Table("pasid", 0x10_0000, 64, 64, 16, presentBit, "iommu");
        return t;
    }

    // ---- torn-entry-fetch ----

    [TestMethod]
    public void TornEntryFetch_ValueNeutralStore_DoesNotTear()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        t.Store("cpu0", e + 16, 8, 0xaaaa);
        t.Fetch("iommu", "pasid", 1, 0);
        t.Store("cpu0", e + 16, 8, 0xaaaa);                   // same bytes
        t.Fetch("iommu", "pasid", 1, 1);
        FindingAssert.None(t.Replay(EntryKinds));
    }

    [TestMethod]
    public void TornEntryFetch_StoreToUnreadGranule_DoesNotTear()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        t.Fetch("iommu", "pasid", 1, 0);
        t.Store("cpu0", e + 48, 8, 0x77);                      // granule 3
        t.Fetch("iommu", "pasid", 1, 1);
        t.Fetch("iommu", "pasid", 1, 2);
        FindingAssert.None(t.Replay(EntryKinds));
    }

    [TestMethod]
    public void TornEntryFetch_NotPresent_DoesNotTear()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e + 8, 8, 0x1234);                     // present stays 0
        t.Fetch("iommu", "pasid", 1, 0);
        t.Store("cpu0", e + 16, 8, 0x77);
        t.Fetch("iommu", "pasid", 1, 1);
        FindingAssert.None(t.Replay(EntryKinds));
    }

    [TestMethod]
    public void TornEntryFetch_PresentInLaterGranule_ReportedAtTornRead()
    {
        var t = System(presentBit: 8 * 48);                     // present bit in granule 3
        ulong e = t.Entry("pasid", 2);
        t.Store("cpu0", e + 48, 8, 1);
        long first = t.Fetch("iommu", "pasid", 2, 0);
        long s = t.Store("cpu0", e + 16, 8, 0x99);
        long torn = t.Fetch("iommu", "pasid", 2, 1);
        t.Fetch("iommu", "pasid", 2, 3);                        // sees present = 1
        FindingAssert.Exactly(t.Replay(EntryKinds), $"torn-entry-fetch@{torn}[first-granule={first},store={s}]");
    }

    [TestMethod]
    public void TornEntryFetch_NewFetchRestartsAndOnePerFetch()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        long first = t.Fetch("iommu", "pasid", 1, 0);
        t.Store("cpu0", e + 16, 16, 0x5);                      // granule 1
        t.Store("cpu0", e + 32, 8, 0x6);                       // granule 2
        long torn = t.Fetch("iommu", "pasid", 1, 1);
        t.Fetch("iommu", "pasid", 1, 2);                        // same fetch: no second finding
        t.Fetch("iommu", "pasid", 1, 0);                        // granule not above: new fetch
        t.Fetch("iommu", "pasid", 1, 1);                        // nothing changed since its first read
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryFetch });
        FindingAssert.Exactly(findings, $"torn-entry-fetch@{torn}[first-granule={first},store=2]");
    }

    // The detector keeps only the stores made while the fetcher's run is on their entry: a store kept for an
    // earlier run must not tear a later one, and a store made while the run is elsewhere tears nothing.
    [TestMethod]
    [DataRow(2, false)]   // the fetcher reads another entry between the store and the new run
    [DataRow(1, false)]   // the fetcher restarts the same entry (granule not above the last one)
    [DataRow(-1, true)]   // the same run goes on: torn
    public void TornEntryFetch_StoreKeptForEarlierRun_TearsOnlyThatRun(int between, bool torn)
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        t.Store("cpu0", t.Entry("pasid", 2), 8, 1);
        long first = t.Fetch("iommu", "pasid", 1, 0);
        long s = t.Store("cpu0", e + 32, 8, 0x77);              // granule 2, during the run
        if (between == 2) t.Fetch("iommu", "pasid", 2, 0);
        if (between >= 0) t.Fetch("iommu", "pasid", 1, 0);
        t.Fetch("iommu", "pasid", 1, 1);
        long g = t.Fetch("iommu", "pasid", 1, 2);
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryFetch });
        if (torn) FindingAssert.Exactly(findings, $"torn-entry-fetch@{g}[first-granule={first},store={s}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void TornEntryFetch_StoreWhileRunOnAnotherEntry_DoesNotTearNextRun()
    {
        var t = System();
        ulong e = t.Entry("pasid", 1);
        t.Store("cpu0", e, 8, 1);
        t.Fetch("iommu", "pasid", 2, 0);                        // the run is on entry 2
        t.Store("cpu0", e + 16, 8, 0x77);                       // entry 1, granule 1
        t.Fetch("iommu", "pasid", 2, 1);
        t.Fetch("iommu", "pasid", 1, 0);
        t.Fetch("iommu", "pasid", 1, 1);
        FindingAssert.None(t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryFetch }));
    }

    [TestMethod]
    public void TornEntryFetch_Loop_ExactCount()
    {
        const int n = 2000;
        var t = System();
        for (int i = 0; i < n; i++)
        {
            ulong e = t.Entry("pasid", (ulong)(i % 64));
            t.Store("cpu0", e, 8, 1);
            t.Fetch("iommu", "pasid", (ulong)(i % 64), 0);
            t.Store("cpu0", e + 16, 8, (ulong)i + 1);
            t.Fetch("iommu", "pasid", (ulong)(i % 64), 1);
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.V256, 999, new HashSet<FindingKind> { FindingKind.TornEntryFetch });
        Assert.AreEqual(n, findings.Count);
    }

    // ---- missing-flush-after-clear ----

    [TestMethod]
    [DataRow(Arch.X86_64, "barrier", false)]
    [DataRow(Arch.Arm64, "barrier", true)]      // the clear may reach the IOMMU after the invalidation request
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", true)]
    [DataRow(Arch.Riscv64, "wmb", false)]
    [DataRow(Arch.Sc, "barrier", false)]
    public void MissingFlushAfterClear_ClearOrderedBeforeInvalidation_PerArch(Arch arch, string barrier, bool flagged)
    {
        var t = System(arch);
        ulong e = t.Entry("pasid", 5);
        t.Store("cpu0", e, 8, 1);
        long clear = t.Store("cpu0", e, 8, 0);
        t.Barrier("cpu0", barrier);
        t.DevInvalidate("cpu0", "iommu", "pasid", 5);
        long m = t.Store("cpu0", e + 24, 8, 0x42);
        t.Barrier("cpu0", "dma_wmb");
        t.Store("cpu0", e, 8, 1);
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.MissingFlushAfterClear });
        if (flagged) FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={clear}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidationOfOtherDeviceOrEntry_DoesNotCount()
    {
        var t = System();
        ulong e = t.Entry("pasid", 5);
        t.Store("cpu0", e, 8, 1);
        long clear = t.Store("cpu0", e, 8, 0);
        t.DevInvalidate("cpu0", "other", "pasid", 5);           // not the fetcher
        t.DevInvalidate("cpu0", "iommu", "pasid", 6);           // another entry
        long m = t.Store("cpu0", e + 8, 8, 0x42);
        t.Store("cpu0", e + 16, 8, 0x43);                       // one per clear
        FindingAssert.Exactly(t.Replay(EntryKinds), $"missing-flush-after-clear@{m}[clear={clear}]");
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidateAll_Counts()
    {
        var t = System();
        ulong e = t.Entry("pasid", 5);
        t.Store("cpu0", e, 8, 1);
        t.Store("cpu0", e, 8, 0);
        t.DevInvalidateAll("cpu0", "iommu");
        t.Store("cpu0", e + 8, 8, 0x42);
        FindingAssert.None(t.Replay(EntryKinds));
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidationByOtherCpu_NeedsHbToTheStore()
    {
        foreach (bool handoff in new[] { false, true })
        {
            var t = System(Arch.Arm64, "cpu0,cpu1");
            ulong e = t.Entry("pasid", 5);
            t.Store("cpu0", e, 8, 1);
            t.Lock("cpu0", "L");
            long clear = t.Store("cpu0", e, 8, 0);
            t.Unlock("cpu0", "L");
            t.Lock("cpu1", "L");
            t.DevInvalidate("cpu1", "iommu", "pasid", 5);
            if (handoff) { t.Unlock("cpu1", "L"); t.Lock("cpu0", "L"); }
            long m = t.Store("cpu0", e + 8, 8, 0x42);
            var findings = t.Replay(EntryKinds);
            if (handoff) FindingAssert.None(findings);
            else FindingAssert.Exactly(findings, $"missing-flush-after-clear@{m}[clear={clear}]");
        }
    }

    [TestMethod]
    public void MissingFlushAfterClear_SetPresentClosesWindowAndIsJudged()
    {
        var t = System();
        ulong e = t.Entry("pasid", 5);
        t.Store("cpu0", e, 8, 1);
        long clear = t.Store("cpu0", e, 8, 0);
        long set = t.Store("cpu0", e, 8, 0x1001);              // sets present and changes bit 12: judged
        t.Store("cpu0", e + 8, 8, 5);                           // window closed
        FindingAssert.Exactly(t.Replay(new HashSet<FindingKind> { FindingKind.MissingFlushAfterClear }),
            $"missing-flush-after-clear@{set}[clear={clear}]");
    }

    // ---- present-before-payload ----

    [TestMethod]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]      // inner: the fetcher does not see it
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.X86_64, "barrier", false)]
    [DataRow(Arch.Riscv64, "smp_wmb", true)]
    [DataRow(Arch.Riscv64, "dma_wmb", false)]
    [DataRow(Arch.Sc, "barrier", false)]
    public void PresentBeforePayload_BarrierBetween_PerArch(Arch arch, string barrier, bool flagged)
    {
        var t = System(arch);
        ulong e = t.Entry("pasid", 9);
        t.Store("cpu0", e + 8, 8, 0x11);
        long m = t.Store("cpu0", e + 16, 8, 0x22);
        t.Barrier("cpu0", barrier);
        long p = t.Store("cpu0", e, 8, 1);
        var findings = t.Replay(EntryKinds);
        if (flagged) FindingAssert.Exactly(findings, $"present-before-payload@{p}[payload={m}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void PresentBeforePayload_OtherCpu_NeedsHb()
    {
        foreach (bool handoff in new[] { false, true })
        {
            var t = System(Arch.Arm64, "cpu0,cpu1");
            ulong e = t.Entry("pasid", 9);
            long m = t.Store("cpu0", e + 8, 8, 0x11);
            if (handoff) { t.Unlock("cpu0", "L"); t.Lock("cpu1", "L"); }
            long p = t.Store("cpu1", e, 8, 1);
            var findings = t.Replay(EntryKinds);
            if (handoff) FindingAssert.None(findings);
            else FindingAssert.Exactly(findings, $"present-before-payload@{p}[payload={m}]");
        }
    }

    [TestMethod]
    public void PresentBeforePayload_OnlyChangesSinceLastNonPresent()
    {
        var t = System(Arch.Arm64);
        ulong e = t.Entry("pasid", 9);
        t.Store("cpu0", e + 8, 8, 0x11);
        t.Barrier("cpu0", "dma_wmb");
        t.Store("cpu0", e, 8, 1);                                // ordered: fine
        t.Store("cpu0", e, 8, 0);                                // clear: new period
        t.Store("cpu0", e + 8, 8, 0x11);                         // value-neutral: no payload change
        t.Store("cpu0", e, 8, 1);
        FindingAssert.None(t.Replay(new HashSet<FindingKind> { FindingKind.PresentBeforePayload }));
    }

    // ---- torn-entry-update ----

    [TestMethod]
    public void TornEntryUpdate_TwoStoresWhilePresent_WarningAtSecond()
    {
        var t = System();
        ulong e = t.Entry("pasid", 3);
        t.Store("cpu0", e, 8, 1);
        long first = t.Store("cpu0", e + 8, 8, 0x1);
        t.DmaWrite("iommu", e + 40, 8, 0x5);                     // device writes neither join nor end it
        long second = t.Store("cpu0", e + 16, 8, 0x2);
        t.Store("cpu0", e + 24, 8, 0x3);                         // same burst: one per burst
        FindingAssert.Exactly(t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryUpdate }),
            $"torn-entry-update@{second}[earlier-store={first}]");
    }

    [TestMethod]
    public void TornEntryUpdate_InvalidationOrNonPresentEndsBurst()
    {
        var t = System();
        ulong e = t.Entry("pasid", 3);
        t.Store("cpu0", e, 8, 1);
        t.Store("cpu0", e + 8, 8, 0x1);
        t.DevInvalidate("cpu0", "iommu", "pasid", 3);
        t.Store("cpu0", e + 16, 8, 0x2);
        t.DevInvalidateAll("cpu0", "iommu");
        t.Store("cpu0", e + 24, 8, 0x3);
        t.Store("cpu0", e, 8, 0);                                // E becomes non-present
        t.Store("cpu0", e, 8, 1);                                // sets present: not part of a burst
        t.Store("cpu0", e + 8, 8, 0x9);
        t.Store("cpu0", e + 8, 8, 0x9);                          // value-neutral
        FindingAssert.None(t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryUpdate }));
    }

    [TestMethod]
    public void TornEntryUpdate_StoresFromTwoCpus_OneBurst()
    {
        var t = System(Arch.X86_64, "cpu0,cpu1");
        ulong e = t.Entry("pasid", 3);
        t.Store("cpu0", e, 8, 1);
        long first = t.Store("cpu0", e + 8, 8, 0x1);
        long second = t.Store("cpu1", e + 16, 8, 0x2);
        FindingAssert.Exactly(t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryUpdate }),
            $"torn-entry-update@{second}[earlier-store={first}]");
    }

    [TestMethod]
    public void TornEntryUpdate_LoopOfBursts_ExactCount()
    {
        const int n = 2500;
        var t = System();
        for (int i = 0; i < n; i++)
        {
            ulong k = (ulong)(i % 64), e = t.Entry("pasid", k);
            t.Store("cpu0", e, 8, 1);
            t.Store("cpu0", e + 8, 8, (ulong)i + 1);
            t.Store("cpu0", e + 16, 8, (ulong)i + 1);
            t.DevInvalidate("cpu0", "iommu", "pasid", k);
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.Scalar, 4096, new HashSet<FindingKind> { FindingKind.TornEntryUpdate });
        Assert.AreEqual(n, findings.Count);
    }
}
