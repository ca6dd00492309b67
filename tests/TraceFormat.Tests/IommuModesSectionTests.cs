using TraceTools.TraceFormat;
using TraceTools.Tests.Support;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>Metadata section tag 4: the devices' IOMMU modes at the trace's start (<see cref="AgentInfo.IommuAtStart"/>).</summary>
[TestClass]
public sealed class IommuModesSectionTests
{
    static TraceMetadata Small(IommuTreatment nic = IommuTreatment.Translate, IommuTreatment gpu = IommuTreatment.Translate) => new()
    {
        Arch = Arch.Arm64,
        Agents =
        [
            new("cpu0", AgentKind.Cpu),
            new("nic", AgentKind.Device) { IommuAtStart = nic },
            new("gpu", AgentKind.Device, Coherent: false) { IommuAtStart = gpu },
        ],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
    };

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, IommuTreatment.Translate)]
    [DataRow(IommuTreatment.Translate, IommuTreatment.Abort)]
    [DataRow(IommuTreatment.Abort, IommuTreatment.Bypass)]
    public void TraceFile_DeclaredModes_RoundTripThroughTheHeader(IommuTreatment nic, IommuTreatment gpu)
    {
        var bytes = RandomTraces.Write(Small(nic, gpu), []);
        using var r = TraceReader.Open(new MemoryStream(bytes), "m.trace");
        Assert.AreEqual(nic, r.Metadata.Agents[1].IommuAtStart);
        Assert.AreEqual(gpu, r.Metadata.Agents[2].IommuAtStart);
        Assert.IsFalse(r.Metadata.Agents[2].Coherent);
        Assert.IsTrue(Small(nic, gpu).ContentEquals(r.Metadata));
    }

    [TestMethod]
    public void Encode_AllTranslate_NoSectionSoOlderTracesStayByteIdentical()
    {
        var v2 = MetadataCodec.Encode(Small(), 2);
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 0, 0 }).ToArray(), MetadataCodec.Encode(Small(), 3));
    }

    [TestMethod]
    public void Encode_Declared_IsTagFourListingOnlyTheDevicesNotTranslated()
    {
        var v2 = MetadataCodec.Encode(Small(), 2); // the same v2 fields: the modes live only in the section
        // tag 4, length 5: two entries, agent 1 bypass, agent 2 abort.
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 4, 0, 5, 0, 0, 0, 2, 1, 1, 2, 2, 0, 0 }).ToArray(),
            MetadataCodec.Encode(Small(IommuTreatment.Bypass, IommuTreatment.Abort), 3));
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 4, 0, 3, 0, 0, 0, 1, 2, 2, 0, 0 }).ToArray(),
            MetadataCodec.Encode(Small(gpu: IommuTreatment.Abort), 3));
    }

    [TestMethod]
    public void ContentEquals_DiffersWhenOnlyAModeDiffers() =>
        Assert.IsFalse(Small(IommuTreatment.Bypass).ContentEquals(Small()));

    [TestMethod]
    public void Encode_V2_RefusesADeclaredMode()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetadataCodec.Encode(Small(gpu: IommuTreatment.Bypass), 2));
        StringAssert.Contains(e.Message, "IOMMU mode at the start of device 'gpu'");
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "cpu 'cpu0' is declared an IOMMU mode at the start (only devices DMA)")]
    [DataRow((IommuTreatment)3, "agent 'cpu0' has undefined IOMMU mode 3 at the start")]
    public void Writer_ModeOnACpuOrUndefined_Refused(IommuTreatment mode, string problem)
    {
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu) { IommuAtStart = mode }, new("nic", AgentKind.Device)],
            Regions = [],
        };
        var e = Assert.ThrowsExactly<ArgumentException>(() => RandomTraces.Write(m, []));
        StringAssert.Contains(e.Message, problem);
    }

    [TestMethod]
    [DataRow(new byte[] { 4, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0 }, 1, "IOMMU modes at the start: agent 0 ('cpu0') is a cpu: only devices DMA")]
    [DataRow(new byte[] { 4, 0, 3, 0, 0, 0, 1, 3, 1, 0, 0 }, 1, "IOMMU modes at the start: agent 3 is not an agent after agent -1 (of 3)")]
    [DataRow(new byte[] { 4, 0, 5, 0, 0, 0, 2, 2, 1, 1, 1, 0, 0 }, 3, "IOMMU modes at the start: agent 1 is not an agent after agent 2 (of 3)")]
    [DataRow(new byte[] { 4, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0 }, 2, "IOMMU modes at the start: mode 0 of 'nic' (expected 1 bypass or 2 abort; translate is not listed)")]
    [DataRow(new byte[] { 4, 0, 3, 0, 0, 0, 1, 2, 3, 0, 0 }, 2, "IOMMU modes at the start: mode 3 of 'gpu' (expected 1 bypass or 2 abort; translate is not listed)")]
    [DataRow(new byte[] { 4, 0, 2, 0, 0, 0, 1, 1, 0, 0 }, 0, "1 IOMMU modes cannot fit in the 1 bytes left")]
    [DataRow(new byte[] { 4, 0, 1, 0, 0, 0, 9, 0, 0 }, 0, "9 IOMMU modes (at most 3)")]
    [DataRow(new byte[] { 4, 0, 4, 0, 0, 0, 1, 1, 1, 7, 0, 0 }, 3, "1 bytes after the last field of metadata section 4")]
    public void TraceReader_BadBody_OneLineWithTheByteOffset(byte[] sections, int bodyOffset, string problem)
    {
        var v2 = MetadataCodec.Encode(Small(), 2);
        var file = MetadataValidationTests.Header([.. v2, .. sections], 3);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "s.trace"));
        // The body starts after the 6-byte section header; offsets name the field at fault (the count: the body's first byte).
        long at = 20 + v2.Length + 6 + bodyOffset;
        StringAssert.StartsWith(e.Message, $"s.trace: byte offset {at} (header): metadata: {problem}", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
