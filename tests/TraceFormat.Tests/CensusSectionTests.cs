using System.Buffers.Binary;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>The v4 census section: written by the writer, handed over by the reader (docs/trace-format.md, "Census section").</summary>
[TestClass]
public sealed class CensusSectionTests
{
    [TestMethod]
    [DataRow(1, TraceCodec.Lz4, 64)]
    [DataRow(2, TraceCodec.None, 1)]
    [DataRow(3, TraceCodec.Lz4, 4096)]
    [DataRow(4, TraceCodec.None, 7)]
    public void TraceWriter_RandomTrace_CensusReadsBackAsTheEventsCensus(int seed, TraceCodec codec, int chunkEvents)
    {
        var gen = new RandomTraces(seed);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 800);
        events.AddRange(TopOfAddressSpace(m));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents });

        using var reader = TraceReader.Open(new MemoryStream(bytes), "c.trace");
        Assert.AreEqual(4, reader.Version);
        CensusAssert.SameAs(events, reader.Census);
        Assert.IsTrue(reader.Census!.Sorted().Contains(ulong.MaxValue >> 12), "the last page of the address space");
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
    }

    [TestMethod]
    public void TraceReader_StreamThatCannotSeek_HasTheCensusOncePastTheLastChunk()
    {
        var gen = new RandomTraces(5);
        var m = gen.Metadata(Arch.X86_64);
        var events = gen.Events(m, 300);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 50 });

        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "pipe");
        Assert.IsNull(reader.Census, "unknown until the end");
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
        CensusAssert.SameAs(events, reader.Census);
    }

    [TestMethod]
    public void TraceWriter_NoEvents_WritesAnEmptyCensus()
    {
        var m = new RandomTraces(6).Metadata(Arch.Sc);
        var bytes = RandomTraces.Write(m, []);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "empty.trace");
        Assert.IsNotNull(reader.Census);
        Assert.AreEqual(0, reader.Census.Count);
        Assert.AreEqual(0, RandomTraces.ReadAll(reader).Count);
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void TraceWriter_VersionsBefore4_WriteNoCensus(int version)
    {
        var gen = new RandomTraces(7);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200, RandomTraces.KindsOf(version));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { FormatVersion = version, ChunkEvents = 64 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "old.trace");
        Assert.AreEqual(version, reader.Version);
        Assert.IsNull(reader.Census);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    public void TraceWriter_V4WithoutCensus_IsTheV3TraceWithVersion4()
    {
        var gen = new RandomTraces(8);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200);
        var without = RandomTraces.Write(m, events, new TraceWriterOptions { WriteCensus = false, ChunkEvents = 64 });
        var v3 = RandomTraces.Write(m, events, new TraceWriterOptions { FormatVersion = 3, ChunkEvents = 64 });
        Assert.AreEqual(4, without[8]);
        without[8] = 3;
        CollectionAssert.AreEqual(v3, without, "only the version differs");

        without[8] = 4;
        using var reader = TraceReader.Open(new MemoryStream(without), "nocensus.trace");
        Assert.IsNull(reader.Census);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    public void TraceReader_CutAnywhereAfterTheLastChunk_IsTruncatedWithoutCensus()
    {
        var gen = new RandomTraces(9);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 120);
        var full = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 40 });
        var at = Section.Of(full);
        for (int cut = (int)at.Start; cut < full.Length; cut++)
        {
            var bytes = full.AsSpan(0, cut).ToArray();
            using (var reader = TraceReader.Open(new MemoryStream(bytes), "cut.trace"))
            {
                Assert.IsTrue(reader.Truncated, $"cut at {cut}");
                Assert.IsNull(reader.Census, $"cut at {cut}");
                RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
                Assert.IsNull(reader.Census, $"cut at {cut}: after reading");
                reader.SeekToEvent(100);
                Assert.AreEqual(40, RandomTraces.ReadAll(reader).Count, $"cut at {cut}: seek by scanning headers");
            }
            using var pipe = TraceReader.Open(new ForwardOnlyStream(bytes), "cut-pipe");
            RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(pipe));
            Assert.IsTrue(pipe.Truncated, $"cut at {cut}, stream");
            Assert.IsNull(pipe.Census, $"cut at {cut}, stream");
        }
    }

    [TestMethod]
    public void TraceReader_SeekThenReadToTheEnd_PassesTheCensusSection()
    {
        var gen = new RandomTraces(10);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 30 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "seek.trace");
        reader.SeekToEvent(150);
        var tail = RandomTraces.ReadAll(reader);
        Assert.AreEqual(200 - 150 + 150 % 30, tail.Count);
        Assert.IsFalse(reader.Truncated);
        reader.SeekToEvent(1000);
        Assert.AreEqual(0, RandomTraces.ReadAll(reader).Count);
        CensusAssert.SameAs(events, reader.Census);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(9)]
    [DataRow(-5)]
    public void TraceReader_CensusByteFlipped_ReportsTheCrcAtItsOffset(int bodyByte)
    {
        var (bytes, at) = Written(11);
        int flip = bodyByte >= 0 ? (int)at.Start + 8 + bodyByte : (int)at.End + bodyByte;
        bytes[flip] ^= 0x40;
        foreach (var stream in new Func<Stream>[] { () => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes) })
        {
            var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(TraceReader.Open(stream(), "flip.trace")));
            Assert.AreEqual(at.End - 4, e.ByteOffset);
            StringAssert.StartsWith(e.Message, $"flip.trace: byte offset {at.End - 4} (footer): census section CRC-32C is 0x");
            Assert.DoesNotContain("\n", e.Message);
        }
    }

    [TestMethod]
    public void TraceReader_CensusMagicOrLengthWrong_IsAFooterError()
    {
        var (bytes, at) = Written(12);
        var magic = (byte[])bytes.Clone();
        magic[at.Start] = (byte)'X';
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(magic), "m.trace"));
        Assert.AreEqual(at.Start, e.ByteOffset);
        StringAssert.Contains(e.Message, "(footer): expected the census section (TPGS)");

        var length = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(length.AsSpan((int)at.Start + 4), (uint)(at.End - at.Start));
        e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(length), "l.trace"));
        Assert.AreEqual(at.Start + 4, e.ByteOffset);
        StringAssert.Contains(e.Message, "(footer): the census section declares");
    }

    /// <summary>Section bodies whose CRC is intact but whose content is malformed: (body, offset of the error in the body, message).</summary>
    public static IEnumerable<object[]> MalformedBodies() =>
    [
        [new byte[] { 0x80 }, 0, "the census page count is not a valid varint"],
        // A frame with no body at all: 12 bytes up to the index, enough for a section, whose count is missing.
        [Array.Empty<byte>(), 0, "the census page count is not a valid varint"],
        [Body(3, [1, 2, 3]), 0, "the census lists 3 pages, more than the 1 events can touch"],
        [Body(2, [5]), 0, "the census lists 2 pages, more than the 1 events can touch or the 1 bytes left can hold"],
        [Body(2, [5, 0]), 2, "census page 1 is not above the previous one"],
        [Body(2, [ulong.MaxValue >> 12, 1]), 9, "census page 1 is beyond the last page of the address space"],
        [Body(1, [(ulong.MaxValue >> 12) + 1]), 1, "census page 0 is beyond the last page of the address space"],
        [Body(1, [7, 7]), 2, "1 bytes after the census's 1 pages"],
        [Body(1, []).Concat(new byte[] { 0xFF }).ToArray(), 1, "census page 0 is not a valid varint"],
    ];

    [TestMethod]
    [DynamicData(nameof(MalformedBodies))]
    public void TraceReader_CensusCrcIntactButContentMalformed_NamesTheOffset(byte[] body, int errorAt, string problem)
    {
        var m = new RandomTraces(13).Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, [new RecordedEvent(new TraceEvent(EventKind.CacheClean, 0, 0x8000_0000, 64), [])]);
        bytes = Section.Replace(bytes, Frame(body));
        var at = Section.Of(bytes);
        foreach (var stream in new Func<Stream>[] { () => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes) })
        {
            var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(TraceReader.Open(stream(), "bad.trace")));
            Assert.AreEqual(at.Start + 8 + errorAt, e.ByteOffset, e.Message);
            StringAssert.Contains(e.Message, $"bad.trace: byte offset {at.Start + 8 + errorAt} (footer): {problem}");
        }
    }

    [TestMethod]
    public void TraceReader_ACensusAtTheCapsOfEventsAndBytes_IsRead()
    {
        // One event across a page boundary: two pages, the most one event can add.
        var m = new RandomTraces(14).Metadata(Arch.Arm64);
        var events = new List<RecordedEvent> { new(new TraceEvent(EventKind.CacheFlush, 0, 0x8000_0FF0, 32), []) };
        var bytes = RandomTraces.Write(m, events);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "two.trace");
        CollectionAssert.AreEqual(new ulong[] { 0x8000_0, 0x8000_1 }, reader.Census!.Sorted());
        CensusAssert.SameAs(events, reader.Census);
    }

    [TestMethod]
    public void TraceReader_CensusStartingAtPageZero_IsRead()
    {
        // A flush of bytes 0xFF0..0x100F touches pages 0 and 1: the body is count 2, first page 0 (a delta of 0 from 0,
        // allowed for the first page only), then delta 1.
        var m = new RandomTraces(18).Metadata(Arch.Arm64);
        var events = new List<RecordedEvent> { new(new TraceEvent(EventKind.CacheFlush, 0, 0xFF0, 32), []) };
        var bytes = RandomTraces.Write(m, events);
        var at = Section.Of(bytes);
        CollectionAssert.AreEqual(new byte[] { 2, 0, 1 }, bytes[(int)(at.Start + 8)..(int)(at.End - 4)]);
        foreach (var stream in new Func<Stream>[] { () => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes) })
        {
            using var reader = TraceReader.Open(stream(), "zero.trace");
            RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
            CollectionAssert.AreEqual(new ulong[] { 0, 1 }, reader.Census!.Sorted());
        }
    }

    [TestMethod]
    public void TraceReader_AV3TraceWithACensusSection_RefusesIt()
    {
        var (bytes, _) = Written(15);
        bytes[8] = 3; // the header CRC covers the metadata only
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(TraceReader.Open(new MemoryStream(bytes), "v3.trace")));
        StringAssert.Contains(e.Message, "expected a chunk header or the chunk index");
    }

    [TestMethod]
    public void TraceReader_CheckCensus_RefusesAWellFormedCensusThatDiffersFromTheEvents()
    {
        var (bytes, at) = Written(16);
        var events = RandomTraces.ReadAll(TraceReader.Open(new MemoryStream(bytes), "ok.trace"));
        var builder = new DevicePagesBuilder();
        foreach (var e in events)
            builder.AddEvent(e.Event.Kind, e.Event.Address, e.Event.Size);
        var fromEvents = builder.Build()!;
        using (var ok = TraceReader.Open(new MemoryStream(bytes), "ok.trace")) ok.CheckCensus(fromEvents);

        var pages = fromEvents.Sorted();
        ulong extra = pages[^1] + 1;
        foreach (var (census, problem) in new[]
        {
            (pages[1..], $"it misses page 0x{pages[0]:x} that the events touch"),
            (pages.Append(extra).ToArray(), $"it lists page 0x{extra:x} that no census event touches"),
        })
        {
            var changed = Section.Replace(bytes, Frame(Body((ulong)census.Length, Deltas(census))));
            using var reader = TraceReader.Open(new MemoryStream(changed), "lie.trace");
            Assert.AreEqual(census.Length, reader.Census!.Count, "well-formed: read at open");
            var e = Assert.ThrowsExactly<TraceFormatException>(() => reader.CheckCensus(fromEvents));
            Assert.AreEqual(at.Start, e.ByteOffset);
            StringAssert.Contains(e.Message, $"(footer): the census section does not match the events: it holds {census.Length} pages, the events touch {pages.Length}; {problem}");
        }
    }

    [TestMethod]
    public void DevicePagesBuilder_PagesSharingARecentSlot_AreAllKept()
    {
        // Pages 1024 apart share a slot of the builder's recent-page cache: alternating them must still add each.
        var builder = new DevicePagesBuilder();
        ulong[] pages = [5, 5 + 1024, 5, 5 + 2048, 5 + 1024, (ulong.MaxValue >> 12) - 1018, 5];
        foreach (ulong p in pages) builder.Add(p << 12, 1);
        builder.Add(((ulong.MaxValue >> 12) - 1) << 12 | 0xFFE, 4); // across the last two pages
        CollectionAssert.AreEqual(new ulong[] { 5, 5 + 1024, 5 + 2048, (ulong.MaxValue >> 12) - 1018, (ulong.MaxValue >> 12) - 1, ulong.MaxValue >> 12 }, builder.Build()!.Sorted());
    }

    static ulong[] Deltas(ulong[] pages) => [.. pages.Select((p, i) => i == 0 ? p : p - pages[i - 1])];

    static (byte[] Bytes, (long Start, long End) At) Written(int seed)
    {
        var gen = new RandomTraces(seed);
        var m = gen.Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, gen.Events(m, 200), new TraceWriterOptions { ChunkEvents = 64 });
        var at = Section.Of(bytes);
        Assert.IsGreaterThan(at.Start + 12, at.End, "the random trace has census pages");
        return (bytes, at);
    }

    /// <summary>Cache maintenance, DMA and release stores at the top of the address space, some across its last pages.</summary>
    static IEnumerable<RecordedEvent> TopOfAddressSpace(TraceMetadata m)
    {
        ushort cpu = 0, device = (ushort)Enumerable.Range(0, m.Agents.Count).First(i => !m.Agents[i].IsCpu);
        yield return new(new TraceEvent(EventKind.CacheClean, cpu, ulong.MaxValue - 4095, 4096), []);
        yield return new(new TraceEvent(EventKind.CacheInval, cpu, ulong.MaxValue - 8192 - 2, 4), []);
        yield return new(new TraceEvent(EventKind.DmaRead, device, ulong.MaxValue - 3 * 4096 + 1, 8), []);
        yield return new(new TraceEvent(EventKind.StoreRelease, cpu, ulong.MaxValue, 1), [7]);
        yield return new(new TraceEvent(EventKind.Store, cpu, ulong.MaxValue - 20 * 4096, 8), new byte[8]);
    }

    /// <summary>
    /// A section declaring a body past the cap (here 2^31 + 12 bytes, whose int would be negative): refused before any
    /// read or allocation, seekable and forward-only, whatever the bytes after it.
    /// </summary>
    [TestMethod]
    [DataRow(CensusCodec.MaxBody + 1u)]
    [DataRow(0x8000_000Cu)]
    public void TraceReader_CensusBodyPastTheCap_IsAFooterError(uint declared)
    {
        var m = new RandomTraces(15).Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, [new RecordedEvent(new TraceEvent(EventKind.CacheClean, 0, 0x8000_0000, 64), [])]);
        var frame = Frame(Body(1, [0x8000_0]));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), declared);
        bytes = Section.Replace(bytes, frame);
        var at = Section.Of(bytes);
        foreach (var stream in new Func<Stream>[] { () => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes) })
        {
            var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(TraceReader.Open(stream(), "cap.trace")));
            Assert.AreEqual(at.Start + 4, e.ByteOffset, e.Message);
            StringAssert.Contains(e.Message, $"(footer): the census section declares {declared} body bytes, more than a census of at most {DevicePages.MaxPages} pages takes");
        }
    }

    /// <summary>
    /// Read as a stream nothing says where the index is: a section may take the count varint and 16 bytes per event read
    /// (two pages an event, 8 bytes a delta), here 10 + 16 = 26 for one event. A section declaring 1,000,000 body bytes is
    /// refused at its length before anything is read for it, not read (or waited for) up to the census cap.
    /// </summary>
    [TestMethod]
    public void TraceReader_StreamCensusLongerThanTheEventsAllow_IsAFooterError()
    {
        var m = new RandomTraces(17).Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, [new RecordedEvent(new TraceEvent(EventKind.CacheClean, 0, 0x8000_0000, 64), [])]);
        var frame = Frame(Body(1, [0x8000_0]));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 1_000_000);
        bytes = Section.Replace(bytes, frame);
        var at = Section.Of(bytes);
        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "room.trace");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        Assert.AreEqual($"room.trace: byte offset {at.Start + 4} (footer): the census section declares 1000000 body bytes, but the trace leaves room for 26 [bytes: 40420f00]", e.Message);
    }

    /// <summary>Past <see cref="DevicePages.MaxPages"/> the builder drops its set, and the writer writes no census.</summary>
    [TestMethod]
    public void DevicePagesBuilder_PastTheCap_OverflowsAndBuildsNothing()
    {
        var builder = new DevicePagesBuilder();
        for (ulong p = 0; p < DevicePages.MaxPages; p++) builder.Add(p << 12, 1);
        Assert.IsFalse(builder.Overflowed);
        Assert.AreEqual(DevicePages.MaxPages, builder.Build()!.Count);
        builder.Add((ulong)DevicePages.MaxPages << 12, 1);
        Assert.IsTrue(builder.Overflowed);
        Assert.IsNull(builder.Build());
        builder.Add(1UL << 40, 8);
        Assert.IsNull(builder.Build(), "nothing is kept once over the cap");
    }

    static byte[] Body(ulong count, ulong[] deltas)
    {
        var list = new List<byte>();
        void Varint(ulong v) { do { list.Add((byte)((v & 0x7F) | (v > 0x7F ? 0x80UL : 0))); v >>= 7; } while (v != 0); }
        Varint(count);
        foreach (var d in deltas) Varint(d);
        return [.. list];
    }

    /// <summary>A section around <paramref name="body"/> with a correct CRC.</summary>
    static byte[] Frame(byte[] body)
    {
        var s = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x53475054);
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(4), (uint)body.Length);
        body.CopyTo(s, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(8 + body.Length), Crc32C.Compute(s.AsSpan(0, 8 + body.Length)));
        return s;
    }
}
