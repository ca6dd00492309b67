using TraceTools.Detectors;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Hand-built cases for docs/model.md §9 (cache lines, shared-cacheline, discarded-store), worked out by hand
/// from the text; each must hold for the reference and for the engine.
/// </summary>
[TestClass]
public sealed class ReferenceLineRuleTests
{
    const ulong Buf = 0x1000, Reg = 0xf000;

    /// <summary>Reference and engine must both give <paramref name="expected"/>.</summary>
    static void Expect(TraceBuilder b, string expected)
    {
        var t = b.Build();
        Assert.AreEqual(expected, string.Join(" ", ReferenceModel.Run(t)), "reference");
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        engine.Process(t.ToBatch());
        Assert.AreEqual(expected, string.Join(" ", engine.Complete()), "engine");
    }

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Dev);

    static Sys System(Arch arch, bool coherent = false, int line = 0)
    {
        var b = new TraceBuilder(arch) { CacheLineSize = line };
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("dev", coherent);
        b.Ram("buf", Buf, 0x100);
        b.Mmio("reg", Reg, 0x10, dev);
        return new(b, cpu0, cpu1, dev);
    }

    /// <summary>When the cpu stores the counter, relative to the rx buffer's hand-off and return.</summary>
    public enum When { BeforeClean, AfterClean, AfterDoorbell, AfterWrite, AfterCompletion, Never }

    /// <summary>
    /// The rx example: a 32-byte buffer at buf, a counter at buf + <paramref name="counter"/>; clean the buffer,
    /// <paramref name="barrier"/>, relaxed doorbell, the device writes the buffer, interrupt, the return
    /// (<paramref name="back"/>), load. Returns the indices of the counter store, the device write and the return.
    /// </summary>
    static (int Store, int Write, int Back) Rx(Sys s, When when, string barrier = "wmb", ulong counter = 32, string back = "cache_inval")
    {
        int store = -1;
        void Counter(When w) { if (when == w) store = s.B.Store(s.Cpu0, Buf + counter, 8, 1); }
        Counter(When.BeforeClean);
        s.B.CacheClean(s.Cpu0, Buf, 32);
        Counter(When.AfterClean);
        s.B.Barrier(s.Cpu0, barrier);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        Counter(When.AfterDoorbell);
        int write = s.B.DmaWrite(s.Dev, Buf, 32);
        Counter(When.AfterWrite);
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        Counter(When.AfterCompletion);
        int ret = back == "cache_inval" ? s.B.CacheInval(s.Cpu0, Buf, 32) : s.B.CacheFlush(s.Cpu0, Buf, 32);
        s.B.Load(s.Cpu0, Buf, 32);
        return (store, write, ret);
    }

    static string Shared((int Store, int Write, int Back) rx) => $"shared-cacheline@{rx.Back}[store={rx.Store},dma-write={rx.Write}]";

    // ---- shared-cacheline: when the cpu writes the line ----

    [TestMethod]
    [DataRow(Arch.Arm64, When.BeforeClean, false)]     // cleaned, dsb st, then handed off
    [DataRow(Arch.Arm64, When.AfterClean, true)]       // dirty again at the hand-off
    [DataRow(Arch.Arm64, When.AfterDoorbell, true)]    // the example
    [DataRow(Arch.Arm64, When.AfterWrite, true)]
    [DataRow(Arch.Arm64, When.AfterCompletion, true)]  // before dma_sync_single_for_cpu: still the device's
    [DataRow(Arch.Arm64, When.Never, false)]
    [DataRow(Arch.Riscv64, When.BeforeClean, false)]
    [DataRow(Arch.Riscv64, When.AfterDoorbell, true)]
    [DataRow(Arch.X86_64, When.BeforeClean, false)]    // wmb = sfence completes the clean
    [DataRow(Arch.X86_64, When.AfterDoorbell, true)]
    [DataRow(Arch.Sc, When.AfterClean, true)]
    [DataRow(Arch.Sc, When.AfterWrite, true)]
    public void SharedCacheline_CounterInTheBuffersLine_FlaggedWhenWrittenWhileTheDeviceOwnsIt(Arch arch, When when, bool flagged)
    {
        var s = System(arch);
        var rx = Rx(s, when);
        Expect(s.B, flagged ? Shared(rx) : "");
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Sc)]
    public void SharedCacheline_CoherentDevice_NeverFlagged(Arch arch)
    {
        var s = System(arch, coherent: true);
        Rx(s, When.AfterDoorbell);
        Expect(s.B, "");
    }

    /// <summary>A store before the clean is handed off only when the clean completes before the doorbell (missing-cache-clean's rule).</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, "dma_wmb", true)]     // dmb: no completion
    [DataRow(Arch.Arm64, "dsb.sy", false)]
    [DataRow(Arch.X86_64, "barrier", true)]
    [DataRow(Arch.X86_64, "mfence", false)]
    [DataRow(Arch.Riscv64, "fence.w.w", true)]  // inner only: does not reach the device
    [DataRow(Arch.Riscv64, "fence.w.o", false)]
    [DataRow(Arch.Sc, "barrier", false)]       // sc keeps every pair, with completion
    public void SharedCacheline_StoreBeforeTheClean_HandedOffOnlyByACompletedClean(Arch arch, string barrier, bool flagged)
    {
        var s = System(arch);
        var rx = Rx(s, When.BeforeClean, barrier);
        Expect(s.B, flagged ? Shared(rx) : "");
    }

    [TestMethod]
    [DataRow(0, 32ul, true)]      // default 64: one line
    [DataRow(32, 32ul, false)]    // 32-byte lines: the counter has its own
    [DataRow(64, 64ul, false)]    // padded to the next 64-byte line
    [DataRow(128, 64ul, true)]    // ... which a 128-byte line (ARCH_DMA_MINALIGN on arm64) still shares
    public void SharedCacheline_LineSize_DecidesWhatIsShared(int line, ulong counter, bool flagged)
    {
        var s = System(Arch.Arm64, line: line);
        var rx = Rx(s, When.AfterDoorbell, counter: counter);
        Expect(s.B, flagged ? Shared(rx) : "");
    }

    [TestMethod]
    public void SharedCacheline_FlushAsTheReturn_Flagged()
    {
        var s = System(Arch.Arm64);
        var rx = Rx(s, When.AfterWrite, back: "cache_flush");
        Expect(s.B, Shared(rx));
    }

    [TestMethod]
    public void SharedCacheline_SecondInvalidation_DeviceDataAlreadyTakenBack()
    {
        var s = System(Arch.Arm64);
        var rx = Rx(s, When.AfterDoorbell);
        s.B.CacheInval(s.Cpu0, Buf, 32);   // the buffer was returned by the first one
        Expect(s.B, Shared(rx));
    }

    /// <summary>
    /// A device write back of a table entry (its present word, then its payload: one run of bytes with the same last
    /// writes) holds data bytes though its first byte is not one: the line it shares with a cpu counter is judged.
    /// </summary>
    [TestMethod]
    public void SharedCacheline_EntryWriteBackStartingAtThePresentWord_JudgedByItsPayload()
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent: false);
        b.Table("ring", 0x2000, 2, 16, 16, 0, dev);        // 0x2000..0x201f: present word, then payload, per entry
        b.Ram("stats", 0x2020, 8);                         // the same 64-byte line
        b.Mmio("reg", Reg, 0x10, dev);
        b.MmioWrite(cpu, Reg, 4, 1);
        int store = b.Store(cpu, 0x2020, 8, 1);            // while the device owns the ring
        int write = b.DmaWrite(dev, 0x2000, 16);           // entry 0 written back, present word first
        b.RaiseIrq(dev);
        b.TakeIrq(cpu, dev);
        int back = b.CacheInval(cpu, 0x2000, 0x20);
        Expect(b, $"shared-cacheline@{back}[store={store},dma-write={write}]");
    }

    [TestMethod]
    public void SharedCacheline_InvalidationBeforeTheCompletion_IsNoReturn()
    {
        var s = System(Arch.Arm64);
        s.B.CacheClean(s.Cpu0, Buf, 32);
        s.B.Barrier(s.Cpu0, "wmb");
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        int store = s.B.Store(s.Cpu0, Buf + 40, 8, 1);
        int write = s.B.DmaWrite(s.Dev, Buf, 32);
        s.B.CacheInval(s.Cpu0, Buf, 32);   // W is not hb-before it: the device still owns the buffer
        s.B.RaiseIrq(s.Dev);
        s.B.TakeIrq(s.Cpu0, s.Dev);
        int back = s.B.CacheInval(s.Cpu0, Buf, 32);
        Expect(s.B, $"shared-cacheline@{back}[store={store},dma-write={write}]");
    }

    /// <summary>Lines ignore regions: a sync word right after a ram rx buffer is in the buffer's line.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, 0x2020ul, true)]
    [DataRow(Arch.Arm64, 0x2040ul, false)]
    [DataRow(Arch.Riscv64, 0x2020ul, true)]
    public void SharedCacheline_SyncWordInTheNextRegion_SharesTheLine(Arch arch, ulong flag, bool flagged)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent: false);
        b.Ram("rx", 0x2000, 0x20);
        b.Sync("flag", flag, 0x8);
        b.Mmio("reg", Reg, 0x10, dev);
        b.CacheClean(cpu0, 0x2000, 0x20);
        b.Barrier(cpu0, "mb");
        b.MmioWrite(cpu0, Reg, 4, 1);
        int store = b.Store(cpu0, flag, 8, 1);
        int write = b.DmaWrite(dev, 0x2000, 0x20);
        b.RaiseIrq(dev);
        b.TakeIrq(cpu0, dev);
        int back = b.CacheInval(cpu0, 0x2000, 0x20);
        Expect(b, flagged ? $"shared-cacheline@{back}[store={store},dma-write={write}]" : "");
    }

    /// <summary>The last line of the 64-bit space ends at 2^64 (wraps to 0): both rules still see it.</summary>
    [TestMethod]
    public void LineRules_TopLineOfTheAddressSpace_Judged()
    {
        const ulong Top = 0xFFFF_FFFF_FFFF_FF00;
        var b = new TraceBuilder(Arch.Arm64);
        var cpu0 = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent: false);
        b.Mmio("reg", Reg, 0x10, dev);
        b.Ram("top", Top, 0xFF);
        b.MmioWrite(cpu0, Reg, 4, 1);
        int store = b.Store(cpu0, Top + 0xE0, 8, 1);
        int write = b.DmaWrite(dev, Top + 0xC0, 0x20);
        b.RaiseIrq(dev);
        b.TakeIrq(cpu0, dev);
        int back = b.CacheInval(cpu0, Top + 0xC0, 0x20);
        int load = b.Load(cpu0, Top + 0xE0, 8);
        Expect(b, $"shared-cacheline@{back}[store={store},dma-write={write}] discarded-store@{load}[store={store},invalidation={back}]");
    }

    // ---- discarded-store ----

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Sc)]
    public void DiscardedStore_StoreInvalidateLoad_FlaggedOnEveryArch(Arch arch)
    {
        var s = System(arch);
        int store = s.B.Store(s.Cpu0, Buf, 16);
        int inval = s.B.CacheInval(s.Cpu0, Buf, 16);
        int load = s.B.Load(s.Cpu0, Buf, 16);
        Expect(s.B, $"discarded-store@{load}[store={store},invalidation={inval}]");
    }

    [TestMethod]
    [DataRow("clean", false)]           // written back first
    [DataRow("flush", false)]           // clean + invalidate
    [DataRow("clean-other-cpu", false)] // a clean by any cpu writes the line back
    [DataRow("clean-after", true)]      // too late: the first invalidation already lost it
    [DataRow("store-again", false)]     // the load reads the new store
    [DataRow("none", true)]
    public void DiscardedStore_WhatComesBetween_DecidesTheLoss(string between, bool flagged)
    {
        var s = System(Arch.Arm64);
        int store = s.B.Store(s.Cpu0, Buf, 16);
        int inval = -1;
        switch (between)
        {
            case "clean": s.B.CacheClean(s.Cpu0, Buf, 16); inval = s.B.CacheInval(s.Cpu0, Buf, 16); break;
            case "flush": s.B.CacheFlush(s.Cpu0, Buf, 16); break;
            case "clean-other-cpu": s.B.CacheClean(s.Cpu1, Buf, 16); inval = s.B.CacheInval(s.Cpu0, Buf, 16); break;
            case "clean-after": inval = s.B.CacheInval(s.Cpu0, Buf, 16); s.B.CacheClean(s.Cpu0, Buf, 16); break;
            case "store-again": s.B.CacheInval(s.Cpu0, Buf, 16); s.B.Store(s.Cpu0, Buf, 16); break;
            default: inval = s.B.CacheInval(s.Cpu0, Buf, 16); break;
        }
        int load = s.B.Load(s.Cpu1, Buf, 16);
        Expect(s.B, flagged ? $"discarded-store@{load}[store={store},invalidation={inval}]" : "");
    }

    /// <summary>
    /// A load is looked up only when it touches a line holding a discarded store: one or two lines are looked
    /// up one by one, a load of more lines than there are such lines scans those instead.
    /// </summary>
    [TestMethod]
    [DataRow(0x40ul, 8, true)]     // on the lost store's line
    [DataRow(0x80ul, 8, false)]    // on another line
    [DataRow(0x00ul, 0x100, true)] // four lines, one of them the lost store's
    [DataRow(0x80ul, 0x80, false)] // two other lines
    public void DiscardedStore_LoadsOnAndOffTheLostLine_OnlyItsLineReports(ulong at, int size, bool flagged)
    {
        var s = System(Arch.Arm64);
        int store = s.B.Store(s.Cpu0, Buf + 0x40, 8);
        int inval = s.B.CacheInval(s.Cpu0, Buf + 0x40, 8);
        s.B.Store(s.Cpu0, Buf + 0x80, 8);
        int load = s.B.Load(s.Cpu1, Buf + at, size);
        Expect(s.B, flagged ? $"discarded-store@{load}[store={store},invalidation={inval}]" : "");
    }

    /// <summary>
    /// With as many lines holding a discarded store as the load touches, the lines are looked up one by one, the
    /// last as well as the first: a load over two lines whose second holds the lost store reports it. (A lookup that
    /// stopped one line early passed every other hand case and the random differential, whose loads over two lines
    /// rarely meet two lost lines; only one row of the dense line traffic caught it.)
    /// </summary>
    [TestMethod]
    [DataRow(0x40ul)]  // the lost store's line is the second of the two
    [DataRow(0x00ul)]  // ... or the first
    public void DiscardedStore_LoadOverTwoLines_LastLineLookedUpToo(ulong lost)
    {
        var s = System(Arch.Arm64);
        int store = s.B.Store(s.Cpu0, Buf + lost, 8);
        int inval = s.B.CacheInval(s.Cpu0, Buf + lost, 8);
        s.B.Store(s.Cpu0, Buf + 0xC0, 8);
        s.B.CacheInval(s.Cpu0, Buf + 0xC0, 8); // a second discarded line, away from the load
        int load = s.B.Load(s.Cpu1, Buf, 0x80);
        Expect(s.B, $"discarded-store@{load}[store={store},invalidation={inval}]");
    }

    /// <summary>An invalidation acts on whole lines: of a neighbour in the same line it loses the store, of the next line it does not.</summary>
    [TestMethod]
    [DataRow(0, 48ul, true)]
    [DataRow(0, 64ul, false)]
    [DataRow(32, 48ul, false)]
    [DataRow(128, 64ul, true)]
    public void DiscardedStore_InvalidationOfANeighbour_LosesTheStoreOnlyInTheSameLine(int line, ulong neighbour, bool flagged)
    {
        var s = System(Arch.Arm64, line: line);
        int store = s.B.Store(s.Cpu0, Buf, 16);
        int inval = s.B.CacheInval(s.Cpu0, Buf + neighbour, 8);
        int load = s.B.Load(s.Cpu0, Buf + 8, 4);
        Expect(s.B, flagged ? $"discarded-store@{load}[store={store},invalidation={inval}]" : "");
    }

    /// <summary>Line granularity in the existing cache rules: a partial clean or invalidation covers its whole lines.</summary>
    [TestMethod]
    [DataRow(0, "")]                                  // the clean of 8 bytes cleans all 64
    [DataRow(16, "missing-cache-clean@4[store=0]")]  // 16-byte lines: bytes 16..31 stay dirty
    public void MissingCacheClean_PartialClean_CleansWholeLines(int line, string expected)
    {
        var s = System(Arch.Arm64, line: line);
        s.B.Store(s.Cpu0, Buf, 32);
        s.B.CacheClean(s.Cpu0, Buf, 8);
        s.B.Barrier(s.Cpu0, "wmb");
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 32);
        Expect(s.B, expected);
    }
}
