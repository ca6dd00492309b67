using System.Text.Json;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>
/// The JSON and SARIF message of a barrier kind says what lay between the two events that needed ordering
/// (docs/reports.md "JSON"): cli.md's "(no store barrier between them)" only when no barrier did; a barrier of the
/// wrong class or domain is named, with its index, and why it did not help, per arch. So is a missing-cache-invalidate's
/// invalidation that came after the device's write but before its completion was observed, and a missing-cache-clean's
/// clean that no barrier completed before the doorbell.
/// </summary>
[TestClass]
public sealed class BarrierMessageTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-barrier-message").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    /// <summary>cpu0 fills xqc (#0), then <c>BODY</c> (a barrier at #1 or nothing), the doorbell, the device's read.</summary>
    static string Mailbox(string arch, string barrier) => $"""
        arch {arch}
        cpu cpu0
        device qm
        ram  xqc   0x40000000 size 0x1000
        mmio qm_mb 0xfe000000 size 0x100 device qm
        cpu0: store xqc size 64
        {(barrier.Length > 0 ? $"cpu0: barrier {barrier}" : "")}
        cpu0: mmio_write qm_mb size 4 = 1
        qm:   dma_read xqc size 64
        """;

    string Message(string scenario, string format = "json", string? kind = null)
    {
        string scn = Path.Combine(_dir, "s.scn"), trace = Path.Combine(_dir, "s.trace");
        File.WriteAllText(scn, scenario);
        Assert.AreEqual(0, RepoPaths.Run("gen", scn, "-o", trace).Exit);
        var (exit, output, err) = RepoPaths.Run("replay", trace, "--format", format);
        Assert.AreEqual(1, exit, err + output);
        var root = JsonDocument.Parse(output).RootElement;
        return format == "json"
            ? root.GetProperty("findings").EnumerateArray().First(g => kind is null || g.GetProperty("kind").GetString() == kind).GetProperty("message").GetString()!
            : root.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("message").GetProperty("text").GetString()!;
    }

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void StaleDmaRead_NoBarrier_CliMdText(string arch) =>
        Assert.AreEqual("qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #1 (no store barrier between them)",
            Message(Mailbox(arch, "")));

    [TestMethod]
    [DataRow("arm64", "smp_wmb")]    // dmb ishst: inner shareable
    [DataRow("arm64", "dmb.ishst")]
    [DataRow("arm64", "dmb.ish")]
    [DataRow("riscv64", "smp_wmb")]  // fence w,w: no o, no i
    [DataRow("riscv64", "fence.rw.rw")]
    public void StaleDmaRead_BarrierOfTheCpusDomain_NamedAndWhy(string arch, string barrier) =>
        Assert.AreEqual($"qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #2 (the barrier between them, {barrier} at #1, does not order stores for devices)",
            Message(Mailbox(arch, barrier)));

    [TestMethod]
    [DataRow("arm64", "dma_rmb")]    // dmb oshld: a read barrier
    [DataRow("arm64", "barrier")]    // the compiler's
    [DataRow("riscv64", "fence.r.o")]
    public void StaleDmaRead_BarrierOfTheWrongClass_NamedAndWhy(string arch, string barrier) =>
        Assert.AreEqual($"qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #2 (the barrier between them, {barrier} at #1, does not order stores)",
            Message(Mailbox(arch, barrier)));

    [TestMethod]
    public void StaleDmaRead_SeveralBarriers_CountedAndTheLatestNamed()
    {
        string scenario = Mailbox("arm64", "smp_wmb").Replace("cpu0: barrier smp_wmb", "cpu0: barrier smp_rmb\ncpu0: barrier smp_wmb", StringComparison.Ordinal);
        Assert.AreEqual("qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #3 (none of the 2 barriers between them orders it: the latest, smp_wmb at #2, does not order stores for devices)",
            Message(scenario));
    }

    [TestMethod]
    [DataRow("", "(no store barrier between them within 1024 events of either)")]
    [DataRow("cpu0: barrier smp_wmb", "(the barrier between them, smp_wmb at #70001, does not order stores for devices)")]
    public void StaleDmaRead_WindowPast65536Events_ReadNearBothEnds(string before, string note)
    {
        // 70,000 stores to another buffer lie between the store (#0) and the doorbell: read within 1,024 events of either.
        string scenario = Mailbox("arm64", "").Replace("cpu0: mmio_write", $"repeat 70000 as k {{\n  cpu0: store pad size 8 = 0\n}}\n{before}\ncpu0: mmio_write", StringComparison.Ordinal)
            .Replace("mmio qm_mb", "ram  pad   0x50000000 size 0x40\nmmio qm_mb", StringComparison.Ordinal);
        StringAssert.EndsWith(Message(scenario), note);
    }

    [TestMethod]
    public void StaleDmaRead_Sarif_SameMessage() =>
        StringAssert.StartsWith(Message(Mailbox("arm64", "smp_wmb"), "sarif"),
            "qm read xqc+0x0..0x40, stored by cpu0 at #0, which is not ordered before the doorbell at #2 (the barrier between them, smp_wmb at #1, does not order stores for devices). help: ");

    /// <summary>The nic writes rxbuf and the done word; cpu0 reads done (#2), then <c>BARRIER</c> (#3), then rxbuf.</summary>
    static string Rx(string arch, string barrier) => $"""
        arch {arch}
        cpu cpu0
        device nic
        ram  rxbuf 0x40000000 size 0x100
        sync done  0x41000000 size 0x10
        nic:  dma_write rxbuf size 0x40
        nic:  dma_write done size 4 = 1
        cpu0: load done size 4
        {(barrier.Length > 0 ? $"cpu0: barrier {barrier}" : "")}
        cpu0: load rxbuf size 0x40
        """;

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("riscv64")]
    public void StaleCpuRead_NoBarrier_Unchanged(string arch) =>
        Assert.AreEqual("cpu0 read rxbuf+0x0..0x40, written by nic at #0, with no read barrier between the acquire at #2 and the read",
            Message(Rx(arch, "")));

    [TestMethod]
    [DataRow("arm64", "smp_rmb", "does not order reads for devices")]   // dmb ishld
    [DataRow("riscv64", "smp_rmb", "does not order reads for devices")] // fence r,r
    [DataRow("arm64", "dma_wmb", "does not order reads")]               // a store barrier
    [DataRow("riscv64", "fence.w.w", "does not order reads")]
    public void StaleCpuRead_WrongBarrier_NamedAndWhy(string arch, string barrier, string why) =>
        Assert.AreEqual($"cpu0 read rxbuf+0x0..0x40, written by nic at #0, and the barrier between the acquire at #2 and the read, {barrier} at #3, {why}",
            Message(Rx(arch, barrier)));
    /// <summary>The dma writes rxbuf (#0); cpu0 does <c>STEPS</c>, then loads rxbuf.</summary>
    static string Inval(string arch, string steps) => $"""
        arch {arch}
        cpu cpu0
        device dma noncoherent
        ram rxbuf 0x48000000 size 0x1000
        dma:  dma_write rxbuf size 0x80
        {steps}
        cpu0: load rxbuf size 0x80
        """;

    [TestMethod]
    [DataRow("arm64", "cache_inval")]
    [DataRow("riscv64", "cache_inval")]
    [DataRow("x86_64", "cache_flush")]
    public void MissingCacheInvalidate_InvalidationBeforeTheCompletionIsObserved_Named(string arch, string op) =>
        Assert.AreEqual("cpu0 read rxbuf+0x0..0x80, written by dma (noncoherent) at #0, and its invalidation of those lines at #1 is not ordered after the write (it comes before the completion of #0 is observed)",
            Message(Inval(arch, $"""
                cpu0: {op} rxbuf size 0x80
                dma:  raise_irq
                cpu0: take_irq dma
                """)));

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("x86_64")]
    public void MissingCacheInvalidate_NoInvalidation_OrOfOneLineOnly_Unchanged(string arch) =>
        Assert.AreEqual("cpu0 read rxbuf+0x0..0x80, written by dma (noncoherent) at #0, without invalidating its cache lines after the write",
            Message(Inval(arch, """
                cpu0: cache_flush rxbuf+0x40 size 0x40
                dma:  raise_irq
                cpu0: take_irq dma
                """)));

    [TestMethod]
    [DataRow("arm64", "dma_wmb")]   // dmb oshst, as writel has
    [DataRow("x86_64", "dma_wmb")]  // a compiler barrier
    [DataRow("riscv64", "smp_wmb")] // fence w,w: reaches cpus only
    public void MissingCacheClean_CleanNotCompleted_Named(string arch, string barrier) =>
        Assert.AreEqual("dma (noncoherent) read txbuf+0x0..0x80, stored by cpu0 at #0, which is cleaned at #1, but no barrier between the clean and the doorbell at #3 completes it",
            Message(CompletionMarkerTests.Tx(arch, barrier), kind: "missing-cache-clean"));
}
