namespace TraceTools.Tests.Reports;

/// <summary>
/// A missing-cache-clean's ladder marks a barrier after the cpu's clean that does not complete it
/// (docs/reports.md "The text ladder": <c>&lt;- does not complete the clean #C</c>), on each arch, and the
/// completion barrier its help names makes the same trace clean.
/// </summary>
[TestClass]
public sealed class CompletionMarkerTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-completion").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    /// <summary>cpu0 fills txbuf (#0) and cleans it (#1); then <c>BARRIER</c> (#2) and the doorbell (#3).</summary>
    internal static string Tx(string arch, string barrier) => $"""
        arch {arch}
        cpu cpu0
        device dma noncoherent
        ram txbuf 0x40000000 size 0x1000
        mmio regs 0xfe000000 size 0x100 device dma
        cpu0: store txbuf size 0x80
        cpu0: cache_clean txbuf size 0x80
        cpu0: barrier {barrier}
        cpu0: mmio_write regs size 4 = 1
        dma:  dma_read txbuf size 0x80
        """;

    (int Exit, string[] Lines) Replay(string scenario) => ScenarioReplay.Of(_dir, scenario);

    [TestMethod]
    [DataRow("arm64", "dma_wmb")]    // dmb oshst, as writel has: w,o → w,o, no completion
    [DataRow("arm64", "dsb.ld")]     // a completion barrier whose pred lacks w and c
    [DataRow("x86_64", "dma_wmb")]   // compiler only
    [DataRow("x86_64", "lfence")]    // not a completion barrier
    [DataRow("riscv64", "smp_wmb")]  // fence w,w: completes, but reaches cpus only
    [DataRow("riscv64", "fence.r.o")] // reaches the device, pred without w
    public void NotACompletionBarrier_AfterTheClean_Marked(string arch, string barrier)
    {
        var (exit, lines) = Replay(Tx(arch, barrier));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.IsTrue(lines.Any(l => l.Contains("#2 barrier ", StringComparison.Ordinal) && l.Contains("<- does not complete the clean #1", StringComparison.Ordinal)),
            string.Join("\n", lines));
    }

    [TestMethod]
    [DataRow("arm64", "wmb")]        // dsb st, the help's fix
    [DataRow("arm64", "dsb.sy")]
    [DataRow("x86_64", "sfence")]
    [DataRow("x86_64", "wmb")]
    [DataRow("riscv64", "dma_wmb")]  // fence ow,ow
    [DataRow("riscv64", "fence.w.o")]
    public void CompletionBarrier_AfterTheClean_Clean(string arch, string barrier)
    {
        var (exit, lines) = Replay(Tx(arch, barrier));
        Assert.AreEqual(0, exit, string.Join("\n", lines));
    }

    [TestMethod]
    public void Help_NamesTheCompletionBarrier_AndThatWritelsDmaWmbIsNotOne()
    {
        var (_, lines) = Replay(Tx("arm64", "dma_wmb"));
        StringAssert.Contains(ScenarioReplay.Help(lines), "wmb / dsb st; the dma_wmb in writel is dmb oshst, which does not complete it");
        var (_, x86) = Replay(Tx("x86_64", "dma_wmb"));
        StringAssert.Contains(ScenarioReplay.Help(x86), "sfence (wmb) or mfence (dma_wmb is a compiler barrier)");
    }

    [TestMethod]
    public void BarriersBeforeTheClean_OrAfterACleanOfOtherLines_NotMarked()
    {
        // #1 lies between the store and any clean: nothing to complete. #3 follows only #2, a clean of a line the
        // device does not read. #5 follows #4, a clean of a line it reads: marked, naming #4.
        var (exit, lines) = Replay("""
            arch arm64
            cpu cpu0
            device dma noncoherent
            ram txbuf 0x40000000 size 0x1000
            mmio regs 0xfe000000 size 0x100 device dma
            cpu0: store txbuf size 0x80
            cpu0: barrier dma_wmb
            cpu0: cache_clean txbuf+0x80 size 0x40
            cpu0: barrier dmb.oshst
            cpu0: cache_clean txbuf+0x40 size 0x40
            cpu0: barrier dmb.osh
            cpu0: mmio_write regs size 4 = 1
            dma:  dma_read txbuf size 0x80
            """);
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        string all = string.Join("\n", lines);
        Assert.IsTrue(lines.Any(l => l.Contains("#5 barrier dmb.osh", StringComparison.Ordinal) && l.Contains("<- does not complete the clean #4", StringComparison.Ordinal)), all);
        foreach (var unmarked in new[] { "#1 barrier dma_wmb", "#3 barrier dmb.oshst" })
            Assert.IsTrue(lines.Any(l => l.Contains(unmarked, StringComparison.Ordinal) && !l.Contains("<-", StringComparison.Ordinal)), $"{unmarked}\n{all}");
    }

    [TestMethod]
    public void BarrierAfterACompletingOne_OrAfterTheRelease_NotMarked()
    {
        // The clean (#1) covers half of what the device reads; wmb (#2) completes it. writel's dma_wmb (#3) comes after a
        // completion: not marked (the bug is the half clean). readl's dma_rmb (#6) comes after the doorbell: not marked.
        var (exit, lines) = Replay("""
            arch arm64
            cpu cpu0
            device dma noncoherent
            ram txbuf 0x40000000 size 0x1000
            mmio regs 0xfe000000 size 0x100 device dma
            cpu0: store txbuf size 0x80
            cpu0: cache_clean txbuf size 0x40
            cpu0: barrier wmb
            cpu0: writel regs = 1
            cpu0: readl regs + 4
            dma:  dma_read txbuf size 0x80
            """);
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        Assert.IsFalse(all.Contains("<- does not complete", StringComparison.Ordinal), all);
    }

    [TestMethod]
    public void WritelAfterTheClean_ItsBarrierMarked_ReadlsAfterItNot()
    {
        var (exit, lines) = Replay("""
            arch arm64
            cpu cpu0
            device dma noncoherent
            ram txbuf 0x40000000 size 0x1000
            mmio regs 0xfe000000 size 0x100 device dma
            cpu0: store txbuf size 0x80
            cpu0: cache_clean txbuf size 0x80
            cpu0: writel regs = 1
            cpu0: readl regs + 4
            dma:  dma_read txbuf size 0x80
            """);
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        Assert.IsTrue(lines.Any(l => l.Contains("#2 barrier dma_wmb", StringComparison.Ordinal) && l.Contains("<- does not complete the clean #1", StringComparison.Ordinal)), all);
        Assert.AreEqual(1, lines.Count(l => l.Contains("<- does not complete", StringComparison.Ordinal)), all);
    }

    /// <summary>cpu0 fills txbuf (#0); then <c>STEPS</c> (#1..#3), the doorbell among them.</summary>
    static string TxAround(string arch, string steps) => $"""
        arch {arch}
        cpu cpu0
        device dma noncoherent
        ram txbuf 0x40000000 size 0x1000
        mmio regs 0xfe000000 size 0x100 device dma
        cpu0: store txbuf size 0x80
        {steps}
        dma:  dma_read txbuf size 0x80
        """;

    [TestMethod]
    [DataRow("arm64", "wmb")]
    [DataRow("x86_64", "sfence")]
    [DataRow("riscv64", "dma_wmb")]
    public void CompletionBarrierAfterTheDoorbell_MarkedAfterTheDoorbell(string arch, string barrier)
    {
        var (block, all) = MissingCacheCleanBlock(arch, $"""
            cpu0: cache_clean txbuf size 0x80
            cpu0: mmio_write regs size 4 = 1
            cpu0: barrier {barrier}
            """);
        Assert.IsTrue(block.Any(l => l.Contains($"#3 barrier {barrier}   <- after the doorbell", StringComparison.Ordinal)), all);
        Assert.IsFalse(block.Any(l => l.Contains("#1 cache_clean", StringComparison.Ordinal) && l.Contains("<-", StringComparison.Ordinal)), all);
    }

    [TestMethod]
    [DataRow("arm64", "wmb")]
    [DataRow("x86_64", "wmb")]
    [DataRow("riscv64", "fence.w.o")]
    public void CleanAndBarrierAfterTheDoorbell_BothMarked(string arch, string barrier)
    {
        var (block, all) = MissingCacheCleanBlock(arch, $"""
            cpu0: mmio_write regs size 4 = 1
            cpu0: cache_clean txbuf size 0x80
            cpu0: barrier {barrier}
            """);
        Assert.IsTrue(block.Any(l => l.Contains("#2 cache_clean txbuf+0x0 size 128   <- after the doorbell", StringComparison.Ordinal)), all);
        Assert.IsTrue(block.Any(l => l.Contains($"#3 barrier {barrier}   <- after the doorbell", StringComparison.Ordinal)), all);
    }

    [TestMethod]
    public void AfterTheDoorbell_OnlyWhatWouldHaveCounted_Marked()
    {
        // dma_wmb (#3) after the doorbell completes nothing; the clean of another line (#4) holds no byte the device
        // reads; wmb (#6) follows wmb (#2), which completed the half clean (#1) before the doorbell: the half is the bug.
        var (block, all) = MissingCacheCleanBlock("arm64", """
            cpu0: cache_clean txbuf size 0x40
            cpu0: barrier wmb
            cpu0: mmio_write regs size 4 = 1
            cpu0: barrier dma_wmb
            cpu0: cache_clean txbuf+0x100 size 0x40
            cpu0: barrier wmb
            """);
        Assert.IsFalse(block.Any(l => l.Contains("<- after the", StringComparison.Ordinal)), all);
    }

    /// <summary>
    /// The missing-cache-clean block of <see cref="TxAround"/>'s report (the same trace may report a stale-dma-read
    /// first), and the whole report for assertion messages.
    /// </summary>
    (string[] Block, string All) MissingCacheCleanBlock(string arch, string steps)
    {
        var (exit, lines) = Replay(TxAround(arch, steps));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        string[] block = [.. lines.SkipWhile(l => !l.StartsWith("error[missing-cache-clean]", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0)];
        Assert.IsNotEmpty(block, all);
        return (block, all);
    }
}
