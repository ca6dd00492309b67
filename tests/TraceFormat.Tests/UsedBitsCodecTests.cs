using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>Metadata extension tag 1 (used bits): round trip, and every malformed block refused with its offset.</summary>
[TestClass]
public sealed class UsedBitsCodecTests
{
    static readonly AgentInfo[] Agents = [new("cpu0", AgentKind.Cpu), new("smmu", AgentKind.Device)];

    static RegionInfo Table(string name, ulong b, UsedBits? used = null) => new()
    {
        Name = name, Kind = RegionKind.Table, Base = b, Size = 4 * 64, Device = 1, Entries = 4, EntrySize = 64, Granule = 8,
        PresentBit = 0, UsedBits = used,
    };

    static readonly UsedBits Ste = new([
        new UsedRule([new EntryBits(1, 3)], []),
        new UsedRule([new EntryBits(196, 243), new EntryBits(64, 127)], [new UsedCondition(new EntryBits(1, 3), 2, 2)]),
        new UsedRule([new EntryBits(108, 109)], [new UsedCondition(new EntryBits(1, 3), 7, 4), new UsedCondition(new EntryBits(0, 63), ulong.MaxValue, 1)]),
    ]);

    static RegionInfo[] Regions() =>
        [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }, Table("ste", 0x4000, Ste), Table("cd", 0x8000)];

    [TestMethod]
    public void Codec_TablesWithUsedBits_RoundTrip()
    {
        var regions = Regions();
        var block = UsedBitsCodec.Encode(regions)!;
        var plain = regions.Select(r => r with { UsedBits = null }).ToArray();
        var back = UsedBitsCodec.Decode(block, plain, "t.trace", 100);
        CollectionAssert.AreEqual(regions, back);
        Assert.IsNull(back[2].UsedBits);
    }

    [TestMethod]
    public void Codec_NoTableWithUsedBits_WritesNoBlock() =>
        Assert.IsNull(UsedBitsCodec.Encode([Table("cd", 0x8000)]));

    [TestMethod]
    public void Codec_EveryCutOffBlock_FailsInsideTheBlock()
    {
        var regions = Regions();
        var block = UsedBitsCodec.Encode(regions)!;
        var plain = regions.Select(r => r with { UsedBits = null }).ToArray();
        for (int n = 0; n < block.Length; n++)
        {
            var e = Assert.ThrowsExactly<TraceFormatException>(() => UsedBitsCodec.Decode(block.AsSpan(0, n), plain, "t.trace", 100));
            Assert.IsTrue(e.ByteOffset >= 100 && e.ByteOffset <= 100 + n, $"cut at {n}: {e.Message}");
            StringAssert.Contains(e.Message, "used bits");
        }
    }

    [TestMethod]
    [DataRow(new byte[] { 1, 0, 1, 1, 0, 0, 0 }, 101L, "region 0 is not a table")]              // region 0 is ram
    [DataRow(new byte[] { 1, 7, 1, 1, 0, 0, 0 }, 101L, "region 7 is not a table")]              // no such region
    [DataRow(new byte[] { 1, 1, 1, 1, 0x80, 4, 0x80, 4, 0 }, 101L, "lie outside the 64-byte entry")] // bit 512 of a 64-byte entry
    [DataRow(new byte[] { 1, 1, 1, 1, 3, 1, 0 }, 101L, "run downwards")]                         // bits 1:3
    [DataRow(new byte[] { 1, 1, 1, 1, 0, 0, 1, 1, 3, 2, 1 }, 101L, "do not fit the field")]     // value 1 outside mask 2
    [DataRow(new byte[] { 1, 1, 1, 1, 0, 0, 0, 9 }, 107L, "1 bytes after its last field")]
    public void Codec_MalformedBlock_NamesTheOffset(byte[] block, long offset, string problem)
    {
        var plain = Regions().Select(r => r with { UsedBits = null }).ToArray();
        var e = Assert.ThrowsExactly<TraceFormatException>(() => UsedBitsCodec.Decode(block, plain, "t.trace", 100));
        Assert.AreEqual(offset, e.ByteOffset, e.Message);
        StringAssert.Contains(e.Message, problem);
    }
}
