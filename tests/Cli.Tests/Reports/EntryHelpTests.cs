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
        StringAssert.Contains(all, "pasid[7] is changed after clearing present, with no invalidation of iommu's copy ordered between the clear and the change");
        Assert.AreEqual(
            "help: hand cpu1's clear at #3 over to cpu0 (a store_release flag or a lock) before cpu0's invalidation at #5: an invalidation is ordered after another cpu's clear only through a hand-off",
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
        // The help names the latest of them, #4.
        Assert.AreEqual("help: put a store barrier (dma_wmb / dmb oshst) between the clear at #1 and the invalidation at #4: the clear is not ordered before it", ScenarioReplay.Help(lines));
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
        string barrier = arch switch
        {
            "arm64" => "a store barrier (dma_wmb / dmb oshst)",
            "riscv64" => "a store barrier (dma_wmb / fence ow,ow, or the narrower fence w,o)",
            "x86_64" => "a fence (wmb / sfence)",
            _ => "a store barrier (dma_wmb)",
        };
        var (exit, lines) = ScenarioReplay.Of(_dir, PayloadOnAnotherCpu(arch, ""));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual(
            $"help: cpu1 sets present at #1 with no hand-off from cpu0 since the payload store #0 that the replay saw: hand the payload over before setting present, from cpu0 with a flag written with store_release (smp_store_release) or a lock, or, where a device relays it (edges out of devices are not logged), with {barrier} before cpu0's doorbell (writel)",
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

    /// <summary>cpu1 clears pasid[7] (#3) and invalidates it (<paramref name="beforeInvalidation"/>, then the invalidation), then <paramref name="handOff"/>; cpu0 rewrites it.</summary>
    static string InvalidatedOnTheClearingCpu(string beforeInvalidation, string handOff) => $"""
        arch arm64
        {Table}
        cpu0: store pasid[7] + 16 size 8 = 0x1000
        cpu0: barrier dma_wmb
        cpu0: store pasid[7] size 8 = 1
        cpu1: store pasid[7] size 8 = 0
        {beforeInvalidation}
        cpu1: dev_invalidate iommu pasid[7]
        {handOff}
        cpu0: store pasid[7] + 16 size 8 = 0x2000
        """;

    [TestMethod]
    public void MissingFlushAfterClear_InvalidatedOnTheClearingCpu_NotHandedOver_HelpAsksForTheHandOff_WhichIsClean()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, InvalidatedOnTheClearingCpu("cpu1: barrier dma_wmb", ""));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual("help: hand cpu1's invalidation at #5 over to cpu0 (a store_release flag after it, or a lock) before #6, with a store barrier (dma_wmb / dmb oshst) between the clear at #3 and the invalidation at #5",
            ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, InvalidatedOnTheClearingCpu("cpu1: barrier dma_wmb", "cpu1: store_release flag size 4 = 1\ncpu0: load_acquire flag size 4"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void MissingFlushAfterClear_InvalidatedOnTheClearingCpu_HandedOverWithoutTheBarrier_HelpAsksForTheBarrier_WhichIsClean()
    {
        const string handOff = "cpu1: store_release flag size 4 = 1\ncpu0: load_acquire flag size 4";
        var (exit, lines) = ScenarioReplay.Of(_dir, InvalidatedOnTheClearingCpu("", handOff));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        Assert.AreEqual("help: put a store barrier (dma_wmb / dmb oshst) between the clear at #3 and the invalidation at #4 on cpu1: the clear is not ordered before it",
            ScenarioReplay.Help(lines));
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, InvalidatedOnTheClearingCpu("cpu1: barrier dma_wmb", handOff));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }

    [TestMethod]
    public void PresentBeforePayload_HandOffThroughADevice_TheHelpsDoorbellFixIsClean()
    {
        // cpu0's payload reaches cpu1 through a helper device (relaxed doorbell, interrupt): the replay logs no edge out
        // of a device, so the help names both hand-offs; the device one, writel, makes it clean.
        string Relay(string doorbell) => $"""
            arch arm64
            cpu cpu0, cpu1
            device iommu
            device helper
            mmio hdb 0xf000 size 0x10 device helper
            table ctx 0x200000 entries 16 entry_size 16 granule 16 present bit 0 fetcher iommu
            cpu0:   store ctx[3] + 8 size 8 = 0x1234
            cpu0:   {doorbell}
            helper: raise_irq
            cpu1:   take_irq helper
            cpu1:   store ctx[3] size 8 = 0x1
            iommu:  fetch ctx[3] granule 0
            """;
        var (exit, lines) = ScenarioReplay.Of(_dir, Relay("writel_relaxed hdb = 1"));
        Assert.AreEqual(1, exit, string.Join("\n", lines));
        StringAssert.Contains(ScenarioReplay.Help(lines), "where a device relays it (edges out of devices are not logged), with a store barrier (dma_wmb / dmb oshst) before cpu0's doorbell (writel)");
        var (fixedExit, fixedLines) = ScenarioReplay.Of(_dir, Relay("writel hdb = 1"));
        Assert.AreEqual(0, fixedExit, string.Join("\n", fixedLines));
    }
}
