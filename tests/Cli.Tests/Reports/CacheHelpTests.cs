namespace TraceTools.Tests.Reports;

/// <summary>
/// The cache kinds' help names the cpu the rule counts maintenance on, the release the clean must be completed
/// before, and one fix where a stale-dma-read and a missing-cache-clean share their store and read (docs/model.md
/// §10.5); following it makes the trace clean.
/// </summary>
[TestClass]
public sealed class CacheHelpTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-cachehelp").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    const string Decls = """
        arch arm64
        cpu cpu0, cpu1
        device dma noncoherent
        ram  txbuf 0x40000000 size 0x1000
        sync flag  0x41000000 size 0x10
        mmio regs  0xfe200000 size 0x100 device dma
        """;

    /// <summary>cpu0 fills and cleans txbuf, then <paramref name="barrier"/> and a flag to cpu1, which rings the doorbell.</summary>
    static string HandOff(string barrier) => $"""
        {Decls}
        cpu0: store txbuf size 0x80
        cpu0: cache_clean txbuf size 0x80
        cpu0: barrier {barrier}
        cpu0: store flag size 4 = 1
        cpu1: load flag size 4
        cpu1: writel regs + 8 = 1
        dma:  dma_read txbuf size 0x80
        """;

    [TestMethod]
    public void MissingCacheClean_HandedToAnotherCpu_HelpNamesTheStoringCpusRelease_WhichIsClean()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, HandOff("smp_wmb"));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual(
            "help: put cache_clean txbuf+0x0..0x80 on cpu0 after #0, then a completion barrier (wmb / dsb st; the dma_wmb in writel is dmb oshst, which does not complete it) before #3, cpu0's release store",
            ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, HandOff("wmb"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    /// <summary>cpu0 fills and cleans txbuf and rings with writel_relaxed; <paramref name="after"/> follows the doorbell, <paramref name="before"/> precedes it.</summary>
    static string Relaxed(string before, string after) => $"""
        {Decls}
        cpu0: store txbuf size 0x80
        cpu0: cache_clean txbuf size 0x80
        {before}
        cpu0: writel_relaxed regs + 8 = 1
        {after}
        dma:  dma_read txbuf size 0x80
        """;

    [TestMethod]
    public void StaleDmaRead_AndMissingCacheClean_OfOneStoreAndRead_OneHelp_WhichFixesBoth()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Relaxed("", "cpu0: barrier wmb"));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "error[stale-dma-read]");
        StringAssert.Contains(all, "error[missing-cache-clean]");
        var helps = lines.Where(l => l.TrimStart().StartsWith("help:", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
        Assert.HasCount(2, helps, all);
        const string clean = "help: put cache_clean txbuf+0x0..0x80 on cpu0 after #0, then a completion barrier (wmb / dsb st; the dma_wmb in writel is dmb oshst, which does not complete it) before #2, cpu0's doorbell";
        CollectionAssert.AreEquivalent(new[] { clean + ": it also orders #0 before the doorbell #2", clean }, helps, all);
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Relaxed("cpu0: barrier wmb", ""));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void StaleDmaRead_OfACoherentDevice_StillNamesDmaWmb()
    {
        // No missing-cache-clean shares the store: the store barrier is the fix, as before.
        var (exit, lines) = ScenarioReplay.Of(_dir, Relaxed("", "").Replace("noncoherent", "coherent", StringComparison.Ordinal).Replace("cpu0: cache_clean txbuf size 0x80\n", "", StringComparison.Ordinal));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual("help: put a store barrier (dma_wmb / dmb oshst) between #0 and #1", ScenarioReplay.Help(lines));
    }

    /// <summary>cpu0 takes the irq, <paramref name="cpu0"/>, hands the buffer to cpu1, which <paramref name="cpu1"/> and loads it.</summary>
    static string Rx(string arch, string cpu0, string cpu1) => $"""
        arch {arch}
        cpu cpu0, cpu1
        device nic noncoherent
        ram  rxbuf 0x40000000 size 0x1000
        sync fwd   0x41000000 size 0x10
        nic:  dma_write rxbuf size 0x80
        nic:  raise_irq
        cpu0: take_irq nic
        {cpu0}
        cpu0: store_release fwd size 4 = 1
        cpu1: load_acquire fwd size 4
        {cpu1}
        cpu1: load rxbuf size 0x80
        """;

    [TestMethod]
    [DataRow("arm64", "cache_inval", "cpu0: barrier dsb.sy")]
    [DataRow("x86_64", "cache_flush (clflush; x86_64 has no invalidation alone)", "cpu0: barrier mfence")]
    public void MissingCacheInvalidate_OnAnotherCpu_HelpNamesTheLoadingCpu_WhichIsClean(string arch, string op, string fence)
    {
        string invalidation = arch == "x86_64" ? "cache_flush" : "cache_inval";
        var (exit, lines) = ScenarioReplay.Of(_dir, Rx(arch, $"cpu0: {invalidation} rxbuf size 0x80\n{fence}", ""));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        StringAssert.StartsWith(ScenarioReplay.Help(lines), $"help: put {op} rxbuf+0x0..0x80 on cpu1 after the completion of #0 is observed and before #");
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Rx(arch, "", $"cpu1: {invalidation} rxbuf size 0x80"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }
}
