using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The reference model's reading of docs/model.md §10 (store_release, load_acquire, xchg), per arch, on
/// hand-built cases whose findings were worked out from the text. The engine's twins are in
/// Engine/AcquireReleaseTests.cs; the random differential test holds the two together.
/// </summary>
[TestClass]
public sealed class ReferenceAcquireReleaseTests
{
    const ulong Buf = 0x1000, Flag = 0x2000, RamFlag = 0x3000, Reg = 0xf000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Cpu2, ushort Dev);

    static Sys System(Arch arch)
    {
        var b = new TraceBuilder(arch);
        ushort c0 = b.Cpu("cpu0"), c1 = b.Cpu("cpu1"), c2 = b.Cpu("cpu2"), dev = b.Device("dev");
        b.Ram("buf", Buf, 0x40);
        b.Sync("flag", Flag, 0x10);
        b.Ram("ramflag", RamFlag, 0x10);
        b.Mmio("reg", Reg, 0x10, dev);
        return new(b, c0, c1, c2, dev);
    }

    static string Run(TraceBuilder b) => string.Join(" ", ReferenceModel.Run(b.Build()));

    [TestMethod]
    [DataRow(Arch.Arm64, true, "")]
    [DataRow(Arch.Arm64, false, "stale-dma-read@5[store=0,publish=1]")]
    [DataRow(Arch.Riscv64, true, "")]
    [DataRow(Arch.Riscv64, false, "stale-dma-read@5[store=0,publish=1]")]
    [DataRow(Arch.X86_64, true, "")]
    [DataRow(Arch.X86_64, false, "")]
    public void HandOffThenWritel_ReleaseAcquireCleanEverywherePlainOnlyOnTso(Arch arch, bool releaseAcquire, string expected)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Buf, 16, 0x11);
        if (releaseAcquire) { s.B.StoreRelease(s.Cpu0, Flag, 4, 1); s.B.LoadAcquire(s.Cpu1, Flag, 4); }
        else { s.B.Store(s.Cpu0, Flag, 4, 1); s.B.Load(s.Cpu1, Flag, 4); }
        s.B.Writel(s.Cpu1, Reg, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "stale-dma-read@5[store=0,publish=2]")]   // stlr orders only itself
    [DataRow(Arch.Riscv64, "")]                                      // fence rw,w orders every later store too
    public void UnreadReleaseThenPlainFlag_ScopeOfTheRelease(Arch arch, string expected)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Buf, 16, 0x11);
        s.B.StoreRelease(s.Cpu0, Flag + 8, 4, 1);
        s.B.Store(s.Cpu0, Flag, 4, 1);
        s.B.Load(s.Cpu1, Flag, 4);
        s.B.MmioWrite(s.Cpu1, Reg, 4, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "release", "stale-dma-read@3[store=0,publish=1]")]
    [DataRow(Arch.Riscv64, "release", "stale-dma-read@3[store=0,publish=1]")]
    [DataRow(Arch.X86_64, "release", "")]
    [DataRow(Arch.Arm64, "xchg", "stale-dma-read@3[store=0,publish=1]")]
    [DataRow(Arch.Riscv64, "xchg", "stale-dma-read@3[store=0,publish=1]")]
    [DataRow(Arch.X86_64, "xchg", "")]
    public void DeviceReadsTheFlag_ReleaseAndXchgAreInner(Arch arch, string op, string expected)
    {
        var s = System(arch);
        s.B.Store(s.Cpu0, Buf, 16, 0x11);
        if (op == "release") s.B.StoreRelease(s.Cpu0, Flag, 8, 1);
        else s.B.Xchg(s.Cpu0, Flag, 8, 1);
        s.B.DmaRead(s.Dev, Flag, 8);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "acquire", "")]
    [DataRow(Arch.Arm64, "plain", "stale-cpu-read@6[dma-write=0,acquire=5]")]
    [DataRow(Arch.Riscv64, "acquire", "")]
    [DataRow(Arch.Riscv64, "xchg", "")]
    [DataRow(Arch.Riscv64, "plain", "stale-cpu-read@6[dma-write=0,acquire=5]")]
    [DataRow(Arch.X86_64, "plain", "")]
    public void ForwardedCompletion_TheAcquireOrdersLaterLoads(Arch arch, string read, string expected)
    {
        var s = System(arch);
        s.B.DmaWrite(s.Dev, Buf, 16, 0x22);
        s.B.DmaWrite(s.Dev, Flag + 8, 4, 1);
        s.B.Load(s.Cpu0, Flag + 8, 4);
        s.B.Barrier(s.Cpu0, "dma_rmb");
        s.B.StoreRelease(s.Cpu0, Flag, 4, 1);
        if (read == "acquire") s.B.LoadAcquire(s.Cpu1, Flag, 4);
        else if (read == "xchg") s.B.Xchg(s.Cpu1, Flag, 4, 0);
        else s.B.Load(s.Cpu1, Flag, 4);
        s.B.Load(s.Cpu1, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow(Arch.Arm64, "stale-cpu-read@3[dma-write=0,acquire=2]")]   // ldar: inner, a device's flag still needs dma_rmb
    [DataRow(Arch.Riscv64, "stale-cpu-read@3[dma-write=0,acquire=2]")]
    [DataRow(Arch.X86_64, "")]
    public void LoadAcquireOfADeviceFlag_IsNotADmaRmb(Arch arch, string expected)
    {
        var s = System(arch);
        s.B.DmaWrite(s.Dev, Buf, 16, 0x22);
        s.B.DmaWrite(s.Dev, Flag, 4, 1);
        s.B.LoadAcquire(s.Cpu0, Flag, 4);
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }

    [TestMethod]
    [DataRow("release", "acquire", "")]
    [DataRow("xchg", "xchg", "")]
    [DataRow("release", "plain", "dma-race@5[other=0]")]
    [DataRow("plain", "acquire", "dma-race@5[other=0]")]
    public void RamFlag_OnlyThePairSynchronizes(string write, string read, string expected)
    {
        var s = System(Arch.Arm64);
        s.B.Store(s.Cpu0, Buf, 16, 0x11);
        if (write == "release") s.B.StoreRelease(s.Cpu0, RamFlag, 8, 1);
        else if (write == "xchg") s.B.Xchg(s.Cpu0, RamFlag, 8, 1);
        else s.B.Store(s.Cpu0, RamFlag, 8, 1);
        if (read == "acquire") s.B.LoadAcquire(s.Cpu1, RamFlag, 8);
        else if (read == "xchg") s.B.Xchg(s.Cpu1, RamFlag, 8, 0);
        else s.B.Load(s.Cpu1, RamFlag, 8);
        s.B.Writel(s.Cpu1, Reg, 1);
        s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s.B));
    }
}
