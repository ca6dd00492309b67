using TraceTools.TraceFormat;
using TraceTools.Tests.Support;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>Metadata section tag 3: memory values not recorded (<see cref="TraceMetadata.MemoryValuesRecorded"/>).</summary>
[TestClass]
public sealed class MemoryValuesSectionTests
{
    static TraceMetadata Small(bool recorded, int line = 0) => new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        CacheLineSize = line,
        MemoryValuesRecorded = recorded,
    };

    [TestMethod]
    [DataRow(0)]
    [DataRow(128)]
    public void TraceFile_NotRecorded_RoundTripsThroughTheHeader(int line)
    {
        var bytes = RandomTraces.Write(Small(false, line), []);
        using var r = TraceReader.Open(new MemoryStream(bytes), "v.trace");
        Assert.IsFalse(r.Metadata.MemoryValuesRecorded);
        Assert.IsTrue(Small(false, line).ContentEquals(r.Metadata));
    }

    [TestMethod]
    public void Encode_Recorded_NoSectionSoOlderTracesStayByteIdentical()
    {
        var v2 = MetadataCodec.Encode(Small(true), 2);
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 0, 0 }).ToArray(), MetadataCodec.Encode(Small(true), 3));
        using var r = TraceReader.Open(new MemoryStream(RandomTraces.Write(Small(true), [])), "v.trace");
        Assert.IsTrue(r.Metadata.MemoryValuesRecorded);
    }

    [TestMethod]
    public void Encode_NotRecorded_IsTagThreeWithAnEmptyBody()
    {
        var v2 = MetadataCodec.Encode(Small(true), 2); // the same v2 fields: the flag lives only in a section
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0 }).ToArray(), MetadataCodec.Encode(Small(false), 3));
    }

    [TestMethod]
    public void ContentEquals_DiffersWhenOnlyTheFlagDiffers() =>
        Assert.IsFalse(Small(false).ContentEquals(Small(true)));

    [TestMethod]
    public void Encode_V2_RefusesTheFlag()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetadataCodec.Encode(Small(false), 2));
        StringAssert.Contains(e.Message, "memory values not recorded");
    }

    [TestMethod]
    [DataRow(new byte[] { 3, 0, 1, 0, 0, 0, 0xAA, 0, 0 }, "memory values section (tag 3) holds 1 bytes: expected none")]
    [DataRow(new byte[] { 3, 0, 4, 0, 0, 0, 1, 2, 3, 4, 0, 0 }, "memory values section (tag 3) holds 4 bytes: expected none")]
    public void TraceReader_BodyInTheSection_OneLineWithTheByteOffset(byte[] sections, string problem)
    {
        var v2 = MetadataCodec.Encode(Small(true), 2);
        var file = MetadataValidationTests.Header([.. v2, .. sections], 3);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "s.trace"));
        StringAssert.StartsWith(e.Message, $"s.trace: byte offset {20 + v2.Length + 6} (header): metadata: {problem}");
        Assert.AreEqual(20 + v2.Length + 6, e.ByteOffset);
        Assert.DoesNotContain("\n", e.Message);
    }
}
