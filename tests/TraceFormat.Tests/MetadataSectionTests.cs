using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>The v3 metadata sections: <c>u16 tag, u32 length, bytes</c> after the v2 fields, ended by tag 0.</summary>
[TestClass]
public sealed class MetadataSectionTests
{
    static TraceMetadata Small() => new()
    {
        Name = "sections",
        Arch = Arch.Riscv64,
        Agents = [new("cpu0", AgentKind.Cpu), new("dev", AgentKind.Device)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
    };

    [TestMethod]
    public void Encode_V3_IsTheV2FieldsThenTheEndTag()
    {
        var v2 = MetadataCodec.Encode(Small(), 2);
        var v3 = MetadataCodec.Encode(Small(), 3);
        CollectionAssert.AreEqual(v2.Concat(new byte[] { 0, 0 }).ToArray(), v3);
        Assert.IsTrue(Small().ContentEquals(MetadataCodec.Decode(v3, "m", 20, 3)));
        Assert.IsTrue(Small().ContentEquals(MetadataCodec.Decode(v2, "m", 20, 2)));
    }

    [TestMethod]
    [DataRow(new byte[] { 7, 0, 1, 0, 0, 0, 0xAA, 0, 0 }, 0, "unknown metadata section tag 7")]
    [DataRow(new byte[] { 0xFF, 0xFF, 0, 0, 0, 0, 0, 0 }, 0, "unknown metadata section tag 65535")]
    [DataRow(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }, 6, "used-bits table count: malformed or cut-off varint")]
    [DataRow(new byte[] { 2, 0, 0xE8, 3, 0, 0, 0, 0 }, 2, "metadata section 2 of 1000 bytes runs past the metadata's end (2 bytes left)")]
    [DataRow(new byte[] { 2, 0, 0xFF, 0xFF, 0xFF, 0xFF }, 2, "metadata section 2 of 4294967295 bytes runs past")]
    [DataRow(new byte[] { 1, 0, 0 }, 2, "ends inside the length of metadata section 1")]
    [DataRow(new byte[] { }, 0, "ends inside the metadata section tag")]
    [DataRow(new byte[] { 0 }, 0, "ends inside the metadata section tag")]
    [DataRow(new byte[] { 0, 0, 9 }, 2, "1 bytes after the metadata's last field")]
    // Tag 2 (line size 128) twice, then tag 2 before tag 1: the second tag is refused where it starts, byte 10.
    [DataRow(new byte[] { 2, 0, 4, 0, 0, 0, 0x80, 0, 0, 0, 2, 0, 4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0 }, 10, "metadata section tag 2 after tag 2 (each tag once, in increasing order)")]
    [DataRow(new byte[] { 2, 0, 4, 0, 0, 0, 0x80, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0 }, 10, "metadata section tag 1 after tag 2 (each tag once, in increasing order)")]
    public void TraceReader_BadSections_OneLineWithTheByteOffset(byte[] sections, int offsetInSections, string problem)
    {
        var block = MetadataCodec.Encode(Small(), 2).Concat(sections).ToArray();
        var file = MetadataValidationTests.Header(block, 3);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "s.trace"));
        long at = 20 + MetadataCodec.Encode(Small(), 2).Length + offsetInSections;
        StringAssert.StartsWith(e.Message, $"s.trace: byte offset {at} (header): metadata: {problem}");
        Assert.AreEqual(at, e.ByteOffset);
        Assert.DoesNotContain("\n", e.Message);
    }

    [TestMethod]
    public void TraceReader_V2HeaderWithSectionBytes_RefusesThemAsTrailingBytes()
    {
        var block = MetadataCodec.Encode(Small(), 3);
        var file = MetadataValidationTests.Header(block, 2);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "s.trace"));
        StringAssert.Contains(e.Message, "2 bytes after the metadata's last field");
    }
}
