using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class BarrierTests
{
    [TestMethod]
    [DataRow(Arch.Sc)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void Barrier_EveryKindValidForArch_CompilesToItsCode(Arch arch)
    {
        var kinds = BarrierCode.AllFor(arch).ToArray();
        var text = $"arch {arch.Name()}\ncpu c\n" + string.Concat(kinds.Select(k => $"c: barrier {k}\n"));
        var b = Gen.Events(text);
        Assert.AreEqual(kinds.Length, b.Count);
        for (int i = 0; i < kinds.Length; i++)
        {
            Assert.AreEqual(EventKind.Barrier, b.Kinds[i]);
            Assert.AreEqual(kinds[i].Value, (ushort)b.Aux[i], kinds[i].ToString());
        }
    }

    [TestMethod]
    [DataRow("fence.wr.o", "fence.rw.o")]
    [DataRow("fence.owi.r", "fence.iow.r")]
    public void Barrier_RiscvSetsInAnyOrder_AreTheSameFence(string written, string canonical)
    {
        var b = Gen.Events($"arch riscv64\ncpu c\nc: barrier {written}\nc: barrier {canonical}\n");
        Assert.AreEqual(b.Aux[1], b.Aux[0]);
    }

    [TestMethod]
    [DataRow("arm64", "lfence", "not valid for arch arm64")]
    [DataRow("arm64", "fence.w.o", "not valid for arch arm64")]
    [DataRow("x86_64", "dmb.sy", "not valid for arch x86_64")]
    [DataRow("riscv64", "mfence", "not valid for arch riscv64")]
    [DataRow("sc", "fence.rw.rw", "sc accepts only")]
    [DataRow("riscv64", "fence.ww.o", "unknown barrier 'fence.ww.o'")]
    [DataRow("riscv64", "fence.x.o", "unknown barrier")]
    [DataRow("riscv64", "fence.w", "unknown barrier")]
    [DataRow("x86_64", "mfense", "(did you mean 'mfence'?)")]
    [DataRow("arm64", "dma_wbm", "(did you mean 'dma_wmb'?)")]
    public void Barrier_InvalidForArch_FailsAtKindColumn(string arch, string kind, string message)
    {
        var e = Gen.Error($"arch {arch}\ncpu c\nc: barrier {kind}\n");
        Assert.AreEqual(3, e.Line);
        Assert.AreEqual(12, e.Column);
        StringAssert.Contains(e.Message, message);
    }
}
