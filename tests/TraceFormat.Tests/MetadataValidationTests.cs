using System.Buffers.Binary;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

[TestClass]
public sealed class MetadataValidationTests
{
    static TraceMetadata Small(IReadOnlyList<RegionInfo>? regions = null, IReadOnlyList<AgentInfo>? agents = null, IReadOnlyList<string>? sites = null) => new()
    {
        Name = "small",
        Arch = Arch.Arm64,
        Agents = agents ?? [new("cpu0", AgentKind.Cpu), new("qm", AgentKind.Device)],
        Regions = regions ?? [new RegionInfo { Name = "xqc", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x40 }],
        Locks = ["l"],
        Sites = sites ?? ["s"],
    };

    public static IEnumerable<object[]> BadMetadata()
    {
        RegionInfo Table(uint entrySize, uint granule, uint present, int fetcher = 1) => new()
        {
            Name = "t", Kind = RegionKind.Table, Base = 0, Size = 4UL * entrySize, Entries = 4, EntrySize = entrySize,
            Granule = granule, PresentBit = present, Device = fetcher,
        };
        yield return [Small(regions: [Table(64, 24, 0)]), "does not divide entry_size"];
        yield return [Small(regions: [Table(16, 16, 128)]), "present bit 128 outside"];
        yield return [Small(regions: [Table(16, 16, 0, fetcher: 0)]), "not a device"];
        yield return [Small(regions: [new RegionInfo { Name = "r", Kind = RegionKind.Mmio, Base = 0, Size = 4, Device = 5 }]), "not a device"];
        yield return [Small(regions: [
            new RegionInfo { Name = "a", Kind = RegionKind.Ram, Base = 0, Size = 0x10 },
            new RegionInfo { Name = "b", Kind = RegionKind.Sync, Base = 0x8, Size = 0x10 }]), "'b' overlaps"];
        yield return [Small(agents: [new("cpu0", AgentKind.Cpu), new("cpu0", AgentKind.Device)]), "declared twice"];
        yield return [Small(agents: [new("9lives", AgentKind.Cpu)]), "not a scenario name"];
        yield return [Small(agents: [new("cpu0", AgentKind.Cpu, Coherent: false)]), "noncoherent"];
        yield return [Small(sites: ["s", "t", "s"]), "site 's' is interned twice"];
    }

    [TestMethod]
    [DynamicData(nameof(BadMetadata))]
    public void TraceWriter_BadMetadata_RefusedWithReason(TraceMetadata m, string reason)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), m));
        StringAssert.Contains(e.Message, reason);
    }

    [TestMethod]
    [DynamicData(nameof(BadMetadata))]
    public void TraceReader_BadMetadata_RaisesFormatErrorAtTheItem(TraceMetadata m, string reason)
    {
        // Encode without the writer's checks, then read: the reader must find the same problem.
        var block = MetadataCodec.Encode(m);
        var file = Header(block);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "bad.trace"));
        StringAssert.Contains(e.Message, reason);
        Assert.IsGreaterThanOrEqualTo(20L, e.ByteOffset);
        Assert.IsLessThan(20L + block.Length, e.ByteOffset);
        Assert.AreEqual(-1, e.ChunkIndex);
        StringAssert.StartsWith(e.Message, $"bad.trace: byte offset {e.ByteOffset} (header): metadata: ");
    }

    /// <summary>
    /// The header's caps (docs/trace-format.md: at most 4096 agents, strings of at most 4096 UTF-8 bytes) are inclusive:
    /// the writer takes a trace at each cap, which reads back, and refuses one past it. The site is 1365 three-byte
    /// euro signs and one 'x' (4096 bytes in 1366 chars); one more 'x' makes 4097 bytes.
    /// </summary>
    [TestMethod]
    public void TraceWriter_MetadataAtItsCaps_WrittenAndOnePastRefused()
    {
        string site = new string('\u20AC', 1365) + "x";
        Assert.AreEqual(4096, System.Text.Encoding.UTF8.GetByteCount(site));
        AgentInfo[] Agents(int n) => [.. Enumerable.Range(0, n).Select(i => new AgentInfo($"c{i}", AgentKind.Cpu))];
        var most = Small(agents: Agents(4096), sites: [site]);
        var ms = new MemoryStream();
        using (var w = new TraceWriter(ms, most))
        {
            w.Append(new TraceEvent(EventKind.Lock, 4095, 0, 0, 0, Site: 0), []);
            w.Complete();
        }
        using (var reader = TraceReader.Open(new MemoryStream(ms.ToArray()), "caps.trace"))
        {
            Assert.HasCount(4096, reader.Metadata.Agents);
            Assert.AreEqual(site, reader.Metadata.Sites[0]);
        }

        var agents = Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), Small(agents: Agents(4097))));
        StringAssert.Contains(agents.Message, "4097 agents (at most 4096)");
        var longSite = Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), Small(sites: [site + "x"])));
        StringAssert.Contains(longSite.Message, "longer than 4096 UTF-8 bytes");
    }

    /// <summary>
    /// The metadata length is at most 16 MiB (docs/trace-format.md, file header), inclusive. v4 block of this metadata:
    /// arch 1 + name "m" 2 + agent count 1 + cpu0 (1 + 4 + kind + coherence) 7 + region count 1 + lock count 1 + site count
    /// 4094 (2 varint bytes) + the sites + end tag 2 = 17 + the sites. 4093 sites of 4096 bytes (2 length bytes each) take
    /// 16,773,114; a last site of 4083 bytes (2 + 4083) makes 16,777,216 = 16 MiB. One byte more is refused.
    /// </summary>
    [TestMethod]
    public void TraceWriter_MetadataOfExactly16MiB_WrittenAndOneByteMoreRefused()
    {
        static TraceMetadata WithLastSite(int lastBytes) => new()
        {
            Name = "m", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Locks = [],
            Sites = [.. Enumerable.Range(0, 4093).Select(i => i.ToString("D6") + new string('x', 4090)), "last__" + new string('y', lastBytes - 6)],
        };
        var ms = new MemoryStream();
        using (var w = new TraceWriter(ms, WithLastSite(4083))) w.Complete();
        var bytes = ms.ToArray();
        Assert.AreEqual(16u << 20, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        using (var reader = TraceReader.Open(new MemoryStream(bytes), "16mib.trace"))
            Assert.HasCount(4094, reader.Metadata.Sites);

        var e = Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), WithLastSite(4084)));
        StringAssert.Contains(e.Message, "metadata of 16777217 bytes (at most 16777216)");
    }

    /// <summary>
    /// A name's limit is 4096 UTF-8 bytes, not chars (TraceLimits, which the scenario compiler calls so that a scenario
    /// that compiles is one the writer takes): 1366 euro signs (3 bytes each) are 4098 bytes, too long; 1365 and an 'x' are
    /// 4096, at the limit.
    /// </summary>
    [TestMethod]
    public void TraceLimits_NameOfThreeByteChars_MeasuredInUtf8Bytes()
    {
        Assert.AreEqual("the name is 4098 bytes long (at most 4096 UTF-8 bytes)", TraceLimits.LengthProblem("the name", new string('\u20AC', 1366)));
        Assert.IsNull(TraceLimits.LengthProblem("the name", new string('\u20AC', 1365) + "x"));
        Assert.AreEqual("the site is 4097 bytes long (at most 4096 UTF-8 bytes)", TraceLimits.TextProblem("the site", new string('\u20AC', 1365) + "xx"));
    }

    /// <summary>Site ids are positions in the site list: with one site interned, site 0 is taken and site 1 refused.</summary>
    [TestMethod]
    public void TraceWriter_EventNamingTheSiteAfterTheLast_Refused()
    {
        using var w = new TraceWriter(new MemoryStream(), Small());
        w.Append(new TraceEvent(EventKind.Lock, 0, 0, 0, 0, Site: 0), []);
        var e = Assert.ThrowsExactly<ArgumentException>(() => w.Append(new TraceEvent(EventKind.Lock, 0, 0, 0, 0, Site: 1), []));
        StringAssert.Contains(e.Message, "event 1: lock with site 1, but the trace interns 1 sites");
        Assert.AreEqual(1L, w.EventCount);
    }

    [TestMethod]
    public void TraceReader_HugeAgentCount_RefusedAtTheCountBeforeAllocating()
    {
        var block = MetadataCodec.Encode(Small());
        // arch byte, name (len 5 + "small"), then the agent count at block offset 7.
        Assert.AreEqual(2, block[7]);
        var patched = block[..7].Concat(new byte[] { 0xFF, 0xFF, 0x03 }).Concat(block[8..]).ToArray();
        var file = Header(patched);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "big.trace"));
        Assert.AreEqual(27L, e.ByteOffset);
        StringAssert.Contains(e.Message, "65535 agents (at most 4096)");
    }

    [TestMethod]
    public void TraceReader_SiteCountAtItsCapWithNoBytesLeft_RefusedBeforeAllocating()
    {
        // v2: the sites are the block's last field. Small() ends with site count 1, then "s" (length 1, 's'); in their
        // place the count 2^20 (the cap, varint 80 80 40) and nothing after it: 2^20 sites cannot fit in 0 bytes, refused
        // at the count before an array of 2^20 strings (8 MiB) is made.
        var block = MetadataCodec.Encode(Small(), 2);
        CollectionAssert.AreEqual(new byte[] { 1, 1, (byte)'s' }, block[^3..]);
        var patched = block[..^3].Concat(new byte[] { 0x80, 0x80, 0x40 }).ToArray();
        var file = Header(patched, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "sites.trace"));
        Assert.IsLessThan(1L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.AreEqual($"sites.trace: byte offset {20 + block.Length - 3} (header): metadata: 1048576 sites cannot fit in the 0 bytes left", e.Message);
    }

    [TestMethod]
    public void TraceReader_SiteOfTheMostBytes_ReadsAndOneMoreIsRefusedAtItsLength()
    {
        // Strings hold at most 4096 UTF-8 bytes. v2 keeps the site last: its length varint (2 bytes from 128 up), then
        // its bytes, end the block.
        var most = new string('x', 4096);
        using (var reader = TraceReader.Open(new MemoryStream(Header(MetadataCodec.Encode(Small(sites: [most]), 2), 2)), "most.trace"))
            Assert.AreEqual(most, reader.Metadata.Sites[0]);

        var block = MetadataCodec.Encode(Small(sites: [most + "x"]), 2);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(Header(block, 2)), "long.trace"));
        Assert.AreEqual($"long.trace: byte offset {20 + block.Length - 4097 - 2} (header): metadata: site of 4097 bytes (at most 4096)", e.Message);
    }

    [TestMethod]
    [DataRow(0, "bad magic")]
    [DataRow(8, "format version")]
    [DataRow(16, "metadata CRC-32C")]
    public void TraceReader_DamagedHeader_NamesOffset(int offset, string problem)
    {
        var file = Header(MetadataCodec.Encode(Small()));
        file[offset] ^= 0x40;
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(file), "h.trace"));
        Assert.AreEqual((long)offset, e.ByteOffset);
        StringAssert.Contains(e.Message, problem);
        Assert.IsNotNull(e.BytesHex);
    }

    [TestMethod]
    [DataRow(EventKind.Store, 0, 0x1000UL, 4, 0u, 0, "without its bytes")]
    [DataRow(EventKind.Store, 1, 0x1000UL, 4, 0u, 4, "which is a device")]
    [DataRow(EventKind.Load, 0, 0x1000UL, 4097, 0u, 0, "size 4097")]
    [DataRow(EventKind.Barrier, 0, 0UL, 0, 0x30u, 0, "not a barrier of arch arm64")]
    [DataRow(EventKind.Lock, 0, 0UL, 0, 1u, 0, "declares 1 locks")]
    [DataRow(EventKind.TakeIrq, 0, 0UL, 0, 0u, 0, "not a device")]
    [DataRow(EventKind.RaiseIrq, 1, 0x10UL, 0, 0u, 0, "(must be 0 and 0)")]
    [DataRow(EventKind.FirmwareCall, 0, 0UL, 8, 0u, 8, "size 8 (must be 0 and 144)")]
    [DataRow(EventKind.IommuMode, 0, 0UL, 0, 0x30001u, 0, "treatment 3")]
    [DataRow(EventKind.IommuMode, 0, 0UL, 0, 0x10000u, 0, "names agent 0, which is not a device")]
    [DataRow(EventKind.DmaMap, 0, 0x1000UL, 64, 0x30001u, 0, "direction 3")]
    [DataRow(EventKind.DmaMap, 0, 0x1000UL, 64, 0x20000u, 0, "names agent 0, which is not a device")]
    [DataRow(EventKind.Quiesce, 0, 0UL, 0, 0u, 0, "quiesce names agent 0, which is not a device")]
    [DataRow(EventKind.DmaUnmap, 0, 0x1000UL, 64, 0u, 0, "dma_unmap names agent 0, which is not a device")]
    [DataRow(EventKind.FirmwareReturn, 0, 0UL, 144, 2u, 144, "conduit 2 (0 smc, 1 hvc)")]
    [DataRow(EventKind.StoreRelease, 1, 0x1000UL, 4, 0u, 4, "which is a device")]
    [DataRow(EventKind.Handover, 0, 0UL, 0, 1u, 0, "aux 1 (must be 0)")]
    [DataRow(EventKind.Load, 0, 0x1000UL, 4, 0u, 3, "carrying 3 bytes")]
    public void TraceWriter_BadEvent_RefusedWithReason(EventKind kind, int agent, ulong address, int size, uint aux, int dataLength, string reason)
    {
        using var w = new TraceWriter(new MemoryStream(), Small());
        var e = Assert.ThrowsExactly<ArgumentException>(() => w.Append(new TraceEvent(kind, (ushort)agent, address, size, aux), new byte[dataLength]));
        StringAssert.Contains(e.Message, reason);
    }

    /// <summary>A file header for <paramref name="block"/> (encoded for <paramref name="version"/>), without chunks.</summary>
    internal static byte[] Header(byte[] block, int version = FormatLayout.Version)
    {
        var file = new byte[20 + block.Length];
        FormatLayout.FileMagic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)version);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)block.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), Crc32C.Compute(block));
        block.CopyTo(file, 20);
        return file;
    }
}
