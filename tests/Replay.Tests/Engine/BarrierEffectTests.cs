using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>The barrier table of model.md §3, slot by slot.</summary>
[TestClass]
public sealed class BarrierEffectTests
{
    const byte R = 1, W = 2, I = 4, O = 8, C = 16, All = 31;

    [TestMethod]
    [DataRow(Arch.Arm64, "mb", All, All, 2, true)]
    [DataRow(Arch.Arm64, "rmb", R | I, All, 2, true)]
    [DataRow(Arch.Arm64, "wmb", W | O | C, W | O, 2, true)]
    [DataRow(Arch.Arm64, "dma_mb", All & ~C, All, 2, false)]
    [DataRow(Arch.Arm64, "dma_rmb", R | I, All, 2, false)]
    [DataRow(Arch.Arm64, "dma_wmb", W | O, W | O, 2, false)]
    [DataRow(Arch.Arm64, "smp_mb", All & ~C, All, 1, false)]
    [DataRow(Arch.Arm64, "smp_rmb", R, All, 1, false)]
    [DataRow(Arch.Arm64, "smp_wmb", W, W, 1, false)]
    [DataRow(Arch.Arm64, "dsb.ishst", W | C, W, 1, true)]
    [DataRow(Arch.Arm64, "dsb.oshld", R | I, All, 2, true)]
    [DataRow(Arch.Arm64, "dmb.ld", R | I, All, 2, false)]
    [DataRow(Arch.X86_64, "mfence", All, All, 2, true)]
    [DataRow(Arch.X86_64, "sfence", W | O | C, W | O | C, 2, true)]
    [DataRow(Arch.X86_64, "lfence", R | I, All, 2, false)]
    [DataRow(Arch.X86_64, "smp_mb", All, All, 2, true)]
    [DataRow(Arch.X86_64, "dma_wmb", 0, 0, 0, false)]
    [DataRow(Arch.X86_64, "smp_rmb", 0, 0, 0, false)]
    [DataRow(Arch.Riscv64, "mb", All, All, 2, true)]
    [DataRow(Arch.Riscv64, "smp_mb", R | W | C, R | W | C, 1, true)]
    [DataRow(Arch.Riscv64, "smp_wmb", W | C, W | C, 1, true)]
    [DataRow(Arch.Riscv64, "dma_rmb", R | I, R | I, 2, false)]
    [DataRow(Arch.Riscv64, "fence.w.o", W | C, O, 2, true)]
    [DataRow(Arch.Riscv64, "fence.r.rw", R, R | W | C, 1, false)]
    [DataRow(Arch.Arm64, "barrier", 0, 0, 0, false)]
    public void BarrierEffect_Of_MatchesModelTable(Arch arch, string name, int pred, int succ, int reach, bool completion)
    {
        Assert.IsTrue(BarrierCode.TryParse(name, out var code));
        var e = BarrierEffect.Of(arch, code!.Value);
        Assert.AreEqual((pred, succ, reach), (e.Pred, e.Succ, (int)e.Reach), name);
        if (reach != 0) Assert.AreEqual(completion, e.Completion, name);
    }

    [TestMethod]
    [DataRow(Arch.Sc, AccessClass.W, AccessClass.R, true)]
    [DataRow(Arch.Sc, AccessClass.C, AccessClass.O, true)]
    [DataRow(Arch.X86_64, AccessClass.W, AccessClass.R, false)]
    [DataRow(Arch.X86_64, AccessClass.W, AccessClass.O, true)]
    [DataRow(Arch.X86_64, AccessClass.C, AccessClass.O, false)]
    [DataRow(Arch.Arm64, AccessClass.O, AccessClass.O, true)]
    [DataRow(Arch.Arm64, AccessClass.I, AccessClass.O, true)]
    [DataRow(Arch.Arm64, AccessClass.I, AccessClass.R, false)]
    [DataRow(Arch.Arm64, AccessClass.W, AccessClass.W, false)]
    [DataRow(Arch.Riscv64, AccessClass.I, AccessClass.I, true)]
    [DataRow(Arch.Riscv64, AccessClass.R, AccessClass.R, false)]
    public void OrderingRules_PreservedPairs_PerArch(Arch arch, AccessClass x, AccessClass y, bool preserved) =>
        Assert.AreEqual(preserved, new OrderingRules(arch).IsPreserved(x, y));
}
