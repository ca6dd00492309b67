using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>Contract v1.1 "granules are independent at any entry size" (deviation 4): entries of more than 64 granules.</summary>
[TestClass]
public sealed class ManyGranulesTests
{
    static TraceBuilder System()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("iommu");
        t.Table("big", 0x10_0000, 2, 128 * 16, 16, 0, "iommu");    // 128 granules of 16 bytes
        return t;
    }

    [TestMethod]
    [DataRow(70u, 100u, false)]    // a store to granule 100 does not tear a read of granule 70
    [DataRow(100u, 100u, true)]
    [DataRow(64u, 127u, false)]
    [DataRow(127u, 127u, true)]
    [DataRow(5u, 69u, false)]      // 69 = 5 + 64: not the same bit either
    [DataRow(63u, 100u, false)]    // granules 63 and up once shared one slot (docs/replay-engine.md, Known limits)
    [DataRow(100u, 63u, false)]
    public void TornEntryFetch_StoreToHighGranule_TearsOnlyThatGranule(uint read, uint stored, bool torn)
    {
        var t = System();
        ulong e = t.Entry("big", 1);
        t.Store("cpu0", e, 8, 1);                                   // present
        long first = t.Fetch("iommu", "big", 1, 0);                 // sees present = 1
        long s = t.Store("cpu0", e + stored * 16, 8, 0x77);
        long g = t.Fetch("iommu", "big", 1, read);
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryFetch });
        if (torn) FindingAssert.Exactly(findings, $"torn-entry-fetch@{g}[first-granule={first},store={s}]");
        else FindingAssert.None(findings);
    }
}
