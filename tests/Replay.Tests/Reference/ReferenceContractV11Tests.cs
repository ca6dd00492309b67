using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The literal reference on the contract v1.1 decisions and the five deviations of issue 9, worked out by
/// hand from shared/docs/model.md ("Decisions (contract v1.1)", "Who clears", "Bursts").
/// </summary>
[TestClass]
public sealed class ReferenceContractV11Tests
{
    const ulong Buf = 0x1000, Flag = 0x2000, Reg = 0xf000, Tbl = 0x10_0000;

    static string Run(TraceBuilder b) => string.Join(" ", ReferenceModel.Run(b.Build()));

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Cpu2, ushort Dev, RegionInfo Table);

    /// <summary>Three cpus, one device (dev) that rings on reg and fetches tbl (4 entries of 32 bytes, granule 16, present bit 0).</summary>
    static Sys System(Arch arch, uint entrySize = 32, uint granule = 16)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var cpu2 = b.Cpu("cpu2");
        var dev = b.Device("dev");
        b.Ram("buf", Buf, 0x40);
        b.Sync("flag", Flag, 0x10);
        b.Mmio("reg", Reg, 0x10, dev);
        var t = b.Table("tbl", Tbl, 4, entrySize, granule, 0, dev);
        return new(b, cpu0, cpu1, cpu2, dev, t);
    }

    static ulong Entry(Sys s, ulong k) => Tbl + k * s.Table.EntrySize;

    /// <summary>cpu0 sets flag after BARRIER; cpu1 reads it and sets flag+8; cpu0 reads flag+8. Returns cpu0's flag store.</summary>
    static int OutAndBack(Sys s, string barrier)
    {
        s.B.Barrier(s.Cpu0, barrier);
        int flag = s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.Load(s.Cpu1, Flag, 4);
        s.B.Store(s.Cpu1, Flag + 8, 4, 1);
        s.B.Load(s.Cpu0, Flag + 8, 4);
        return flag;
    }

    // ---- deviation 3: only the first hop can lose order ----

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void StaleDmaRead_StoreOutToCpu1AndBackThenRelaxedDoorbell_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var s = System(arch);
        int st = s.B.Store(s.Cpu0, Buf, 16);
        int flag = OutAndBack(s, barrier);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        int r = s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(stale ? $"stale-dma-read@{r}[store={st},publish={flag}]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void PresentBeforePayload_PayloadOutAndBackThenRelaxedPresent_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var s = System(arch);
        ulong e = Entry(s, 1);
        int m = s.B.Store(s.Cpu0, e + 16, 8, 0x77);
        OutAndBack(s, barrier);
        int p = s.B.Store(s.Cpu0, e, 8, 1);
        Assert.AreEqual(stale ? $"present-before-payload@{p}[payload={m}]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "smp_wmb", false)]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_wmb", false)]
    [DataRow(Arch.Riscv64, "barrier", true)]
    public void MissingFlushAfterClear_ClearOutAndBackThenInvalidate_FirstHopDecides(Arch arch, string barrier, bool stale)
    {
        var s = System(arch);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        int c = s.B.Store(s.Cpu0, e, 8, 0);
        OutAndBack(s, barrier);
        s.B.DevInvalidate(s.Cpu0, s.Dev, e, 32);
        int m = s.B.Store(s.Cpu0, e + 16, 8, 0x55);
        Assert.AreEqual(stale ? $"missing-flush-after-clear@{m}[clear={c}]" : "", Run(s.B));
    }

    [TestMethod]
    public void RoundTrip_ProgramOrderAlone_DoesNotCount()
    {
        var s = System(Arch.Arm64);
        int a = s.B.Store(s.Cpu0, Buf, 8);
        s.B.Barrier(s.Cpu0, "smp_wmb");
        s.B.Store(s.Cpu0, Flag, 4, 1);                          // nobody reads it
        int b = s.B.Store(s.Cpu0, Buf + 8, 8);
        Assert.IsFalse(new ReferenceModel(s.B.Build()).RoundTrip(a, b));
    }

    [TestMethod]
    public void PresentBeforePayload_ReleasePayloadBackThroughFetcher_EarlierPlainPayloadNamed()
    {
        var s = System(Arch.Arm64);
        ulong e = Entry(s, 1);
        int plain = s.B.Store(s.Cpu0, e + 16, 8, 0x77);
        s.B.Store(s.Cpu0, e, 8, 0x100);
        s.B.Fetch(s.Dev, s.Table, 1, 0);
        s.B.DevInvalidate(s.Cpu0, s.Dev, e, 32);
        int p = s.B.Store(s.Cpu0, e, 8, 0x101);
        Assert.AreEqual($"present-before-payload@{p}[payload={plain}]", Run(s.B));
    }

    // ---- deviation 1: any qualifying invalidation excuses the store ----

    [TestMethod]
    [DataRow(Arch.Arm64, true, false)]
    [DataRow(Arch.Arm64, false, true)]
    [DataRow(Arch.X86_64, true, false)]
    [DataRow(Arch.X86_64, false, true)]
    public void MissingFlushAfterClear_OnlyMiddleInvalidationHbBeforeStore_Excused(Arch arch, bool middle, bool flagged)
    {
        var s = System(arch);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        int c = s.B.Store(s.Cpu0, e, 8, 0);
        s.B.Barrier(s.Cpu0, "wmb");
        s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.DevInvalidate(s.Cpu0, s.Dev, e, 32);
        s.B.Load(s.Cpu1, Flag, 4);
        if (middle) s.B.DevInvalidate(s.Cpu1, s.Dev, e, 32);
        s.B.Load(s.Cpu2, Flag, 4);
        s.B.DevInvalidate(s.Cpu2, s.Dev, e, 32);
        int m = s.B.Store(s.Cpu1, e + 16, 8, 0x55);
        Assert.AreEqual(flagged ? $"missing-flush-after-clear@{m}[clear={c}]" : "", Run(s.B));
    }

    // ---- deviation 2: an access sees its own bytes; a plain acquire holds back only later loads ----

    [TestMethod]
    [DataRow(Arch.Arm64, false, false)]
    [DataRow(Arch.Riscv64, false, false)]
    [DataRow(Arch.Arm64, true, true)]
    [DataRow(Arch.Riscv64, true, true)]
    [DataRow(Arch.X86_64, true, false)]
    public void StaleCpuRead_LoadCoveringPresentWordAndPayload_OwnBytesOrdered(Arch arch, bool laterLoad, bool stale)
    {
        var s = System(arch);
        ulong e = Entry(s, 1);
        int w = s.B.DmaWrite(s.Dev, e + 8, 8, 0xbeef);
        s.B.DmaWrite(s.Dev, e, 8, 1);
        int acquire = s.B.Load(s.Cpu0, e, 16);
        int later = laterLoad ? s.B.Load(s.Cpu0, e + 8, 8) : -1;
        Assert.AreEqual(stale ? $"stale-cpu-read@{later}[dma-write={w},acquire={acquire}]" : "", Run(s.B));
    }

    // ---- deviation 4: granules are independent at any entry size ----

    [TestMethod]
    [DataRow(70u, 100u, false)]
    [DataRow(100u, 100u, true)]
    [DataRow(64u, 127u, false)]
    [DataRow(127u, 127u, true)]
    public void TornEntryFetch_StoreToHighGranule_TearsOnlyThatGranule(uint read, uint stored, bool torn)
    {
        var s = System(Arch.Arm64, entrySize: 128 * 16, granule: 16);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        int first = s.B.Fetch(s.Dev, s.Table, 1, 0);
        int st = s.B.Store(s.Cpu0, e + stored * 16, 8, 0x77);
        int g = s.B.Fetch(s.Dev, s.Table, 1, read);
        // The in-place store after the fetch is never invalidated: live-entry-write too (model.md §8).
        Assert.AreEqual($"live-entry-write@{st}[fetch={first}]" + (torn ? $" torn-entry-fetch@{g}[first-granule={first},store={st}]" : ""), Run(s.B));
    }

    // ---- deviation 5 and "Bursts": device writes that clear present ----

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, true)]
    public void PresentBeforePayload_DeviceWriteClearsPresent_RestartsPayloadWindow(bool payloadAfterClear, bool flagged)
    {
        var s = System(Arch.Arm64);
        ulong e = Entry(s, 1);
        int m = payloadAfterClear ? -1 : s.B.Store(s.Cpu0, e + 16, 8, 0x77);
        s.B.DmaWrite(s.Dev, e, 8, 1);
        s.B.DmaWrite(s.Dev, e, 8, 0);
        if (payloadAfterClear) m = s.B.Store(s.Cpu0, e + 16, 8, 0x77);
        int p = s.B.Store(s.Cpu0, e, 8, 1);
        Assert.AreEqual(flagged ? $"present-before-payload@{p}[payload={m}]" : "", Run(s.B));
    }

    [TestMethod]
    [DataRow("clear", false)]
    [DataRow("payload", true)]
    [DataRow("none", true)]
    public void TornEntryUpdate_DeviceWriteBetweenStores_EndsBurstOnlyWhenItClears(string device, bool flagged)
    {
        var s = System(Arch.Arm64);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        int first = s.B.Store(s.Cpu0, e + 16, 8, 0x11);
        if (device == "clear")
        {
            s.B.DmaWrite(s.Dev, e, 8, 0);
            s.B.DmaWrite(s.Dev, e, 8, 1);
        }
        else if (device == "payload") s.B.DmaWrite(s.Dev, e + 24, 8, 0x5);
        int second = s.B.Store(s.Cpu0, e + 16, 8, 0x22);
        Assert.AreEqual(flagged ? $"torn-entry-update@{second}[earlier-store={first}]" : "", Run(s.B));
    }

    // ---- "Who clears" and one flush window per entry ----

    [TestMethod]
    public void MissingFlushAfterClear_DeviceSetsPresentInWindow_WindowStaysOpen()
    {
        var s = System(Arch.Arm64);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        int c = s.B.Store(s.Cpu0, e, 8, 0);
        s.B.DmaWrite(s.Dev, e, 8, 1);
        int m = s.B.Store(s.Cpu0, e + 16, 8, 0x55);
        Assert.AreEqual($"missing-flush-after-clear@{m}[clear={c}]", Run(s.B));
    }

    [TestMethod]
    [DataRow(true, false)]
    [DataRow(false, true)]
    public void MissingFlushAfterClear_ClearWhileWindowOpen_ClosesItAndOpensNew(bool invalidate, bool flagged)
    {
        var s = System(Arch.Arm64);
        ulong e = Entry(s, 1);
        s.B.Store(s.Cpu0, e, 8, 1);
        s.B.Store(s.Cpu0, e, 8, 0);
        s.B.DmaWrite(s.Dev, e, 8, 1);
        int c2 = s.B.Store(s.Cpu0, e, 8, 0x100);
        s.B.Barrier(s.Cpu0, "dma_wmb");
        if (invalidate) s.B.DevInvalidate(s.Cpu0, s.Dev, e, 32);
        int m = s.B.Store(s.Cpu0, e + 16, 8, 0x55);
        Assert.AreEqual(flagged ? $"missing-flush-after-clear@{m}[clear={c2}]" : "", Run(s.B));
    }
}
