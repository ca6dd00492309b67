using TraceTools.Detectors;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Hand-built cases for model.md §8 (live-entry-write, used bits), with the findings worked out by hand from
/// the text; each is checked against the reference model and the engine.
/// </summary>
[TestClass]
public sealed class LiveEntryRuleTests
{
    const ulong Tbl = 0x10_0000, Flag = 0x2000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Dev, ushort Other, RegionInfo Table);

    /// <summary>Two cpus, the fetcher dev, another device, a flag and a table of 16-byte entries in two 8-byte granules.</summary>
    static Sys System(Arch arch, uint presentBit = 0, UsedBits? used = null)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("dev");
        var other = b.Device("other");
        b.Sync("flag", Flag, 0x10);
        var t = b.Table("tbl", Tbl, 4, 16, 8, presentBit, dev, used);
        return new(b, cpu0, cpu1, dev, other, t);
    }

    /// <summary>The reference's findings, after checking that the engine reports the same.</summary>
    static string Run(TraceBuilder b)
    {
        var t = b.Build();
        string reference = string.Join(" ", ReferenceModel.Run(t));
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        engine.Process(t.ToBatch());
        Assert.AreEqual(reference, string.Join(" ", engine.Complete()), "engine and reference differ");
        return reference;
    }

    // ---- live-entry-write ----

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    public void LiveEntryWrite_TxRingBufferStoredAfterOwnFetched_Reported(Arch arch)
    {
        var s = System(arch, presentBit: 63);
        s.B.Store(s.Cpu0, Tbl, 8, 1UL << 63 | 1514);           // #0 OWN | len
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1 sees OWN
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x9000_0000);             // #2 buffer: the NIC already took the descriptor
        Assert.AreEqual("live-entry-write@2[fetch=1]", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    public void LiveEntryWrite_TxRingBufferThenOwn_Clean(Arch arch)
    {
        var s = System(arch, presentBit: 63);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x9000_0000);
        s.B.Barrier(s.Cpu0, "dma_wmb");
        s.B.Store(s.Cpu0, Tbl, 8, 1UL << 63 | 1514);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.X86_64, null, false)]       // TSO keeps w -> o
    [DataRow(Arch.Arm64, null, true)]         // w -> o not kept: the invalidation may overtake the store
    [DataRow(Arch.Arm64, "dma_wmb", false)]
    [DataRow(Arch.Arm64, "smp_wmb", true)]    // inner: does not reach the fetcher
    [DataRow(Arch.Riscv64, null, true)]
    [DataRow(Arch.Riscv64, "dma_wmb", false)] // fence ow,ow
    [DataRow(Arch.Riscv64, "fence.w.o", false)]
    [DataRow(Arch.Riscv64, "smp_wmb", true)]  // fence w,w: no o
    [DataRow(Arch.Sc, null, false)]
    public void LiveEntryWrite_InPlaceStoreThenInvalidation_ExcusedWhenOrderedBeforeIt(Arch arch, string? barrier, bool reported)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x1234_5000);
        s.B.Barrier(s.Cpu0, "mb");
        s.B.Store(s.Cpu0, Tbl, 8, 1);                           // #2 present
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #3
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x6789_a000);             // #4 in place
        if (barrier is not null) s.B.Barrier(s.Cpu0, barrier);
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        Assert.AreEqual(reported ? "live-entry-write@4[fetch=3]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(true, "live-entry-write@3[fetch=2]")]  // the fetcher fetched again first
    [DataRow(false, "")]
    public void LiveEntryWrite_InvalidationAfterTheNextFetch_DoesNotExcuse(bool fetchFirst, string expected)
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x1000);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #2
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x2000);                  // #3
        if (fetchFirst) s.B.Fetch(s.Dev, s.Table, 0, 0);
        s.B.DevInvalidateAll(s.Cpu0, s.Dev);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    public void LiveEntryWrite_RestOfAFetchUnderWay_IsNotTheNextFetch()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x2000);                  // #2 tears the fetch under way
        s.B.Fetch(s.Dev, s.Table, 0, 1);                        // #3 the same fetch
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);              // before the next one: excused
        Assert.AreEqual("torn-entry-fetch@3[first-granule=1,store=2]", Run(s.B));
    }

    [TestMethod]
    public void LiveEntryWrite_InvalidationOfAnotherDevice_DoesNotExcuse()
    {
        var s = System(Arch.X86_64);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x2000);                  // #2
        s.B.DevInvalidate(s.Cpu0, s.Other, Tbl, 16);            // synchronizes, invalidates nothing of dev
        Assert.AreEqual("live-entry-write@2[fetch=1]", Run(s.B));
    }

    [TestMethod]
    [DataRow("none")]          // never fetched
    [DataRow("not present")]   // fetched while not present
    [DataRow("invalidated")]   // fetched, then invalidated: the fetcher holds nothing
    [DataRow("cleared")]       // fetched, then made non-present and present again
    public void LiveEntryWrite_EntryNotFetchedSinceItBecamePresent_Clean(string history)
    {
        var s = System(Arch.Arm64);
        if (history == "not present") s.B.Fetch(s.Dev, s.Table, 0, 0);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        if (history is "invalidated" or "cleared") s.B.Fetch(s.Dev, s.Table, 0, 0);
        if (history == "invalidated") s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        if (history == "cleared")
        {
            s.B.DmaWrite(s.Dev, Tbl, 8, 0);                     // the device hands it back (OWN write-back)
            s.B.Store(s.Cpu0, Tbl, 8, 1);
        }
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x2000);
        Assert.AreEqual("", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]   // the first hop is to cpu1: inner suffices, the invalidation carries it on
    [DataRow(Arch.Arm64, null, true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, null, true)]
    [DataRow(Arch.X86_64, null, false)]
    public void LiveEntryWrite_AnotherCpuInvalidates_StoreMustReachItOrdered(Arch arch, string? barrier, bool reported)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Tbl, 8, 1);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x2000);                  // #2
        if (barrier is not null) s.B.Barrier(s.Cpu0, barrier);
        s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.Load(s.Cpu1, Flag, 4);
        s.B.DevInvalidate(s.Cpu1, s.Dev, Tbl, 16);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        Assert.AreEqual(reported ? "live-entry-write@2[fetch=1]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    public void LiveEntryWrite_StoreOverTwoEntriesReleasesByTheNextPresentWord_ExcusedByItsOwnEdge(Arch arch)
    {
        // The store writes entry 0's second qword and entry 1's present word: the event is a release (sync bytes), so
        // cpu0's load of entry 1 orders it before cpu0's invalidation of entry 0 by its own edge, though it does not
        // write entry 0's present word (arm64 and riscv64 order nothing else: no barrier).
        var s = System(arch);
        s.B.Store(s.Cpu0, Tbl, 8, 1);                                                     // #0 entry 0 present
        s.B.Store(s.Cpu0, Tbl + 16, 8, 1);                                                // #1 entry 1 present
        s.B.Fetch(s.Dev, s.Table, 0, 0);                                                  // #2 the fetcher holds entry 0
        s.B.StoreBytes(s.Cpu1, Tbl + 8, [.. TraceBuilder.Le(0x2000, 8), .. TraceBuilder.Le(3, 8)]); // #3
        s.B.Load(s.Cpu0, Tbl + 16, 8);                                                    // #4 acquires #3
        s.B.DevInvalidate(s.Cpu0, s.Dev, Tbl, 16);
        s.B.Fetch(s.Dev, s.Table, 0, 0);
        Assert.AreEqual("", Run(s.B));
    }

    // ---- used bits ----

    /// <summary>CFG = bits 9:8 of qword 0; qword 1 is used when CFG bit 0 is set.</summary>
    static UsedBits Cfg() => new([
        new UsedRule([new EntryBits(8, 9)], []),
        new UsedRule([new EntryBits(64, 127)], [new UsedCondition(new EntryBits(8, 9), 1, 1)]),
    ]);

    [TestMethod]
    [DataRow(Arch.Arm64, 1UL, "live-entry-write@2[fetch=1] torn-entry-fetch@3[first-granule=1,store=2]")]
    [DataRow(Arch.Arm64, 2UL, "")]             // qword 1 unused: no change of the live entry, no tear
    [DataRow(Arch.X86_64, 1UL, "live-entry-write@2[fetch=1] torn-entry-fetch@3[first-granule=1,store=2]")]
    [DataRow(Arch.X86_64, 2UL, "")]
    [DataRow(Arch.Riscv64, 2UL, "")]
    public void UsedBits_StoreToQwordTheConfigurationDoesNotUse_NeitherTearsNorChanges(Arch arch, ulong cfg, string expected)
    {
        var s = System(arch, used: Cfg());
        s.B.Store(s.Cpu0, Tbl, 8, 1 | cfg << 8);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x5555);                  // #2
        s.B.Fetch(s.Dev, s.Table, 0, 1);                        // #3
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    public void UsedBits_ConfigurationTheFetchObserved_DecidesTheTear()
    {
        var s = System(Arch.X86_64, used: Cfg());
        s.B.Store(s.Cpu0, Tbl, 8, 1 | 1 << 8);                 // #0 CFG 1: qword 1 used
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1 observes CFG 1
        s.B.Store(s.Cpu0, Tbl, 8, 1 | 2 << 8);                  // #2 CFG 2 (in place, never invalidated)
        s.B.Store(s.Cpu0, Tbl + 8, 8, 0x5555);                  // #3 unused by CFG 2, used by what #1 saw
        s.B.Fetch(s.Dev, s.Table, 0, 1);                        // #4 torn by #3
        Assert.AreEqual("live-entry-write@2[fetch=1] torn-entry-fetch@4[first-granule=1,store=3]", Run(s.B));
    }

    [TestMethod]
    [DataRow(2UL, "")]                                           // both stores change unused bits only
    [DataRow(1UL, "torn-entry-update@3[earlier-store=2] live-entry-write@2[fetch=1] live-entry-write@3[fetch=1]")]
    public void UsedBits_InPlaceStoresToUnusedBits_AreNoBurst(ulong cfg, string expected)
    {
        var s = System(Arch.X86_64, used: Cfg());
        s.B.Store(s.Cpu0, Tbl, 8, 1 | cfg << 8);
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1
        s.B.Store(s.Cpu0, Tbl + 8, 4, 0x1111);                  // #2
        s.B.Store(s.Cpu0, Tbl + 12, 4, 0x2222);                 // #3
        var actual = Run(s.B).Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        CollectionAssert.AreEqual(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray(), actual.ToArray());
    }

    [TestMethod]
    public void UsedBits_RepeatedStoreSpanningTwoEntries_JudgedByItsOwnBytes()
    {
        // Two 32-byte stores at one address, each over entries 0 and 1: the second's used-bits change must be
        // computed from its own bytes, not from the first's (the engine once kept them across stores).
        var s = System(Arch.X86_64, used: Cfg());
        byte[] first = new byte[32], second = new byte[32];
        first[0] = second[0] = 1; first[1] = second[1] = 1;     // entry 0: present, CFG 1 (qword 1 used)
        first[16] = second[16] = 1; first[17] = second[17] = 2; // entry 1: the same in both stores
        second[8] = 0x55;                                       // entry 0's qword 1, used by CFG 1
        s.B.StoreBytes(s.Cpu0, Tbl, first);                     // #0
        s.B.Fetch(s.Dev, s.Table, 0, 0);                        // #1 holds entry 0
        s.B.StoreBytes(s.Cpu0, Tbl, second);                    // #2 changes a used bit of the live entry
        Assert.AreEqual("live-entry-write@2[fetch=1]", Run(s.B));
    }

    [TestMethod]
    public void UsedBits_NonPresentEntry_UsesOnlyItsPresentBit()
    {
        var used = Cfg();
        var v = new byte[16];
        v[1] = 1;                                               // CFG 1 but not present
        var mask = new byte[16];
        used.Evaluate(v, 0, mask);
        CollectionAssert.AreEqual(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, mask);
        v[0] = 1;
        used.Evaluate(v, 0, mask);
        CollectionAssert.AreEqual(new byte[] { 1, 3, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, mask);
    }
}
