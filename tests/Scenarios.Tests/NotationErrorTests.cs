using TraceTools.Scenarios.Internals.Syntax;

namespace TraceTools.Tests;

/// <summary>
/// What a newcomer writes from the reports' help lines, the ladder and the kernel sources: each error names the
/// language's spelling or form, on one line at file:line:column.
/// </summary>
[TestClass]
public sealed class NotationErrorTests
{
    // Lines 1..4; steps start on line 5.
    const string Arm64 = "arch arm64\ncpu cpu0\ndevice d\nram txbuf 0x1000 size 0x200\n";
    const string Riscv = "arch riscv64\ncpu cpu0\ndevice d\nram txbuf 0x1000 size 0x200\n";

    [TestMethod]
    [DataRow(Arm64 + "cpu0: barrier dmb oshst\n", 5, 15, "unknown barrier 'dmb oshst' for arch arm64: the language writes it 'dmb.oshst' (did you mean 'dmb.oshst'?)")]
    [DataRow(Arm64 + "cpu0: barrier dsb st\n", 5, 15, "(did you mean 'dsb.st'?)")]
    [DataRow(Riscv + "cpu0: barrier fence w,o\n", 5, 15, "unknown barrier 'fence w,o' for arch riscv64: the language writes it 'fence.w.o' (did you mean 'fence.w.o'?)")]
    [DataRow(Riscv + "cpu0: barrier fence ow, ow\n", 5, 15, "(did you mean 'fence.ow.ow'?)")]
    [DataRow(Arm64 + "cpu0: dmb oshst\n", 5, 7, "unknown op 'dmb oshst': a raw barrier is written 'barrier dmb.oshst' (did you mean 'barrier dmb.oshst'?)")]
    [DataRow(Arm64 + "cpu0: dmb.oshst\n", 5, 7, "unknown op 'dmb.oshst': a raw barrier is written 'barrier dmb.oshst'")]
    [DataRow(Riscv + "cpu0: fence ow,ow\n", 5, 7, "(did you mean 'barrier fence.ow.ow'?)")]
    [DataRow(Arm64 + "cpu0: barrier fence w,o\n", 5, 15, "barrier 'fence w,o' (the language writes it 'fence.w.o') is not valid for arch arm64")]
    public void Barrier_WrittenAsTheAssemblyReads_NamesTheLanguageSpelling(string text, int line, int column, string message) =>
        ErrorTests.AssertError(text, line, column, message);

    [TestMethod]
    public void Barrier_SpacedSpelling_DoesNotSuggestAnotherBarrier()
    {
        var e = Gen.Error(Arm64 + "cpu0: barrier dmb oshst\n");
        Assert.IsFalse(e.Message.Contains("'mb'", StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    [DataRow(Arm64 + "cpu0: cache_clean txbuf+0x0..0x100\n", 5, 28, "the ladder's range 0x0..0x100 is written 'txbuf + 0x0 size 0x100' (expected 'size N' after the address)")]
    [DataRow(Arm64 + "cpu0: cache_clean txbuf + 0x10..0x40\n", 5, 31, "is written 'txbuf + 0x10 size 0x30'")]
    public void Range_InLadderNotation_SaysHowTheLanguageWritesIt(string text, int line, int column, string message) =>
        ErrorTests.AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(Arm64 + "cpu0: dma_wmb()\n", 5, 14, "'dma_wmb' takes no '(...)': write 'cpu0: dma_wmb'")]
    [DataRow(Arm64 + "cpu0: barrier()\n", 5, 14, "'barrier' takes no '(...)': write 'cpu0: barrier'")]
    [DataRow(Arm64 + "cpu0: barrier dma_wmb()\n", 5, 22, "'dma_wmb' takes no '(...)': write 'cpu0: barrier dma_wmb'")]
    [DataRow(Arm64 + "d: raise_irq()\n", 5, 13, "'raise_irq' takes no '(...)': write 'd: raise_irq'")]
    [DataRow(Arm64 + "cpu0: store(txbuf, 1)\n", 5, 12, "'store' takes no '(...)': write 'cpu0: store ADDR size N [= VALUE]'")]
    [DataRow(Arm64 + "cpu0: writel (txbuf, 1)\n", 5, 14, "'writel' takes no '(...)': write 'cpu0: writel REG[+OFF] = VALUE'")]
    public void Step_WithParentheses_SaysStepsTakeNone(string text, int line, int column, string message) =>
        ErrorTests.AssertError(text, line, column, message);

    /// <summary>Every op that takes operands has its form in <see cref="OpForms"/>: a new op cannot be shown as bare.</summary>
    [TestMethod]
    public void OpForms_EveryOpWithOperands_HasItsForm()
    {
        string[] bare = ["barrier", "raise_irq", "handover", .. TraceTools.TraceFormat.BarrierCode.LinuxNames];
        foreach (var op in OpNames.CpuOps.Concat(OpNames.DeviceOps).Except(bare))
            Assert.AreNotEqual(op, OpForms.Of(op), op);
    }
}
