namespace TraceTools.Tests.Reports;

/// <summary>
/// missing-cache-clean's help when a barrier that completes cache maintenance already lies between the store and the
/// doorbell (riscv64: writel's dma_wmb is fence ow,ow): the clean alone, before it, is the fix; where none does
/// (arm64's dmb oshst, x86's compiler barrier) the help asks for one. Followed as written, each turns the trace clean.
/// </summary>
[TestClass]
public sealed class CleanCompletionHelpTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-cleanhelp").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    static string Send(string arch, string beforeDoorbell) => $"""
        arch {arch}
        cpu cpu0
        device dsp noncoherent
        ram  txbuf 0x90000000 size 0x100
        mmio dspreg 0xfe100000 size 0x10 device dsp
        cpu0: store txbuf size 0x100 @ "dsp_send: memcpy"
        {beforeDoorbell}
        cpu0: writel dspreg = 1 @ "dsp_send: writel"
        dsp:  dma_read txbuf size 0x100 @ "dsp: fetch"
        """;

    [TestMethod]
    [DataRow("riscv64", "help: put cache_clean txbuf+0x0..0x100 on cpu0 after #0 and before #1: the dma_wmb at #1 completes it before #2, cpu0's doorbell",
        "cpu0: cache_clean txbuf size 0x100")]
    [DataRow("arm64", "help: put cache_clean txbuf+0x0..0x100 on cpu0 after #0, then a completion barrier (wmb / dsb st; the dma_wmb in writel is dmb oshst, which does not complete it) before #2, cpu0's doorbell",
        "cpu0: cache_clean txbuf size 0x100\ncpu0: barrier wmb")]
    [DataRow("x86_64", "help: put cache_clean txbuf+0x0..0x100 on cpu0 after #0, then sfence (wmb) or mfence (dma_wmb is a compiler barrier) before #2, cpu0's doorbell",
        "cpu0: cache_clean txbuf size 0x100\ncpu0: barrier wmb")]
    public void MissingCacheClean_ThroughWritel_HelpAsksOnlyForWhatIsMissing_WhichIsClean(string arch, string help, string fix)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Send(arch, ""));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual(help, ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Send(arch, fix));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }
}
