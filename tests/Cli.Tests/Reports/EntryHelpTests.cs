namespace TraceTools.Tests.Reports;

/// <summary>
/// The table kinds' help names a fix that makes the trace clean when applied as written (docs/model.md §4 and
/// §7.15): the update protocol with the store barriers the arch needs, and an invalidation after another cpu's
/// clear through a hand-off; the ladder shows the invalidation that did not count.
/// </summary>
[TestClass]
public sealed class EntryHelpTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-entryhelp").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    const string Table = """
        cpu cpu0, cpu1
        device iommu
        sync flag 0x3000 size 8
        table pasid 0x100000 entries 64 entry_size 64 granule 16 present bit 0 fetcher iommu
        table other 0x200000 entries 4 entry_size 64 granule 16 present bit 0 fetcher iommu
        """;

    /// <summary>pasid[7] live and fetched (#0..#3), then rewritten in place between two granule reads of one fetch.</summary>
    static string Torn(string arch) => $"""
        arch {arch}
        {Table}
        cpu0:  store pasid[7] + 16 size 8 = 0xaaaa
        cpu0:  barrier mb
        cpu0:  store pasid[7] size 8 = 0x1
        iommu: fetch pasid[7] granule 0
        cpu0:  store pasid[7] + 16 size 8 = 0xbbbb
        iommu: fetch pasid[7] granule 1
        """;

    /// <summary>The same rewrite by the protocol, with <paramref name="barrier"/> where the help puts dma_wmb (none: "").</summary>
    static string Protocol(string arch, string barrier) => $"""
        arch {arch}
        {Table}
        cpu0:  store pasid[7] + 16 size 8 = 0xaaaa
        cpu0:  barrier mb
        cpu0:  store pasid[7] size 8 = 0x1
        iommu: fetch pasid[7] granule 0
        iommu: fetch pasid[7] granule 1
        cpu0:  store pasid[7] size 8 = 0x0
        {barrier}
        cpu0:  dev_invalidate iommu pasid[7]
        cpu0:  store pasid[7] + 16 size 8 = 0xbbbb
        {barrier}
        cpu0:  store pasid[7] size 8 = 0x1
        iommu: fetch pasid[7] granule 0
        iommu: fetch pasid[7] granule 1
        """;

    [TestMethod]
    [DataRow("arm64", "a store barrier (dma_wmb / dmb oshst), dev_invalidate the entry, update it, dma_wmb again, then set present")]
    [DataRow("riscv64", "a store barrier (dma_wmb / fence ow,ow), dev_invalidate the entry, update it, dma_wmb again, then set present")]
    [DataRow("x86_64", "clear present, dev_invalidate the entry, update it, then set present")]
    public void TornEntryFetch_Help_IsTheProtocolWithTheArchsBarriers_WhichIsClean(string arch, string protocol)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Torn(arch));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        string help = lines.First(l => l.Contains("help: clear present", StringComparison.Ordinal));
        StringAssert.Contains(help, protocol);
        string barrier = arch == "x86_64" ? "" : "cpu0:  barrier dma_wmb";
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Protocol(arch, barrier));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void Protocol_WithoutTheBarriers_IsNotClean_OnWeakArchs(string arch)
    {
        // Why the help names them: the protocol's own steps fail without them.
        var (exit, lines) = ScenarioReplay.Of(_dir, Protocol(arch, ""));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "error[missing-flush-after-clear]");
        StringAssert.Contains(all, "error[present-before-payload]");
    }

    /// <summary>cpu1 clears pasid[7] (#3); cpu0 orders nothing after it but its own barrier, invalidates (#5) and rewrites (#6).</summary>
    static string ClearOnOtherCpu(string handOff) => $"""
        arch arm64
        {Table}
        cpu0: store pasid[7] + 16 size 8 = 0x1000
        cpu0: barrier dma_wmb
        cpu0: store pasid[7] size 8 = 1
        cpu1: store pasid[7] size 8 = 0
        {handOff}
        cpu0: barrier dma_wmb
        cpu0: dev_invalidate iommu pasid[7]
        cpu0: store pasid[7] + 16 size 8 = 0x2000
        """;

    [TestMethod]
    public void MissingFlushAfterClear_ClearOnAnotherCpu_HelpAsksForTheHandOff_WhichIsClean()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, ClearOnOtherCpu(""));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "pasid[7] is changed after clearing present, with no invalidation of iommu's copy ordered after the clear");
        Assert.AreEqual(
            "help: hand cpu1's clear at #3 over to cpu0 (a store_release flag or a lock) and put dev_invalidate iommu pasid[7] on cpu0 after it, before #6: an invalidation is ordered after another cpu's clear only through a hand-off",
            ScenarioReplay.Help(lines));
        // cpu0's column starts at the clear: its barrier and invalidation are shown, the invalidation marked.
        Assert.IsTrue(lines.Any(l => l.Contains("#4 barrier dma_wmb", StringComparison.Ordinal)), all);
        Assert.IsTrue(lines.Any(l => l.Contains("#5 dev_invalidate iommu pasid[7]   <- not ordered after the clear #3", StringComparison.Ordinal)), all);
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, ClearOnOtherCpu("cpu1: store_release flag size 4 = 1\ncpu0: load flag size 4"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void MissingFlushAfterClear_SameCpuWithoutTheBarrier_InvalidationMarked_OthersNot()
    {
        // After the clear #1: #2 invalidates another entry, #3 all of the fetcher's entries, #4 pasid[7]: the last two
        // would have counted had the clear been ordered before them; #2 never could.
        var (exit, lines) = ScenarioReplay.Of(_dir, $"""
            arch arm64
            {Table}
            cpu0: store pasid[7] size 8 = 1
            cpu0: store pasid[7] size 8 = 0
            cpu0: dev_invalidate iommu other[1]
            cpu0: dev_invalidate iommu all
            cpu0: dev_invalidate iommu pasid[7]
            cpu0: store pasid[7] + 16 size 8 = 0x2000
            """);
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        Assert.IsTrue(lines.Any(l => l.Contains("#2 dev_invalidate iommu other[1]", StringComparison.Ordinal) && !l.Contains("<-", StringComparison.Ordinal)), all);
        Assert.IsTrue(lines.Any(l => l.Contains("#3 dev_invalidate iommu all   <- not ordered after the clear #1", StringComparison.Ordinal)), all);
        Assert.IsTrue(lines.Any(l => l.Contains("#4 dev_invalidate iommu pasid[7]   <- not ordered after the clear #1", StringComparison.Ordinal)), all);
        StringAssert.Contains(ScenarioReplay.Help(lines), "put dev_invalidate iommu pasid[7] between the clear at #1 and #5, with a store barrier (dma_wmb / dmb oshst) between the clear and the invalidation");
    }

    /// <summary>cpu0 stores ctx's payload (#0); cpu1, after <paramref name="handOff"/>, sets present; the fetcher reads it.</summary>
    static string PayloadOnAnotherCpu(string arch, string handOff) => $"""
        arch {arch}
        {Table}
        cpu0:  store pasid[3] + 8 size 8 = 0x12345000
        {handOff}
        cpu1:  store pasid[3] size 8 = 0x1
        iommu: fetch pasid[3] granule 0
        """;

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    [DataRow("x86_64")]
    [DataRow("sc")]
    public void PresentBeforePayload_NoHandOffBetweenTheCpus_HelpAsksForOne_WhichIsClean(string arch)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, PayloadOnAnotherCpu(arch, ""));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual(
            "help: cpu1 sets present at #1 with no hand-off from cpu0 since the payload store #0 (none the replay saw): hand the payload over before setting present, with a flag written with store_release (smp_store_release) or a lock",
            ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, PayloadOnAnotherCpu(arch, "cpu0: store_release flag size 4 = 1\ncpu1: load flag size 4"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void PresentBeforePayload_PlainHandOff_HelpStillNamesTheBarrierBeforeIt()
    {
        // With a hand-off the replay logged, the missing piece is its order: smp_wmb, as before.
        var (exit, lines) = ScenarioReplay.Of(_dir, PayloadOnAnotherCpu("arm64", "cpu0: store flag size 4 = 1\ncpu1: load flag size 4"));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        StringAssert.Contains(ScenarioReplay.Help(lines), "order the payload store #0 before cpu0's hand-off to cpu1 with smp_wmb (dmb ishst)");
    }
}
