using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class StaleCpuReadTests
{
    static TraceBuilder System(Arch arch, string cpus = "cpu0") => TraceBuilder.OneDevice(arch, cpus);

    /// <summary>Device writes data then a completion flag; the cpu reads the flag, BARRIER, reads the data.</summary>
    [TestMethod]
    [DataRow(Arch.Arm64, "barrier", true)]
    [DataRow(Arch.Arm64, "smp_rmb", true)]      // dmb ishld: does not reach the device
    [DataRow(Arch.Arm64, "dma_rmb", false)]
    [DataRow(Arch.Arm64, "rmb", false)]
    [DataRow(Arch.Arm64, "dmb.ld", false)]
    [DataRow(Arch.Arm64, "dma_wmb", true)]      // stores only
    [DataRow(Arch.X86_64, "barrier", false)]    // r→r kept
    [DataRow(Arch.Riscv64, "barrier", true)]
    [DataRow(Arch.Riscv64, "smp_rmb", true)]    // fence r,r: inner only
    [DataRow(Arch.Riscv64, "dma_rmb", false)]   // fence ir,ir
    [DataRow(Arch.Riscv64, "fence.r.r", true)]
    [DataRow(Arch.Riscv64, "fence.ir.r", false)]
    [DataRow(Arch.Sc, "barrier", false)]
    public void StaleCpuRead_FlagThenData_FlaggedPerArch(Arch arch, string barrier, bool stale)
    {
        var t = System(arch);
        long w = t.DmaWrite("dev", t.At("buf"), 32);
        t.DmaWrite("dev", t.At("flag"), 4, 1);
        long acquire = t.Load("cpu0", t.At("flag"), 4);
        t.Barrier("cpu0", barrier);
        long l = t.Load("cpu0", t.At("buf", 8), 8);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={acquire}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow(false, true)]
    [DataRow(true, false)]
    public void StaleCpuRead_StatusRead_ReadlOrdersRawDoesNot(bool readl, bool stale)
    {
        var t = System(Arch.Arm64);
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        long acquire = readl ? t.Readl("cpu0", t.At("reg")) : t.MmioRead("cpu0", t.At("reg"), 4);
        long l = t.Load("cpu0", t.At("buf"), 16);
        var findings = t.Replay();
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{l}[dma-write={w},acquire={acquire}]");
        else FindingAssert.None(findings);
    }

    /// <summary>
    /// readl orders the device's writes up to its own time, which is exactly the data write's: the write is ordered
    /// for the cpu's loads (LOADS equal to its time, not only past it). A later raw status read makes HB run ahead of
    /// LOADS, so the rule is asked, not skipped because LOADS caught up with HB.
    /// </summary>
    [TestMethod]
    public void StaleCpuRead_ReadlAtTheWritesOwnTime_ThenRawRead_None()
    {
        var t = System(Arch.Arm64);
        t.DmaWrite("dev", t.At("buf"), 16);
        t.Readl("cpu0", t.At("reg"));
        t.DmaWrite("dev", t.At("buf", 0x80), 8);
        t.MmioRead("cpu0", t.At("reg"), 4);
        t.Load("cpu0", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void StaleCpuRead_Interrupt_OrdersAtOnce(Arch arch)
    {
        var t = System(arch);
        t.DmaWrite("dev", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.Load("cpu0", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    /// <summary>cpu0 acquires with a plain load and hands off through a lock: the release forwards at once.</summary>
    [TestMethod]
    public void StaleCpuRead_ForwardedThroughLock_None()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        t.DmaWrite("dev", t.At("buf"), 16);
        t.DmaWrite("dev", t.At("flag"), 4, 1);
        t.Load("cpu0", t.At("flag"), 4);
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        t.Load("cpu1", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    /// <summary>A flag handed from cpu0 to cpu1 by a plain load on cpu1: cpu1 needs its own read barrier.</summary>
    [TestMethod]
    public void StaleCpuRead_SecondCpuPlainAcquire_NamesItsAcquire()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        long w = t.DmaWrite("dev", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.Store("cpu0", t.At("flag", 4), 4, 1);
        long acquire = t.Load("cpu1", t.At("flag", 4), 4);
        long l = t.Load("cpu1", t.At("buf"), 16);
        FindingAssert.Exactly(t.Replay(), $"stale-cpu-read@{l}[dma-write={w},acquire={acquire}]");
    }

    [TestMethod]
    public void StaleCpuRead_OnlyOverlappingBytes_BytePrecise()
    {
        var t = System(Arch.Arm64);
        t.DmaWrite("dev", t.At("buf", 6), 2);                 // bytes 6,7
        t.DmaWrite("dev", t.At("flag"), 4, 1);
        long acquire = t.Load("cpu0", t.At("flag"), 4);
        t.Load("cpu0", t.At("buf"), 6);                       // bytes 0..5: never written by the device
        long l = t.Load("cpu0", t.At("buf", 5), 2);           // bytes 5,6: 6 is stale
        FindingAssert.Exactly(t.Replay(), $"stale-cpu-read@{l}[dma-write=0,acquire={acquire}]");
    }

    [TestMethod]
    public void StaleCpuRead_LoopOfCompletions_ExactCount()
    {
        const int n = 4000;
        var t = System(Arch.Arm64);
        for (int i = 0; i < n; i++)
        {
            t.Writel("cpu0", t.At("reg"), (ulong)i);          // the device may overwrite buf now
            t.DmaWrite("dev", t.At("buf"), 16);
            t.DmaWrite("dev", t.At("flag"), 4, (ulong)i + 1);
            t.Load("cpu0", t.At("flag"), 4);
            if (i % 2 == 0) t.Barrier("cpu0", "dma_rmb");
            t.Load("cpu0", t.At("buf"), 16);
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.Scalar, 777);
        Assert.AreEqual(n / 2, FindingAssert.Count(findings, FindingKind.StaleCpuRead));
        Assert.AreEqual(n / 2, findings.Count);
    }
}
