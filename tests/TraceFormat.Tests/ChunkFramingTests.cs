using System.Buffers.Binary;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// Chunk headers and the chunk index that lie behind intact CRCs, crafted byte by byte: each is refused with the offset
/// of the lying field and the chunk it is in (docs/trace-format.md, "Chunk header", "Footer", "Reading rules").
/// </summary>
[TestClass]
public sealed class ChunkFramingTests
{
    /// <summary>A v4 trace of 3 chunks of 10 events, and its chunk offsets.</summary>
    static (byte[] Bytes, long[] Chunks) Written(int seed = 31)
    {
        var gen = new RandomTraces(seed);
        var m = gen.Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, gen.Events(m, 30), new TraceWriterOptions { ChunkEvents = 10 });
        var chunks = TruncationTests.ChunkOffsets(bytes);
        Assert.HasCount(3, chunks);
        return (bytes, chunks);
    }

    static Func<Stream>[] Streams(byte[] bytes) => [() => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes)];

    static void FixHeaderCrc(byte[] bytes, long chunk) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)chunk + 32), Crc32C.Compute(bytes.AsSpan((int)chunk, 32)));

    [TestMethod]
    [DataRow(25)]
    [DataRow(26)]
    [DataRow(27)]
    public void TraceReader_ReservedChunkHeaderByteSet_RefusedAtTheReservedField(int field)
    {
        var (bytes, chunks) = Written();
        long at = chunks[1];
        bytes[at + field] = 0x01;
        FixHeaderCrc(bytes, at);
        string hex = field switch { 25 => "010000", 26 => "000100", _ => "000001" };
        foreach (var stream in Streams(bytes))
        {
            var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(TraceReader.Open(stream(), "r.trace")));
            Assert.AreEqual($"r.trace: byte offset {at + 25} (chunk 1): reserved chunk header bytes must be 0 [bytes: {hex}]", e.Message);
        }
    }

    /// <summary>The trace with index entry <paramref name="k"/>'s event count set to <paramref name="count"/>, the trailer's total following, both CRCs fixed.</summary>
    static byte[] WithIndexCount(byte[] trace, int k, uint count)
    {
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(trace.Length - 32 + 8));
        uint old = BinaryPrimitives.ReadUInt32LittleEndian(trace.AsSpan(index + 4 + 20 * k + 16));
        return WithIndex(trace, entries => BinaryPrimitives.WriteUInt32LittleEndian(entries[(20 * k + 16)..], count), (long)count - old);
    }

    [TestMethod]
    public void TraceReader_IndexCountsTheLastChunkWrong_RefusedAtThatChunk()
    {
        // The index (CRCs intact, its firsts and total consistent) gives the last chunk 11 events; the chunk holds 10.
        // Checked against the footer while reading, the chunk is refused at its own offset before it is decoded.
        var (trace, chunks) = Written();
        var bytes = WithIndexCount(trace, 2, 11);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "i.trace");
        Assert.AreEqual(31L, reader.IndexedEventCount, "the footer itself is consistent");
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.IsTrue(reader.ReadBatch(batch));
        var e = Assert.ThrowsExactly<TraceFormatException>(() => reader.ReadBatch(batch));
        Assert.AreEqual($"i.trace: byte offset {chunks[2]} (chunk 2): chunk of 10 events at offset {chunks[2]} does not match the footer's index", e.Message);
    }

    [TestMethod]
    public void TraceReader_IndexEntryStartsAtTheWrongEvent_FooterErrorAtOpen()
    {
        // Entry 1 says chunk 1 starts at event 11; chunk 0 holds 10 (entry 0), so it must start at 10. With the index
        // CRC fixed, the open refuses the entry at its first-event field: index + 4 + 20 + 8.
        var (trace, _) = Written();
        var bytes = WithIndex(trace, entries => BinaryPrimitives.WriteInt64LittleEndian(entries[(20 + 8)..], 11));
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 32 + 8));
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(bytes), "f.trace"));
        Assert.AreEqual($"f.trace: byte offset {index + 32} (footer): index entry 1 says chunk 1 starts at event 11, expected 10 [bytes: 0b00000000000000]", e.Message);
    }

    [TestMethod]
    public void TraceReader_TrailerTotalDiffersFromTheIndex_FooterErrorAtOpen()
    {
        // The trailer counts 31 events (0x1f), its CRC fixed; the index's entries add up to 30. The open refuses the total.
        var (trace, _) = Written();
        var bytes = WithIndex(trace, _ => { }, totalChange: 1);
        int trailer = bytes.Length - 32;
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(bytes), "t.trace"));
        Assert.AreEqual($"t.trace: byte offset {trailer + 16} (footer): the trailer counts 31 events but the index lists 30 [bytes: 1f00000000000000]", e.Message);
    }

    [TestMethod]
    public void TraceReader_StreamWithIndexCountingMoreEvents_FooterErrorAtTheTotal()
    {
        // Read as a stream there is no footer at open: the index (CRCs intact, giving the last chunk 11 events, total 31)
        // is met after 30 events were read, and the trailer's total is refused at its field.
        var (trace, _) = Written();
        var bytes = WithIndexCount(trace, 2, 11);
        int trailer = bytes.Length - 32;
        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "s.trace");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        Assert.AreEqual($"s.trace: byte offset {trailer + 16} (footer): the trailer counts 31 events but the chunks hold 30", e.Message);
    }

    /// <summary>
    /// The trace with its index entries rewritten by <paramref name="edit"/> and the trailer's total moved by
    /// <paramref name="totalChange"/>, both CRCs fixed.
    /// </summary>
    static byte[] WithIndex(byte[] trace, Action<Span<byte>> edit, long totalChange = 0)
    {
        var bytes = (byte[])trace.Clone();
        int trailer = bytes.Length - 32;
        int chunks = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(trailer + 4));
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(trailer + 8));
        edit(bytes.AsSpan(index + 4, 20 * chunks));
        var total = bytes.AsSpan(trailer + 16, 8);
        BinaryPrimitives.WriteInt64LittleEndian(total, BinaryPrimitives.ReadInt64LittleEndian(total) + totalChange);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(trailer + 24), Crc32C.Compute(bytes.AsSpan(index, 4 + 20 * chunks)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(trailer + 28), Crc32C.Compute(bytes.AsSpan(trailer, 28)));
        return bytes;
    }

    [TestMethod]
    public void TraceReader_StreamWithIndexListingOtherCounts_FooterErrorAtTheFirstWrongEntry()
    {
        // The index gives the three chunks of 10 events 10, 9 and 11 (firsts 0, 10, 19; total still 30; CRCs fixed):
        // consistent in itself and with the trailer. Read as a stream, it is met after the chunks and held to them
        // (docs/trace-format.md: a footer whose entries do not match the chunks is an error): entry 1's count is refused.
        var (trace, _) = Written();
        var bytes = WithIndex(trace, entries =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entries[(20 + 16)..], 9);
            BinaryPrimitives.WriteInt64LittleEndian(entries[(40 + 8)..], 19);
            BinaryPrimitives.WriteUInt32LittleEndian(entries[(40 + 16)..], 11);
        });
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 32 + 8));
        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "c.trace");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        Assert.AreEqual($"c.trace: byte offset {index + 4 + 20 + 16} (footer): index entry 1 gives chunk 1 9 events, but it holds 10 [bytes: 09000000]", e.Message);
    }

    [TestMethod]
    public void TraceReader_StreamWithIndexPuttingAChunkElsewhere_FooterErrorAtThatEntry()
    {
        // Entry 1 puts chunk 1 seven bytes later than it is (still after chunk 0's header, before the index).
        var (trace, chunks) = Written();
        long moved = chunks[1] + 7;
        var bytes = WithIndex(trace, entries => BinaryPrimitives.WriteInt64LittleEndian(entries[20..], moved));
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 32 + 8));
        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "o.trace");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        string hex = Convert.ToHexStringLower(BitConverter.GetBytes(moved));
        Assert.AreEqual($"o.trace: byte offset {index + 4 + 20} (footer): index entry 1 puts chunk 1 at offset {moved}, but it was read at {chunks[1]} [bytes: {hex}]", e.Message);
    }

    [TestMethod]
    public void TraceReader_SeekWithoutFooterThenReadToTheIndex_ChunksBeforeTheSeekCountedOnce()
    {
        // One byte after the trailer: no footer at open. A seek to event 15 (chunk 1, from a scan of the headers), then
        // reading to the end meets the index, which lists the chunks the scan passed and those read, as they are; the
        // error is the byte after the trailer, not an index entry.
        var (trace, _) = Written();
        var bytes = trace.Append((byte)0).ToArray();
        using var reader = TraceReader.Open(new MemoryStream(bytes), "k.trace");
        reader.SeekToEvent(15);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        StringAssert.Matches(e.Problem, new System.Text.RegularExpressions.Regex("^1( or more)? bytes after the trailer$"));
    }

    [TestMethod]
    public void TraceReader_OneByteAfterTheTrailer_FooterErrorWhereTheTrailerEnds()
    {
        // A complete trace with one byte appended: the last 32 bytes are no trailer (so the open finds no footer), and
        // reading meets the index, whose trailer ends one byte before the file does.
        var (trace, _) = Written();
        var bytes = trace.Append((byte)0).ToArray();
        foreach (var stream in Streams(bytes))
        {
            using var reader = TraceReader.Open(stream(), "x.trace");
            var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
            Assert.AreEqual(trace.Length, e.ByteOffset);
            Assert.AreEqual("footer", e.Message.Split('(', ')')[1]);
            StringAssert.Matches(e.Problem, new System.Text.RegularExpressions.Regex("^1( or more)? bytes after the trailer$"));
        }
    }
}
