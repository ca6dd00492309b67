using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>iommu_mode, quiesce, handover, dma_map, dma_unmap: their events (EventKind's operand encoding), errors and dump.</summary>
[TestClass]
public sealed class DeviceControlStepTests
{
    // Agents: cpu0 = 0, dev = 1; buf at 0x1000 (docs: Gen.Header). Steps start on line 8.
    static EventBatch Run(string steps) => Gen.Events(Gen.Header + steps);

    static (EventKind Kind, int Agent, ulong Address, int Size, uint Aux) Ev(EventBatch b, int i) =>
        (b.Kinds[i], b.Agents[i], b.Addresses[i], b.Sizes[i], b.Aux[i]);

    [TestMethod]
    [DataRow("cpu0: iommu_mode dev translate", EventKind.IommuMode, 0ul, 0, 1u)]
    [DataRow("cpu0: iommu_mode dev bypass", EventKind.IommuMode, 0ul, 0, 1u | 1u << 16)]
    [DataRow("cpu0: iommu_mode dev abort", EventKind.IommuMode, 0ul, 0, 1u | 2u << 16)]
    [DataRow("cpu0: quiesce dev", EventKind.Quiesce, 0ul, 0, 1u)]
    [DataRow("cpu0: handover", EventKind.Handover, 0ul, 0, 0u)]
    [DataRow("cpu0: dma_map buf + 0x10 size 0x40 device dev bidirectional", EventKind.DmaMap, 0x1010ul, 0x40, 1u)]
    [DataRow("cpu0: dma_map buf size 8 device dev to_device", EventKind.DmaMap, 0x1000ul, 8, 1u | 1u << 16)]
    [DataRow("cpu0: dma_map flag size 8 device dev from_device", EventKind.DmaMap, 0x2000ul, 8, 1u | 2u << 16)]
    [DataRow("cpu0: dma_unmap tab[1] + 8 size 8 device dev", EventKind.DmaUnmap, 0x4028ul, 8, 1u)]
    public void Step_EncodesOperands_AsEventKindDocuments(string step, EventKind kind, ulong address, int size, uint aux)
    {
        // dev fetches 'tab': without a DMA of its own, an iommu_mode naming it is refused (IommuMode_OfTableFetcher...).
        var b = Run(step + " @ \"s\"\ndev: dma_read buf size 4\n");
        Assert.AreEqual(2, b.Count);
        Assert.AreEqual((kind, 0, address, size, aux), Ev(b, 0));
        Assert.AreEqual(0, b.Sites[0]);
        Assert.AreEqual(0, b.GetData(0).Length, "a mapping touches no memory: no bytes");
    }

    [TestMethod]
    public void DmaMap_InLoop_ResolvesAddressAndKeepsDeviceAndDirection()
    {
        var b = Run("repeat 3 as i {\n  cpu0: dma_map buf + i * 0x20 size 0x20 + i device dev from_device\n}\n");
        for (int i = 0; i < 3; i++)
            Assert.AreEqual((EventKind.DmaMap, 0, 0x1000ul + (ulong)i * 0x20, 0x20 + i, 1u | 2u << 16), Ev(b, i));
    }

    [TestMethod]
    public void DmaMap_DoesNotChangeTheImage()
    {
        var b = Run("cpu0: store buf size 4 = 0x11223344\ncpu0: dma_map buf size 4 device dev to_device\ndev: dma_read buf size 4\n");
        CollectionAssert.AreEqual(new byte[] { 0x44, 0x33, 0x22, 0x11 }, b.GetData(2).ToArray());
    }

    [TestMethod]
    [DataRow("cpu0: iommu_mode dev bypas", 8, 22, "unknown IOMMU mode 'bypas': expected translate | bypass | abort (did you mean 'bypass'?)")]
    [DataRow("cpu0: iommu_mode cpu0 bypass", 8, 18, "device 'cpu0' is a cpu: expected a device")]
    [DataRow("cpu0: iommu_mode dev", 8, 21, "expected the IOMMU mode (translate | bypass | abort)")]
    [DataRow("cpu0: quiesce devv", 8, 15, "device 'devv' is not declared")]
    [DataRow("dev: quiesce dev", 8, 6, "'quiesce' is a cpu op but 'dev' is a device")]
    [DataRow("cpu0: handover dev", 8, 16, "expected end of line")]
    [DataRow("cpu0: dma_map buf size 8 device dev", 8, 36, "expected the DMA direction")]
    [DataRow("cpu0: dma_map buf size 8 device dev to_dev", 8, 37, "unknown DMA direction 'to_dev'")]
    [DataRow("cpu0: dma_map regs size 4 device dev to_device", 8, 15, "may not touch mmio region 'regs'")]
    [DataRow("cpu0: dma_map buf + 0xfc size 8 device dev to_device", 8, 15, "straddles the end of region 'buf'")]
    [DataRow("cpu0: dma_unmap buf size 0 device dev", 8, 26, "size 0 is out of range")]
    [DataRow("cpu0: dma_unmap buf size 8 dev", 8, 28, "expected 'device'")]
    [DataRow("cpu0: dma_unmap buf size 8 device dev to_device", 8, 39, "expected end of line")]
    public void BadStep_OneLineErrorAtTheToken(string step, int line, int column, string message)
    {
        var e = Gen.Error(Gen.Header + step + "\n");
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ", e.Message);
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    public void Dump_EveryStep_PrintsItAsWrittenAndRoundTrips()
    {
        const string steps = """
            cpu0: iommu_mode dev bypass
            cpu0: quiesce dev
            cpu0: handover
            cpu0: dma_map buf + 0x10 size 32 device dev to_device
            cpu0: dma_unmap buf + 0x10 size 32 device dev
            dev:  dma_write buf size 4 = 0x1

            """;
        var s = Gen.Compile(Gen.Header + steps);
        var first = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, first);
        StringAssert.EndsWith(text, "\n" + steps);
        var again = Gen.Compile(text);
        SampleTests.AssertSameStream(s.Metadata, first, again.Metadata, Gen.Events(again));
    }

    // The IOMMU's own table walker (a table's fetcher, no DMA of its own) named where the device whose DMA it
    // translates belongs: unquiesced-dma would look at the wrong device and find nothing (docs/scenario-language.md).
    const string SmmuAndNic = """
        arch arm64
        cpu cpu0
        device nic
        device smmu
        ram rxbuf 0x1000 size 0x100
        table ste 0x4000 entries 4 entry_size 64 granule 8 present bit 0 fetcher smmu

        """;

    [TestMethod]
    public void IommuMode_OfTableFetcherWithoutDma_RefusedNamingTheDmaDevice()
    {
        var e = Gen.Error(SmmuAndNic + "cpu0: iommu_mode smmu bypass\ncpu0: handover\nnic: dma_write rxbuf size 16\n");
        Assert.AreEqual("t.scn:7:18: iommu_mode names 'smmu', the fetcher of table 'ste', which does no dma_read or dma_write: " +
            "name the device whose DMA the IOMMU translates (did you mean 'nic'?)", e.Message);
        // docs/scenario-language.md quotes this error word for word (its lines wrapped).
        string doc = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(Repo.Root, "docs", "scenario-language.md")), @"\s+", " ");
        StringAssert.Contains(doc, $"`{e.Message}`");
    }

    [TestMethod]
    public void IommuMode_OfTableFetcher_NoDeviceDmas_RefusedWithoutSuggestion()
    {
        var e = Gen.Error(Gen.Header + "cpu0: iommu_mode dev abort\n");
        Assert.AreEqual("t.scn:8:18: iommu_mode names 'dev', the fetcher of table 'tab', which does no dma_read or dma_write: " +
            "name the device whose DMA the IOMMU translates", e.Message);
    }

    [TestMethod]
    [DataRow("cpu0: iommu_mode nic bypass\ncpu0: handover\nnic: dma_write rxbuf size 16\n", DisplayName = "the DMA device")]
    [DataRow("cpu0: iommu_mode smmu bypass\nrepeat 0 as i {\n  smmu: dma_read rxbuf size 8\n}\n", DisplayName = "a fetcher whose DMA is written, even in repeat 0")]
    [DataRow("cpu0: iommu_mode smmu abort\nsmmu: dma_write rxbuf size 8\n", DisplayName = "a fetcher that DMAs after the step")]
    public void IommuMode_OfDeviceThatDmas_Accepted(string steps) =>
        Gen.Compile(SmmuAndNic + steps);

    // `device D iommu MODE`: D's IOMMU mode at the trace's start (docs/model.md §11, "The mode at the start").

    [TestMethod]
    [DataRow("device nic iommu bypass\n", true, IommuTreatment.Bypass)]
    [DataRow("device nic noncoherent iommu abort\n", false, IommuTreatment.Abort)]
    [DataRow("device nic coherent iommu translate\n", true, IommuTreatment.Translate)]
    [DataRow("device nic\n", true, IommuTreatment.Translate)]
    public void DeviceDeclaration_IommuAtStart_InTheMetadata(string declaration, bool coherent, IommuTreatment mode)
    {
        var s = Gen.Compile("arch arm64\ncpu cpu0\n" + declaration + "ram rxbuf 0x1000 size 0x100\nnic: dma_write rxbuf size 4\n");
        var nic = s.Metadata.Agents[1];
        Assert.AreEqual(coherent, nic.Coherent);
        Assert.AreEqual(mode, nic.IommuAtStart);
        Assert.AreEqual(IommuTreatment.Translate, s.Metadata.Agents[0].IommuAtStart);
    }

    [TestMethod]
    public void Dump_DeclaredModes_PrintedAndRoundTrip()
    {
        const string head = """
            arch riscv64
            cpu cpu0
            device nic iommu bypass
            device gpu noncoherent iommu abort
            device dsp
            ram   rxbuf 0x1000 size 0x100

            """;
        var s = Gen.Compile(head + "nic: dma_write rxbuf size 4 = 0x1\ngpu: dma_read rxbuf size 4\n");
        var first = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, first);
        StringAssert.Contains(text, "\ndevice nic iommu bypass\ndevice gpu noncoherent iommu abort\ndevice dsp\n");
        var again = Gen.Compile(text);
        Assert.IsTrue(s.Metadata.ContentEquals(again.Metadata));
        SampleTests.AssertSameStream(s.Metadata, first, again.Metadata, Gen.Events(again));
    }

    [TestMethod]
    [DataRow("bypass")]
    [DataRow("translate")]
    public void DeviceDeclaration_OfTableFetcherWithoutDma_Accepted(string mode)
    {
        // A declaration states what the system was (a layout for import has no steps to check it against).
        var s = Gen.Compile(SmmuAndNic.Replace("device smmu\n", $"device smmu iommu {mode}\n") + "nic: dma_write rxbuf size 16\n");
        Assert.AreEqual(mode, s.Metadata.Agents[2].IommuAtStart.Name());
    }

    [TestMethod]
    [DataRow("device nic iommu identity\n", 3, 18, "unknown IOMMU mode 'identity': expected translate | bypass | abort (an identity (passthrough) domain is 'bypass')")]
    [DataRow("device nic iommu blocked\n", 3, 18, "unknown IOMMU mode 'blocked': expected translate | bypass | abort (a blocked domain is 'abort')")]
    [DataRow("device nic iommu bypass noncoherent\n", 3, 25, "'noncoherent' comes before 'iommu': device nic noncoherent iommu bypass")]
    [DataRow("device nic\ncpu0: iommu_mode nic passthrough\n", 4, 22, "unknown IOMMU mode 'passthrough': expected translate | bypass | abort (an identity (passthrough) domain is 'bypass')")]
    public void IommuMode_KernelWords_HintedAtTheirModeHere(string lines, int line, int column, string message)
    {
        var e = Gen.Error("arch arm64\ncpu cpu0\n" + lines);
        Assert.AreEqual($"t.scn:{line}:{column}: {message}", e.Message);
    }

    [TestMethod]
    [DataRow("device nic iommu bypas\n")]
    [DataRow("device nic iommu\n")]
    [DataRow("device nic noncoherent cpu\n")]
    [DataRow("device nic cpu\n")]
    [DataRow("device nic iommu bypass noncoherent\n")]
    [DataRow("device nic iommu identity\n")]
    public void DeviceDeclaration_Errors_QuotedWordForWordByTheLanguageDoc(string line)
    {
        // docs/scenario-language.md, "The mode at the start", quotes each of these errors (its lines wrapped).
        var e = Gen.Error("arch arm64\ncpu cpu0\n" + line);
        string message = e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        string doc = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(Repo.Root, "docs", "scenario-language.md")), @"\s+", " ");
        StringAssert.Contains(doc, $"`{message}`");
    }
}
