using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// store_release, load_acquire and xchg (docs/model.md §10), per arch, positive and clean: arm64 stlr/ldar
/// order only the access itself and only for cpus; riscv64's fence rw,w before the store and fence r,rw after
/// the load are real fences (inner); x86_64 keeps both already (TSO); xchg is the arch's smp_mb on both sides.
/// </summary>
[TestClass]
public sealed class AcquireReleaseTests
{
    static TraceBuilder System(Arch arch) =>
        TraceBuilder.OneDevice(arch, "cpu0,cpu1,cpu2").Ram("ramflag", 0x3000, 0x10);

    [TestMethod]
    [DataRow(Arch.Arm64, true, false)]
    [DataRow(Arch.Arm64, false, true)]
    [DataRow(Arch.Riscv64, true, false)]
    [DataRow(Arch.Riscv64, false, true)]
    [DataRow(Arch.X86_64, true, false)]
    [DataRow(Arch.X86_64, false, false)]   // TSO keeps store → store
    [DataRow(Arch.Sc, false, false)]
    public void StaleDmaRead_HandOffThroughFlagThenWritel_ReleaseAcquireOrdersItPlainOnlyOnTso(Arch arch, bool releaseAcquire, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        long flag = releaseAcquire ? t.StoreRelease("cpu0", t.At("flag"), 4, 1) : t.Store("cpu0", t.At("flag"), 4, 1);
        if (releaseAcquire) t.LoadAcquire("cpu1", t.At("flag"), 4);
        else t.Load("cpu1", t.At("flag"), 4);
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, true)]     // stlr orders earlier stores before itself only: the later flag store is not ordered
    [DataRow(Arch.Riscv64, false)]  // fence rw,w before the release orders the buffer before every later store
    [DataRow(Arch.X86_64, false)]
    public void StaleDmaRead_PlainFlagAfterAnUnreadStoreRelease_OnlyRiscvFenceOrdersLaterStores(Arch arch, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        t.StoreRelease("cpu0", t.At("flag", 8), 4, 1);           // nobody reads it
        long flag = t.Store("cpu0", t.At("flag"), 4, 1);
        t.Load("cpu1", t.At("flag"), 4);
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, true)]    // stlr is ordered for cpus (inner), not for the device reading the flag
    [DataRow(Arch.Riscv64, true)]  // fence rw,w names neither i nor o: inner
    [DataRow(Arch.X86_64, false)]
    public void StaleDmaRead_DeviceReadsReleasedFlag_ReleaseIsInnerOnly(Arch arch, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        long flag = t.StoreRelease("cpu0", t.At("flag"), 4, 1);
        t.DmaRead("dev", t.At("flag"), 4);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={flag}]");
        else FindingAssert.None(findings);
    }

    /// <summary>dev writes buf and done; cpu0 reads done (dma_rmb) and hands over on flag; cpu1 reads flag, then buf.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, true, false)]
    [DataRow(Arch.Arm64, false, true)]
    [DataRow(Arch.Riscv64, true, false)]
    [DataRow(Arch.Riscv64, false, true)]
    [DataRow(Arch.X86_64, false, false)]  // r → r kept
    public void StaleCpuRead_ForwardedByCpu0_LoadAcquireOrdersCpu1sLaterLoads(Arch arch, bool acquire, bool stale)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.DmaWrite("dev", t.At("flag", 8), 4, 1);
        t.Load("cpu0", t.At("flag", 8), 4);
        t.Barrier("cpu0", "dma_rmb");
        t.StoreRelease("cpu0", t.At("flag"), 4, 1);
        long a = acquire ? t.LoadAcquire("cpu1", t.At("flag"), 4) : t.Load("cpu1", t.At("flag"), 4);
        long l = t.Load("cpu1", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={a}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, true)]    // ldar is inner: a device's release still needs dma_rmb
    [DataRow(Arch.Riscv64, true)]  // fence r,rw is inner
    [DataRow(Arch.X86_64, false)]
    public void StaleCpuRead_LoadAcquireOfDeviceFlag_AcquireIsInnerOnly(Arch arch, bool stale)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.DmaWrite("dev", t.At("flag"), 4, 1);
        long a = t.LoadAcquire("cpu0", t.At("flag"), 4);
        long l = t.Load("cpu0", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={a}]");
        else FindingAssert.None(findings);
    }

    /// <summary>
    /// cpu1 learns of the device write through a plain load of cpu0's hand-off, then load-acquires an unrelated
    /// flag of cpu2: riscv64's fence r,rw after it orders every earlier load, arm64's ldar only itself.
    /// </summary>
    [TestMethod]
    [DataRow(Arch.Arm64, true)]
    [DataRow(Arch.Riscv64, false)]
    public void StaleCpuRead_EarlierPlainAcquireThenLoadAcquire_OnlyTheRiscvFenceCoversIt(Arch arch, bool stale)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.DmaWrite("dev", t.At("flag", 8), 4, 1);
        t.Load("cpu0", t.At("flag", 8), 4);
        t.Barrier("cpu0", "dma_rmb");
        t.Store("cpu0", t.At("flag"), 4, 1);
        t.Store("cpu2", t.At("flag", 4), 4, 1);
        long a = t.Load("cpu1", t.At("flag"), 4);
        t.LoadAcquire("cpu1", t.At("flag", 4), 4);
        long l = t.Load("cpu1", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={a}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, true)]     // dmb ish on both sides: inner
    [DataRow(Arch.Riscv64, true)]   // fence rw,rw: inner
    [DataRow(Arch.X86_64, false)]   // a locked instruction: mfence
    public void StaleDmaRead_XchgOfAFlagTheDeviceReads_FullBarrierOfTheArch(Arch arch, bool stale)
    {
        var t = System(arch);
        long s = t.Store("cpu0", t.At("buf"), 16);
        long x = t.Xchg("cpu0", t.At("flag"), 8, 1);
        t.DmaRead("dev", t.At("flag"), 8);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-dma-read@{r}[store={s},publish={x}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    public void Xchg_HandOffBetweenCpusThenRelaxedDoorbell_FullyOrderedBothWays(Arch arch)
    {
        var t = System(arch);
        t.Store("cpu0", t.At("buf"), 16);
        t.Xchg("cpu0", t.At("flag"), 8, 1);
        t.Xchg("cpu1", t.At("flag"), 8, 0);                         // reads cpu0's 1
        t.Barrier("cpu1", "dma_wmb");
        t.MmioWrite("cpu1", t.At("reg"), 4, 1);
        t.DmaRead("dev", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    [DataRow(Arch.Arm64, true)]   // the full barrier after xchg folds its own plain acquire (inner releaser)
    [DataRow(Arch.Arm64, false)]
    [DataRow(Arch.Riscv64, true)]
    [DataRow(Arch.Riscv64, false)]
    public void StaleCpuRead_XchgReadsTheHandOff_ItsBarrierAfterOrdersLaterLoads(Arch arch, bool xchg)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.DmaWrite("dev", t.At("flag", 8), 4, 1);
        t.Load("cpu0", t.At("flag", 8), 4);
        t.Barrier("cpu0", "dma_rmb");
        t.Store("cpu0", t.At("flag"), 4, 1);
        long a = xchg ? t.Xchg("cpu1", t.At("flag"), 4, 0) : t.Load("cpu1", t.At("flag"), 4);
        long l = t.Load("cpu1", t.At("buf"), 16);
        var findings = t.Replay();
        if (xchg) FindingAssert.None(findings);
        else FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={a}]");
    }

    /// <summary>On ram only the pair synchronizes: store_release (or xchg) read by load_acquire (or xchg) of another cpu.</summary>
    [TestMethod]
    [DataRow("release", "acquire", false)]
    [DataRow("xchg", "acquire", false)]
    [DataRow("release", "xchg", false)]
    [DataRow("release", "plain", true)]
    [DataRow("plain", "acquire", true)]
    [DataRow("plain", "plain", true)]
    [DataRow("overwritten", "acquire", true)]   // a plain store of cpu2 overwrote the released bytes
    [DataRow("half-overwritten", "acquire", false)]  // the acquire still reads released bytes
    public void DmaRace_RamFlag_OnlyTheReleaseAcquirePairIsAnEdge(string store, string load, bool race)
    {
        var t = System(Arch.Arm64);
        long s = t.Store("cpu0", t.At("buf"), 16);
        ulong f = t.At("ramflag");
        switch (store)
        {
            case "release": t.StoreRelease("cpu0", f, 8, 1); break;
            case "xchg": t.Xchg("cpu0", f, 8, 1); break;
            case "plain": t.Store("cpu0", f, 8, 1); break;
            case "overwritten": t.StoreRelease("cpu0", f, 8, 1); t.Store("cpu2", f, 8, 2); break;
            default: t.StoreRelease("cpu0", f, 8, 1); t.Store("cpu2", f + 4, 4, 2); break;
        }
        switch (load)
        {
            case "acquire": t.LoadAcquire("cpu1", f, 8); break;
            case "xchg": t.Xchg("cpu1", f, 8, 0); break;
            default: t.Load("cpu1", f, 8); break;
        }
        t.Writel("cpu1", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        var findings = t.Replay();
        if (race) FindingAssert.Exactly(findings, $"dma-race@{r}[other={s}]");
        else FindingAssert.None(findings);
    }
}
