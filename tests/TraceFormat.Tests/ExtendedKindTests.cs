using System.Buffers.Binary;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>Format v3: kinds 15..25 as kind nibble 15 plus a byte in the extension column; their operand rules.</summary>
[TestClass]
public sealed class ExtendedKindTests
{
    static TraceMetadata Small() => new()
    {
        Name = "v3",
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("nic", AgentKind.Device)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 }],
    };

    [TestMethod]
    [DataRow(TraceCodec.None, 1)]
    [DataRow(TraceCodec.Lz4, 3)]
    [DataRow(TraceCodec.Lz4, 4096)]
    public void TraceWriter_EveryKindWithRandomOperands_ReadsBackEqual(TraceCodec codec, int chunkEvents)
    {
        // The first seed from 2612 whose metadata declares locks (lock events need one).
        var (gen, m) = Enumerable.Range(2612, 50).Select(seed => new RandomTraces(seed)).Select(g => (g, g.Metadata(Arch.Arm64))).First(p => p.Item2.Locks.Count > 0);
        var events = gen.Events(m, 1500);
        for (int kind = 0; kind < EventKinds.Count; kind++)
            Assert.IsTrue(events.Any(e => (int)e.Event.Kind == kind), $"the mix must hold kind {(EventKind)kind}");
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "all.trace");
        Assert.AreEqual(4, reader.Version);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    public void TraceWriter_FirmwareCall_CarriesTheRegistersInTheDataColumnWithoutAddressOrSize()
    {
        var regs = Enumerable.Range(0, EventKinds.RegisterBytes).Select(i => (byte)(i * 7)).ToArray();
        var bytes = Write(new TraceEvent(EventKind.FirmwareCall, 0, 0, EventKinds.RegisterBytes, (uint)FirmwareConduit.Hvc), regs);
        var c = Columns.Of(bytes);
        Assert.AreEqual(0, c.Length(Columns.Address) + c.Length(Columns.Sizes), "no address, no size");
        Assert.AreEqual(EventKinds.RegisterBytes, c.Length(Columns.Data));
        Assert.AreEqual(1, c.Length(Columns.Extension));
        Assert.AreEqual(EventKind.FirmwareCall - EventKind.RaiseIrq, bytes[c.At(Columns.Extension)]);
        Assert.AreEqual(0x1F, bytes[c.KindsAt], "nibble 15 with has-data");
        using var reader = TraceReader.Open(new MemoryStream(bytes), "fw.trace");
        var read = RandomTraces.ReadAll(reader).Single();
        Assert.AreEqual(new TraceEvent(EventKind.FirmwareCall, 0, 0, EventKinds.RegisterBytes, 1), read.Event);
        CollectionAssert.AreEqual(regs, read.Data);
    }

    [TestMethod]
    public void TraceWriter_KindsBelow15_WriteNoExtensionBytes()
    {
        var gen = new RandomTraces(5);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 300, EventKinds.CountBeforeV3).Where(e => e.Event.Kind != EventKind.RaiseIrq).ToList();
        var v2 = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None, ChunkEvents = 4096, FormatVersion = 2 });
        var v3 = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None, ChunkEvents = 4096, FormatVersion = 3 });
        Assert.AreEqual(0, Columns.Of(v3).Length(Columns.Extension));
        // One more u32 in the chunk's column table and the end tag of the metadata sections: nothing per event.
        Assert.AreEqual(v2.Length + 4 + 2, v3.Length);
        // v4: the same chunks, then the census section before the index.
        var v4 = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None, ChunkEvents = 4096 });
        var (start, end) = Section.Of(v4);
        Assert.AreEqual(v3.Length + (end - start), v4.Length);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void TraceWriter_OldVersion_RefusesKindsAbove15(int version)
    {
        using var w = new TraceWriter(new MemoryStream(), Small(), new TraceWriterOptions { FormatVersion = version });
        w.Append(new TraceEvent(EventKind.RaiseIrq, 1, 0, 0), []);
        var e = Assert.ThrowsExactly<ArgumentException>(() => w.Append(new TraceEvent(EventKind.Handover, 0, 0, 0), []));
        StringAssert.Contains(e.Message, $"handover (kind 21) needs format version 3; version {version} holds kinds 0..15");
    }

    /// <summary>
    /// v1 and v2 hold kinds 0..15 only: a kind above 15 is refused whoever performs it. Kind 16 (store_release, the
    /// first past 15) by the device with address, size and bytes 0 and 0 and none: its kind nibble would be 15,
    /// raise_irq's, a device kind without operands, so only the kind-count check stops it from being written as a raise_irq.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void TraceWriter_OldVersion_RefusesKindsAbove15ByADeviceToo(int version)
    {
        using var w = new TraceWriter(new MemoryStream(), Small(), new TraceWriterOptions { FormatVersion = version });
        var e = Assert.ThrowsExactly<ArgumentException>(() => w.Append(new TraceEvent(EventKind.StoreRelease, 1, 0, 0), []));
        StringAssert.Contains(e.Message, $"(kind 16) needs format version 3; version {version} holds kinds 0..15");
        Assert.AreEqual(0L, w.EventCount);
    }

    [TestMethod]
    [DataRow(11)]
    [DataRow(0xFF)]
    public void TraceReader_UndefinedExtensionByte_NamesItsOffsetAndChunk(int ext)
    {
        var bytes = Write(new TraceEvent(EventKind.Handover, 0, 0, 0), []);
        var c = Columns.Of(bytes);
        int at = c.At(Columns.Extension);
        bytes[at] = (byte)ext;
        c.FixCrcs(bytes);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => ReadAll(bytes));
        Assert.AreEqual((long)at, e.ByteOffset);
        Assert.AreEqual(0L, e.ChunkIndex);
        StringAssert.Contains(e.Message, $"e.trace: byte offset {at} (chunk 0): event 0 has extension byte {ext}: kind {15 + ext} is undefined");
    }

    [TestMethod]
    public void TraceReader_ExtensionByteOfADeviceKindByACpu_IsRefused()
    {
        // raise_irq (nibble 15 + 0) by the device; patch the extension byte to handover (a cpu kind).
        var bytes = Write(new TraceEvent(EventKind.RaiseIrq, 1, 0, 0), []);
        var c = Columns.Of(bytes);
        Assert.AreEqual(0, bytes[c.At(Columns.Extension)]);
        bytes[c.At(Columns.Extension)] = EventKind.Handover - EventKind.RaiseIrq;
        c.FixCrcs(bytes);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => ReadAll(bytes));
        StringAssert.Contains(e.Message, "event 0 is a cpu event (handover) by agent 1, which is a device");
        Assert.AreEqual((long)c.KindsAt, e.ByteOffset);
    }

    [TestMethod]
    public void TraceReader_ExtensionColumnShorterOrLongerThanTheExtendedEvents_IsRefused()
    {
        // A store's kind nibble turned into 15: the only extension byte goes to it, none is left for the next event.
        var bytes = Write([(new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Compiler.Value), []), (new TraceEvent(EventKind.Quiesce, 0, 0, 0, 1), [])]);
        var c = Columns.Of(bytes);
        bytes[c.KindsAt] |= 0xF;
        c.FixCrcs(bytes);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => ReadAll(bytes));
        StringAssert.Contains(e.Message, "no byte left");

        // The other way: a kind below 15 where the extended event was, leaving its extension byte unused.
        bytes = Write(new TraceEvent(EventKind.Quiesce, 0, 0, 0, 1), []);
        c = Columns.Of(bytes);
        bytes[c.KindsAt] = (byte)((bytes[c.KindsAt] & 0xF0) | (int)EventKind.Barrier);
        c.FixCrcs(bytes);
        e = Assert.ThrowsExactly<TraceFormatException>(() => ReadAll(bytes));
        StringAssert.Contains(e.Message, "the extension column has 1 bytes no event uses");
    }

    /// <summary>An aux operand patched in place (same varint length) to one the rules refuse.</summary>
    [TestMethod]
    [DataRow(EventKind.IommuMode, 0UL, 0, 1u | 1u << 16, 1u | 3u << 16, "iommu_mode with treatment 3 (0 translate, 1 bypass, 2 abort)")]
    [DataRow(EventKind.IommuMode, 0UL, 0, 1u | 1u << 16, 0u | 1u << 16, "iommu_mode names agent 0, which is not a device")]
    [DataRow(EventKind.IommuMode, 0UL, 0, 1u | 1u << 16, 5u | 1u << 16, "iommu_mode names agent 5, which is not a device")]
    [DataRow(EventKind.DmaMap, 0x1000UL, 64, 1u | 2u << 16, 1u | 3u << 16, "dma_map with direction 3 (0 bidirectional, 1 to_device, 2 from_device)")]
    [DataRow(EventKind.DmaMap, 0x1000UL, 64, 1u | 2u << 16, 0u | 2u << 16, "dma_map names agent 0, which is not a device")]
    [DataRow(EventKind.Quiesce, 0UL, 0, 1u, 0u, "quiesce names agent 0, which is not a device")]
    [DataRow(EventKind.DmaUnmap, 0x1000UL, 64, 1u, 0u, "dma_unmap names agent 0, which is not a device")]
    [DataRow(EventKind.FirmwareCall, 0UL, 144, 1u, 2u, "smc with conduit 2 (0 smc, 1 hvc)")]
    [DataRow(EventKind.FirmwareReturn, 0UL, 144, 0u, 127u, "ret with conduit 127 (0 smc, 1 hvc)")]
    public void TraceReader_BadAuxOfAV3Kind_NamesTheRuleWithOffsetAndChunk(EventKind kind, ulong address, int size, uint good, uint bad, string problem)
    {
        var data = kind.MustCarryData() ? new byte[size] : [];
        var ev = new TraceEvent(kind, 0, address, size, good);
        var bytes = Write(ev, data);
        var c = Columns.Of(bytes);
        int at = c.At(Columns.Aux);
        var goodVarint = Varint(good);
        var badVarint = Varint(bad);
        Assert.AreEqual(goodVarint.Length, badVarint.Length, "the patch keeps the column length");
        Assert.AreEqual(goodVarint.Length, c.Length(Columns.Aux));
        CollectionAssert.AreEqual(goodVarint, bytes.AsSpan(at, goodVarint.Length).ToArray());
        badVarint.CopyTo(bytes, at);
        c.FixCrcs(bytes);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => ReadAll(bytes));
        Assert.AreEqual($"e.trace: byte offset {at} (chunk 0): event 0: {problem}", e.Message);

        // The writer refuses the same operand with the same words.
        using var w = new TraceWriter(new MemoryStream(), Small());
        var refused = Assert.ThrowsExactly<ArgumentException>(() => w.Append(ev with { Aux = bad }, data));
        StringAssert.Contains(refused.Message, problem);
    }

    [TestMethod]
    public void KindByte_V3Tables_AcceptExactlyWhatTheWriterProducesForEveryKind()
    {
        for (int b = 0; b < 256; b++)
        {
            if ((b & 0xF) == 15) Assert.AreEqual(0, KindByte.TableV3[b], "nibble 15 leaves the common path");
            else Assert.AreEqual(KindByte.Table[b], KindByte.TableV3[b], $"kind byte 0x{b:x2}");
        }
        for (int ext = 0; ext < 11; ext++)
            for (int high = 0; high < 16; high++)
            {
                var kind = (EventKind)(15 + ext);
                bool data = (high & 1) != 0;
                bool expected = (!data || kind.MayCarryData() || kind.MustCarryData()) && (data || !kind.MustCarryData())
                    && (high >> 2 == 0 || kind.HasAddress());
                int f = KindByte.Extended[ext * 16 + high];
                Assert.AreEqual(expected, f != 0, $"{kind} flags 0x{high:x}");
                if (f != 0) Assert.AreNotEqual(0, f & KindByte.IsExtended);
            }
    }

    static byte[] Write(TraceEvent e, byte[] data) => Write([(e, data)]);

    static byte[] Write((TraceEvent Event, byte[] Data)[] events)
    {
        var ms = new MemoryStream();
        using var w = new TraceWriter(ms, Small(), new TraceWriterOptions { Codec = TraceCodec.None });
        foreach (var (e, d) in events) w.Append(e, d);
        w.Complete();
        return ms.ToArray();
    }

    static void ReadAll(byte[] bytes)
    {
        using var reader = TraceReader.Open(new MemoryStream(bytes), "e.trace");
        RandomTraces.ReadAll(reader);
    }

    static byte[] Varint(ulong v)
    {
        var list = new List<byte>();
        do { list.Add((byte)((v & 0x7F) | (v > 0x7F ? 0x80UL : 0))); v >>= 7; } while (v != 0);
        return [.. list];
    }

    /// <summary>Where the columns of the first chunk of a codec-none v3 or v4 trace (the same chunks) with 1-byte agents are.</summary>
    sealed class Columns
    {
        public const int AddressLengths = 0, Address = 1, Sizes = 2, Aux = 3, Sites = 4, ValueLengths = 5, Values = 6, Data = 7, Extension = 8;
        int _chunk, _payload, _count;
        byte[] _bytes = [];

        public static Columns Of(byte[] bytes)
        {
            var c = new Columns { _bytes = bytes, _chunk = 20 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) };
            Assert.IsTrue(bytes[8] is 3 or 4, "v3's chunks");
            Assert.AreEqual(0, bytes[c._chunk + 24], "codec none");
            c._payload = c._chunk + 36;
            c._count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(c._chunk + 4));
            return c;
        }

        public int KindsAt => _payload + 36;
        public int Length(int column) => BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(_payload + 4 * column));
        public int At(int column)
        {
            int at = _payload + 36 + 2 * _count;
            for (int k = 0; k < column; k++) at += Length(k);
            return at;
        }

        /// <summary>Recomputes the chunk's stored-bytes and header CRCs after a patch.</summary>
        public void FixCrcs(byte[] bytes)
        {
            int stored = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(_chunk + 20));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(_chunk + 28), Crc32C.Compute(bytes.AsSpan(_payload, stored)));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(_chunk + 32), Crc32C.Compute(bytes.AsSpan(_chunk, 32)));
        }
    }
}
