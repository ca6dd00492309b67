using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>Metadata section 1 (used bits): round trip through a trace file, and malformed bodies refused with their offset.</summary>
[TestClass]
public sealed class UsedBitsSectionTests
{
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

    static TraceMetadata Metadata(UsedBits? used = null) => new()
    {
        Name = "ste",
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("smmu", AgentKind.Device)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }, Table("ste", 0x4000, used ?? Ste), Table("cd", 0x8000)],
    };

    [TestMethod]
    public void TraceFile_TablesWithUsedBits_RoundTrip()
    {
        var md = Metadata();
        var stream = new MemoryStream();
        using (var w = new TraceWriter(stream, md)) w.Complete();
        stream.Position = 0;
        using var r = TraceReader.Open(stream, "ste.trace");
        Assert.IsTrue(md.ContentEquals(r.Metadata));
        Assert.AreEqual(Ste, r.Metadata.Regions[1].UsedBits);
        Assert.IsNull(r.Metadata.Regions[2].UsedBits);
    }

    /// <summary>
    /// The section lists every table with used bits by its region index, the first region (index 0) too: a table at
    /// region 0 and one at region 1, both with used bits, read back with theirs.
    /// </summary>
    [TestMethod]
    public void TraceFile_UsedBitsOfRegionZero_RoundTrip()
    {
        var other = new UsedBits([new UsedRule([new EntryBits(8, 15)], [])]);
        var md = new TraceMetadata
        {
            Name = "ste", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu), new("smmu", AgentKind.Device)],
            Regions = [Table("ste", 0x4000, Ste), Table("cd", 0x8000, other)],
        };
        var stream = new MemoryStream();
        using (var w = new TraceWriter(stream, md)) w.Complete();
        stream.Position = 0;
        using var r = TraceReader.Open(stream, "zero.trace");
        Assert.AreEqual(Ste, r.Metadata.Regions[0].UsedBits);
        Assert.AreEqual(other, r.Metadata.Regions[1].UsedBits);
    }

    /// <summary>
    /// A table holds at most 1024 used rules (UsedBits.MaxRules), inclusive: 1024 rules are written and read back, 1025
    /// are refused by the writer.
    /// </summary>
    [TestMethod]
    public void TraceWriter_UsedRulesAtTheCap_WrittenAndOneMoreRefused()
    {
        static UsedBits Rules(int n) => new([.. Enumerable.Range(0, n).Select(i => new UsedRule([new EntryBits((uint)(i % 512), (uint)(i % 512))], []))]);
        var most = Metadata(Rules(1024));
        var stream = new MemoryStream();
        using (var w = new TraceWriter(stream, most)) w.Complete();
        stream.Position = 0;
        using (var r = TraceReader.Open(stream, "rules.trace"))
            Assert.HasCount(1024, r.Metadata.Regions[1].UsedBits!.Rules);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), Metadata(Rules(1025))));
        StringAssert.Contains(e.Message, "table 'ste' has 1025 used rules (at most 1024)");
    }

    [TestMethod]
    public void Encode_V2WithUsedBits_RefusedBecauseOnlyV3HasSections()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetadataCodec.Encode(Metadata(), 2));
        StringAssert.Contains(e.Message, "used bits of table 'ste' needs format version 3");
    }

    [TestMethod]
    public void Decode_EveryCutOffSection_FailsInsideIt()
    {
        var full = MetadataCodec.Encode(Metadata(), 3);
        int bodyStart = MetadataCodec.Encode(Metadata() is var m ? new TraceMetadata { Name = m.Name, Arch = m.Arch, Agents = m.Agents, Regions = [.. m.Regions.Select(x => x with { UsedBits = null })] } : m, 2).Length + 6;
        int bodyLength = full.Length - 2 - bodyStart;
        for (int n = 0; n < bodyLength; n++)
        {
            var block = full.AsSpan(0, bodyStart).ToArray();
            BitConverter.TryWriteBytes(block.AsSpan(bodyStart - 4), (uint)n);
            block = [.. block, .. full.AsSpan(bodyStart, n), 0, 0];
            var e = Assert.ThrowsExactly<TraceFormatException>(() => MetadataCodec.Decode(block, "m", 20, 3));
            Assert.IsTrue(e.ByteOffset >= 20 + bodyStart && e.ByteOffset <= 20 + bodyStart + n, $"cut at {n}: {e.Message}");
        }
    }

    [TestMethod]
    [DataRow(new byte[] { 1, 0, 1, 1, 0, 0, 0 }, 1, "region 0 is not a table")]                // region 0 is ram
    [DataRow(new byte[] { 1, 7, 1, 1, 0, 0, 0 }, 1, "region 7 is not a table")]                // no such region
    [DataRow(new byte[] { 1, 1, 1, 1, 0x80, 4, 0x80, 4, 0 }, 1, "lie outside the 64-byte entry")] // bit 512
    [DataRow(new byte[] { 1, 1, 1, 1, 3, 1, 0 }, 1, "run downwards")]                          // bits 1:3
    [DataRow(new byte[] { 1, 1, 1, 1, 0, 0, 1, 1, 3, 2, 1 }, 1, "do not fit the field")]      // value 1 outside mask 2
    [DataRow(new byte[] { 1, 1, 1, 1, 0, 0, 0, 9 }, 7, "1 bytes after the last field of metadata section 1")]
    public void Decode_MalformedSection_NamesTheOffset(byte[] body, int offsetInBody, string problem)
    {
        var plain = Metadata() is var m ? new TraceMetadata { Name = m.Name, Arch = m.Arch, Agents = m.Agents, Regions = [.. m.Regions.Select(x => x with { UsedBits = null })] } : m;
        var v2 = MetadataCodec.Encode(plain, 2);
        byte[] block = [.. v2, 1, 0, .. BitConverter.GetBytes((uint)body.Length), .. body, 0, 0];
        var e = Assert.ThrowsExactly<TraceFormatException>(() => MetadataCodec.Decode(block, "m", 20, 3));
        Assert.AreEqual(20 + v2.Length + 6 + offsetInBody, e.ByteOffset, e.Message);
        StringAssert.Contains(e.Message, problem);
    }
}
