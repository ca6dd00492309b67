using TraceTools.Tests.Hardening;

namespace TraceTools.Tests.EndToEnd;

/// <summary>
/// The kexec samples through a trace file (format v3): gen, replay, the per-instance severity of unquiesced-dma in
/// IOMMU abort mode (a warning: counted as one, and --fail-on error does not fail on it), dump's spelling.
/// </summary>
[TestClass]
public sealed class KexecTraceTests
{
    static (int Exit, string Out, string Err) GenReplay(Scratch s, string sample, params string[] replayArgs)
    {
        string trace = s.Path(sample + ".trace");
        var gen = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace);
        Assert.AreEqual(0, gen.Exit, gen.Err);
        return RepoPaths.Run(["replay", trace, .. replayArgs]);
    }

    [TestMethod]
    [DataRow("kexec-smmuv3-abort", "", 0, "warning[unquiesced-dma]: nic still DMAs after the handover: the IOMMU aborts its transactions", "0 errors, 1 warning in 1 group")]
    [DataRow("kexec-smmuv3-abort", "warning", 1, "warning[unquiesced-dma]", "0 errors, 1 warning in 1 group")]
    [DataRow("kexec-smmuv2-bypass", "", 1, "error[unquiesced-dma]: nic still DMAs after the handover: the IOMMU is in bypass", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-dma-after-unmap", "", 1, "error[dma-outside-mapping]: nic reads txbuf+0x0..0x100 after the dma_unmap at #7 ended its mapping", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-smmuv2-bypass-fixed", "", 0, "", "0 errors, 0 warnings in 0 groups")]
    [DataRow("kexec-smmuv2-shutdown-order", "", 1, "error[unquiesced-dma]: nic still DMAs after its IOMMU mode changed under it to bypass: the IOMMU no longer translates", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-vtd-translation-off", "", 1, "error[unquiesced-dma]: nic still DMAs after its IOMMU mode changed under it to bypass", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-riscv-iommu-off", "error", 0, "warning[unquiesced-dma]: nic still DMAs after its IOMMU mode changed under it to abort: the IOMMU aborts", "0 errors, 1 warning in 1 group")]
    [DataRow("kexec-smmuv3-passthrough", "", 1, "error[unquiesced-dma]: nic still DMAs after the handover: the IOMMU is in bypass", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-smmuv3-passthrough-fixed", "", 0, "", "0 errors, 0 warnings in 0 groups")]
    [DataRow("kexec-vtd-passthrough", "", 1, "error[unquiesced-dma]: nic still DMAs after the handover: the IOMMU is in bypass", "1 error, 0 warnings in 1 group")]
    [DataRow("kexec-vtd-passthrough-fixed", "", 0, "", "0 errors, 0 warnings in 0 groups")]
    [DataRow("kexec-riscv-iommu-bare", "error", 0, "warning[unquiesced-dma]: nic still DMAs after its IOMMU mode changed under it to abort", "0 errors, 1 warning in 1 group")]
    [DataRow("kexec-riscv-iommu-bare-fixed", "", 0, "", "0 errors, 0 warnings in 0 groups")]
    [DataRow("kexec-amdvi-iommu-off", "", 1, "error[unquiesced-dma]: nic still DMAs after its IOMMU mode changed under it to bypass: the IOMMU no longer translates", "2 errors, 0 warnings in 2 groups")]
    [DataRow("kexec-amdvi-iommu-off", "", 1, "error[unquiesced-dma]: nic still DMAs after the handover: the new owner's IOMMU translates its addresses through mappings not made for them", "2 errors, 0 warnings in 2 groups")]
    [DataRow("kexec-amdvi-iommu-off-fixed", "", 0, "", "0 errors, 0 warnings in 0 groups")]
    public void Replay_KexecSample_SeverityOfTheInstanceDecidesTheExitCode(string sample, string failOn, int exit, string header, string summary)
    {
        using var s = new Scratch();
        var r = failOn.Length == 0 ? GenReplay(s, sample) : GenReplay(s, sample, "--fail-on", failOn);
        Assert.AreEqual(exit, r.Exit, r.Err);
        StringAssert.Contains(r.Out, header);
        StringAssert.Contains(r.Out, summary);
    }

    [TestMethod]
    public void Replay_DeclaredModeAtTheStart_MessageInfoAndNoEventRelated()
    {
        using var s = new Scratch();
        var json = GenReplay(s, "kexec-riscv-iommu-bare", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var f = doc.RootElement.GetProperty("findings")[0];
        StringAssert.Contains(f.GetProperty("message").GetString(),
            "after its IOMMU mode changed to abort at #1, and no quiesce stopped it since it was started under another mode (before the trace began, under bypass: its mode at the trace's start)");
        var related = f.GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual(1, related.GetArrayLength(), "never rung: no doorbell");
        var info = RepoPaths.Run("info", s.Path("kexec-riscv-iommu-bare.trace"));
        StringAssert.Contains(info.Out, "nic      device coherent, IOMMU bypass at the start");
        // The handover case of a device never set in the trace: no iommu-mode related, the severity from the declared mode.
        var pt = GenReplay(s, "kexec-smmuv3-passthrough", "--format", "json");
        using var pd = System.Text.Json.JsonDocument.Parse(pt.Out);
        var ptRelated = pd.RootElement.GetProperty("findings")[0].GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual(("handover", 1), (ptRelated[0].GetProperty("role").GetString(), ptRelated.GetArrayLength()));
    }

    [TestMethod]
    [DataRow("kexec-smmuv3-passthrough", 2)]
    [DataRow("kexec-vtd-passthrough", 3)]
    public void Replay_PassthroughSample_TheIommuShutdownsReSetIsNoChange(string sample, int handover)
    {
        using var s = new Scratch();
        var text = GenReplay(s, sample);
        StringAssert.Contains(text.Out, $"help: stop nic and wait until it is idle (its driver's .shutdown: quiesce nic) before the handover at #{handover}\n");
        Assert.DoesNotContain("mode changes", text.Out);
        var json = GenReplay(s, sample, "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var related = doc.RootElement.GetProperty("findings")[0].GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual(1, related.GetArrayLength(), "the re-set bypass is not related, nor a doorbell (never rung)");
    }

    [TestMethod]
    public void Replay_AmdViSample_ModeChangeBeforeTheHandoverThenTheNextKernelsDomain()
    {
        using var s = new Scratch();
        // disable_iommus (#4) under the running NIC, then the next kernel's default DMA domain (#7) after the handover (#6).
        var json = GenReplay(s, "kexec-amdvi-iommu-off", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var findings = doc.RootElement.GetProperty("findings");
        Assert.AreEqual(2, findings.GetArrayLength());
        static string Related(System.Text.Json.JsonElement f) => string.Join(", ", f.GetProperty("instances")[0].GetProperty("related")
            .EnumerateArray().Select(r => $"{r.GetProperty("role").GetString()} #{r.GetProperty("index").GetInt32()}"));
        Assert.AreEqual(("error", "iommu-mode #4, doorbell #2"), (findings[0].GetProperty("severity").GetString(), Related(findings[0])));
        Assert.AreEqual(("error", "handover #6, iommu-mode #7, doorbell #2"), (findings[1].GetProperty("severity").GetString(), Related(findings[1])));
        Assert.AreEqual(4, findings[0].GetProperty("instances")[0].GetProperty("fix").GetInt32(), "the quiesce goes before disable_iommus");
    }

    static (int Exit, string Out, string Err) GenReplayText(Scratch s, string scenario)
    {
        string scn = s.Path("t.scn"), trace = s.Path("t.trace");
        File.WriteAllText(scn, scenario);
        var gen = RepoPaths.Run("gen", scn, "-o", trace);
        Assert.AreEqual(0, gen.Exit, gen.Err);
        return RepoPaths.Run("replay", trace);
    }

    const string OneNic = "arch arm64\ncpu cpu0\n{0}\nram buf 0x1000 size 0x100\nmmio regs 0x2000 size 0x10 device nic\n";

    [TestMethod]
    public void Replay_DeclaredAbortAfterHandover_TheMessageSaysWhereTheModeComesFrom()
    {
        using var s = new Scratch();
        var r = GenReplayText(s, string.Format(OneNic, "device nic iommu abort") + "cpu0: writel regs = 1\ncpu0: handover\nnic: dma_write buf size 8\n");
        StringAssert.Contains(r.Out, "warning[unquiesced-dma]: nic still DMAs after the handover: the IOMMU aborts its transactions");
        var again = RepoPaths.Run("replay", s.Path("t.trace"), "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(again.Out);
        StringAssert.EndsWith(doc.RootElement.GetProperty("findings")[0].GetProperty("message").GetString(), "instead of landing in memory (in abort since the trace's start)");
    }

    [TestMethod]
    [DataRow("translate", "a reset before its IOMMU domain is attached, or the .shutdown of the kernel that started it) before its IOMMU mode changes at #2, and start it again only after the change\n")]
    [DataRow("bypass", "its driver's .shutdown: quiesce nic) before its IOMMU mode changes at #2, and start it again only after the change: shut the IOMMU's clients down before the IOMMU\n")]
    public void Replay_ModeChangedUnderARunningDevice_HelpByTheNewMode(string to, string help)
    {
        using var s = new Scratch();
        // Left running in abort (a kdump kernel's start), then attached to a translating domain, or put in bypass.
        var r = GenReplayText(s, string.Format(OneNic, "device nic iommu abort") + $"cpu0: writel regs = 1\ncpu0: iommu_mode nic {to}\nnic: dma_write buf size 8\n");
        StringAssert.Contains(r.Out, help);
    }

    [TestMethod]
    public void Replay_AbortSampleAsJsonAndSarif_WarningLevel()
    {
        using var s = new Scratch();
        var json = GenReplay(s, "kexec-smmuv3-abort", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var f = doc.RootElement.GetProperty("findings")[0];
        Assert.AreEqual(("unquiesced-dma", "warning"), (f.GetProperty("kind").GetString(), f.GetProperty("severity").GetString()));
        var related = f.GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual(("handover", "iommu-mode"), (related[0].GetProperty("role").GetString(), related[1].GetProperty("role").GetString()));
        var sarif = RepoPaths.Run("replay", s.Path("kexec-smmuv3-abort.trace"), "--format", "sarif");
        using var sd = System.Text.Json.JsonDocument.Parse(sarif.Out);
        Assert.AreEqual("warning", sd.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("level").GetString());
    }

    [TestMethod]
    public void Replay_ShutdownOrderSample_MarksTheModeChangeAndPointsTheFixBeforeIt()
    {
        using var s = new Scratch();
        var text = GenReplay(s, "kexec-smmuv2-shutdown-order");
        StringAssert.Contains(text.Out, "#4 mmio_write nicregs+0x20 = 0x1   <- last started");
        StringAssert.Contains(text.Out, "#6 iommu_mode nic bypass");
        StringAssert.Contains(text.Out, "#7 dma_write rxbuf+0x0 size 64   <- mode changed under it");
        StringAssert.Contains(text.Out, "help: stop nic and wait until it is idle (its driver's .shutdown: quiesce nic) before its IOMMU mode changes at #6, and start it again only after the change");
        var json = GenReplay(s, "kexec-smmuv2-shutdown-order", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var f = doc.RootElement.GetProperty("findings")[0];
        StringAssert.Contains(f.GetProperty("message").GetString(), "after its IOMMU mode changed to bypass at #6, and no quiesce stopped it since it was started under another mode (the doorbell at #4)");
        var related = f.GetProperty("instances")[0].GetProperty("related");
        Assert.AreEqual(2, related.GetArrayLength(), "no handover: the mode case alone");
        Assert.AreEqual(("iommu-mode", 6), (related[0].GetProperty("role").GetString(), related[0].GetProperty("index").GetInt32()));
        Assert.AreEqual(("doorbell", 4), (related[1].GetProperty("role").GetString(), related[1].GetProperty("index").GetInt32()));
        var sarif = RepoPaths.Run("replay", s.Path("kexec-smmuv2-shutdown-order.trace"), "--format", "sarif");
        using var sd = System.Text.Json.JsonDocument.Parse(sarif.Out);
        var primary = sd.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0];
        StringAssert.Contains(primary.ToString(), "arm_smmu_device_shutdown", "the fix goes before the mode change");
    }

    [TestMethod]
    public void Replay_BypassSample_ModeChangedBeforeTheHandover_HelpAndFixSiteAtTheChange()
    {
        using var s = new Scratch();
        var text = GenReplay(s, "kexec-smmuv2-bypass");
        StringAssert.Contains(text.Out, "#4 mmio_write nicregs+0x20 = 0x1   <- last started");
        StringAssert.Contains(text.Out, "help: stop nic and wait until it is idle (its driver's .shutdown: quiesce nic) before its IOMMU mode changes at #6 and the handover at #7");
        var json = GenReplay(s, "kexec-smmuv2-bypass", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.AreEqual(6, doc.RootElement.GetProperty("findings")[0].GetProperty("instances")[0].GetProperty("fix").GetInt32(), "the quiesce goes before the mode change");
    }

    [TestMethod]
    public void Dump_OfAKexecTrace_CompilesBackToTheSameFindings()
    {
        using var s = new Scratch();
        GenReplay(s, "kexec-smmuv2-bypass-fixed");
        var dump = RepoPaths.Run("dump", s.Path("kexec-smmuv2-bypass-fixed.trace"));
        Assert.AreEqual(0, dump.Exit, dump.Err);
        StringAssert.Contains(dump.Out, "cpu0: quiesce nic @ \"nic_shutdown: stop rx, wait for idle\"");
        StringAssert.Contains(dump.Out, "cpu0: iommu_mode nic bypass @");
        StringAssert.Contains(dump.Out, "cpu0: handover @ \"machine_kexec\"");
        string scn = s.Write("again.scn", dump.Out + "expect none\n");
        var check = RepoPaths.Run("check", "--exact", scn);
        Assert.AreEqual(0, check.Exit, check.Out + check.Err);
    }
}
