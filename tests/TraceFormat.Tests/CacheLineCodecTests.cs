using TraceTools.TraceFormat;
using TraceTools.Tests.Support;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>Metadata section tag 2: the cache line size (docs/model.md §9).</summary>
[TestClass]
public sealed class CacheLineCodecTests
{
    static TraceMetadata Md(Arch arch, int line = 0) => new() { Arch = arch, Agents = [], Regions = [], CacheLineSize = line };

    [TestMethod]
    [DataRow(Arch.Arm64, 0)]
    [DataRow(Arch.Arm64, 64)]
    [DataRow(Arch.X86_64, 64)]
    [DataRow(Arch.Riscv64, 0)]
    [DataRow(Arch.Sc, 64)]
    public void Encode_DefaultLine_NoSection(Arch arch, int line)
    {
        var md = Md(arch, line);
        Assert.AreEqual(64, md.CacheLineSize);
        Assert.IsFalse(md.DeclaresCacheLine);
        Assert.IsNull(CacheLineCodec.Encode(md));
    }

    [TestMethod]
    [DataRow(16)]
    [DataRow(32)]
    [DataRow(128)]
    [DataRow(4096)]
    public void Encode_DeclaredLine_RoundTrips(int line)
    {
        var body = CacheLineCodec.Encode(Md(Arch.Arm64, line));
        Assert.IsNotNull(body);
        Assert.HasCount(4, body);
        Assert.IsNull(CacheLineCodec.Decode(body, out int back));
        Assert.AreEqual(line, back);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x80, 0, 0 }, "cache line section (tag 2) holds 3 bytes: expected 4")]
    [DataRow(new byte[] { 0x80, 0, 0, 0, 0 }, "holds 5 bytes: expected 4")]
    [DataRow(new byte[] { 0x60, 0, 0, 0 }, "cache line size 96 is not a power of two")]
    [DataRow(new byte[] { 8, 0, 0, 0 }, "cache line size 8 is out of range")]
    [DataRow(new byte[] { 0, 0x20, 0, 0 }, "cache line size 8192 is out of range")]
    [DataRow(new byte[] { 0, 0, 0, 0x80 }, "out of range")]
    public void Decode_BadBody_SaysWhy(byte[] body, string problem)
    {
        StringAssert.Contains(CacheLineCodec.Decode(body, out int line), problem);
        Assert.AreEqual(0, line);
    }

    [TestMethod]
    public void ContentEquals_DifferentLineSizes_NotEqual()
    {
        Assert.IsFalse(Md(Arch.Arm64, 128).ContentEquals(Md(Arch.Arm64)));
        Assert.IsTrue(Md(Arch.Arm64, 64).ContentEquals(Md(Arch.Arm64)));
    }

    static TraceMetadata Small(int line) => new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        CacheLineSize = line,
    };

    [TestMethod]
    [DataRow(0)]
    [DataRow(32)]
    [DataRow(128)]
    public void TraceFile_LineSize_RoundTripsThroughTheHeader(int line)
    {
        var bytes = RandomTraces.Write(Small(line), []);
        using var r = TraceReader.Open(new MemoryStream(bytes), "l.trace");
        Assert.AreEqual(line == 0 ? 64 : line, r.Metadata.CacheLineSize);
        Assert.IsTrue(Small(line).ContentEquals(r.Metadata));
    }

    [TestMethod]
    [DataRow(96)]
    [DataRow(8)]
    [DataRow(-64)]
    public void TraceWriter_BadLineSize_Refused(int line) =>
        Assert.ThrowsExactly<ArgumentException>(() => RandomTraces.Write(Small(line), []));

    [TestMethod]
    public void Encode_V2_RefusesADeclaredLine() =>
        Assert.ThrowsExactly<ArgumentException>(() => MetadataCodec.Encode(Small(128), 2));

    [TestMethod]
    [DataRow(new byte[] { 2, 0, 3, 0, 0, 0, 0x80, 0, 0, 0, 0 }, "cache line section (tag 2) holds 3 bytes: expected 4")]
    [DataRow(new byte[] { 2, 0, 4, 0, 0, 0, 0x60, 0, 0, 0, 0, 0 }, "cache line size 96 is not a power of two")]
    [DataRow(new byte[] { 2, 0, 4, 0, 0, 0, 0, 0x20, 0, 0, 0, 0 }, "cache line size 8192 is out of range")]
    public void TraceReader_BadLineSection_OneLineWithTheByteOffset(byte[] sections, string problem)
    {
        var v2 = MetadataCodec.Encode(Small(0), 2);
        var file = MetadataValidationTests.Header([.. v2, .. sections], 3);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "s.trace"));
        StringAssert.StartsWith(e.Message, $"s.trace: byte offset {20 + v2.Length + 6} (header): metadata: {problem}");
        Assert.DoesNotContain("\n", e.Message);
    }
}
