using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class TruncationTests
{
    [TestMethod]
    [DataRow(TraceCodec.None, 1)]
    [DataRow(TraceCodec.Lz4, 1)]
    [DataRow(TraceCodec.None, 2)]
    [DataRow(TraceCodec.Lz4, 2)]
    [DataRow(TraceCodec.None, 3)]
    [DataRow(TraceCodec.Lz4, 3)]
    public void TraceReader_CutAtEveryByteOfLastTwoChunks_ReadsCompleteChunksAndReportsTruncation(TraceCodec codec, int version)
    {
        var gen = new RandomTraces(11);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 120, RandomTraces.KindsOf(version));
        const int chunkEvents = 30; // 4 chunks
        var full = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents, FormatVersion = version });
        long[] offsets = ChunkOffsets(full);
        Assert.AreEqual(4, offsets.Length);

        // From the start of chunk 2 to the last byte before the footer's end.
        for (int cut = (int)offsets[2]; cut < full.Length; cut++)
        {
            var bytes = full.AsSpan(0, cut).ToArray();
            int complete = offsets.Count(o => o < cut && ChunkEnd(full, offsets, o) <= cut);
            using var reader = TraceReader.Open(new MemoryStream(bytes), "cut.trace");
            Assert.IsTrue(reader.Truncated, $"cut at {cut}: no footer, so truncated at open");
            var read = RandomTraces.ReadAll(reader);
            RandomTraces.AssertSameEvents(events, read, complete * chunkEvents);

            var summary = reader.Summarize();
            Assert.IsTrue(summary.Truncated, $"cut at {cut}");
            Assert.AreEqual(complete * chunkEvents, summary.RecoveredEvents, $"cut at {cut}");
            Assert.AreEqual(complete, summary.ChunkCount, $"cut at {cut}");
        }
    }

    [TestMethod]
    [DataRow(TraceCodec.None)]
    [DataRow(TraceCodec.Lz4)]
    public void TraceReader_StreamCutInTheLastChunk_ReadsTheCompleteChunks(TraceCodec codec)
    {
        // Read as a stream (no file length to compare a chunk's end with), a cut in the last of 3 chunks (inside its
        // header, right after it, amid the stored bytes, two and one bytes short of the chunk's end) is found by
        // reading: the first 2 chunks, then Truncated.
        var gen = new RandomTraces(16);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 30);
        var full = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = 10 });
        long[] offsets = ChunkOffsets(full);
        long end = ChunkEnd(full, offsets, offsets[2]);
        foreach (long cut in new[] { offsets[2] + 1, offsets[2] + 35, offsets[2] + 36, (offsets[2] + 36 + end) / 2, end - 2, end - 1 })
        {
            using var reader = TraceReader.Open(new ForwardOnlyStream(full[..(int)cut]), "cut-pipe");
            RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader), 20);
            Assert.IsTrue(reader.Truncated, $"cut at {cut}");
        }
    }

    [TestMethod]
    public void TraceReader_CutInsideHeader_RaisesFormatErrorWithOffset()
    {
        var gen = new RandomTraces(12);
        var m = gen.Metadata(Arch.Sc);
        var full = RandomTraces.Write(m, gen.Events(m, 10));
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(full[..10]), "short.trace"));
        Assert.AreEqual(10, e.ByteOffset);
        StringAssert.StartsWith(e.Message, "short.trace: byte offset 10 (header): ");
    }

    [TestMethod]
    public void TraceReader_StreamCutInsideMetadata_NamesTheByteWhereItEnds()
    {
        // Read as a stream the file length is unknown, so the cut is found by reading: the 20-byte header, then 5 of the
        // metadata's L bytes. The message names the offset where the bytes ran out: 20 + 5.
        var gen = new RandomTraces(14);
        var m = gen.Metadata(Arch.Arm64);
        var full = RandomTraces.Write(m, gen.Events(m, 10));
        uint length = BitConverter.ToUInt32(full, 12);
        Assert.IsGreaterThan(5u, length);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new ForwardOnlyStream(full[..25]), "cut-pipe"));
        Assert.AreEqual(25L, e.ByteOffset);
        Assert.AreEqual($"cut-pipe: byte offset 25 (header): the file ends inside the {length}-byte metadata", e.Message);
    }

    [TestMethod]
    public void TraceReader_FourStrayBytesAfterTheLastChunk_RefusedAsABadMagic()
    {
        // No footer (25 events in chunks of 10, written without Complete: two chunks on disk, the last 5 events stay in
        // the writer), then 4 bytes that are no magic: short of a chunk header, but enough for a magic, so not a cut but
        // a bad magic where chunk 2 would start.
        var gen = new RandomTraces(15);
        var m = gen.Metadata(Arch.Arm64);
        var written = RandomTraces.Write(m, gen.Events(m, 25), new TraceWriterOptions { ChunkEvents = 10 }, complete: false);
        var bytes = written.Concat("abcd"u8.ToArray()).ToArray();
        foreach (var stream in new Func<Stream>[] { () => new MemoryStream(bytes), () => new ForwardOnlyStream(bytes) })
        {
            using var reader = TraceReader.Open(stream(), "stray.trace");
            var batch = new EventBatch();
            Assert.IsTrue(reader.ReadBatch(batch));
            Assert.IsTrue(reader.ReadBatch(batch));
            var e = Assert.ThrowsExactly<TraceFormatException>(() => reader.ReadBatch(batch));
            Assert.AreEqual($"stray.trace: byte offset {written.Length} (chunk 2): expected a chunk header, the census section or the chunk index [bytes: 61626364]", e.Message);
        }
    }

    [TestMethod]
    public void TraceWriter_DisposedWithoutComplete_ReadsAsTruncated()
    {
        var gen = new RandomTraces(13);
        var m = gen.Metadata(Arch.X86_64);
        var events = gen.Events(m, 100);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 32 }, complete: false);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "unfinished.trace");
        var s = reader.Summarize();
        Assert.IsTrue(s.Truncated);
        Assert.IsFalse(s.HasIndex);
        Assert.AreEqual(96, s.RecoveredEvents); // 3 flushed chunks; the 4th was still buffered
    }

    /// <summary>Chunk offsets read from the footer of a complete trace.</summary>
    internal static long[] ChunkOffsets(byte[] trace)
    {
        int trailer = trace.Length - 32;
        int count = BitConverter.ToInt32(trace, trailer + 4);
        long index = BitConverter.ToInt64(trace, trailer + 8);
        return [.. Enumerable.Range(0, count).Select(k => BitConverter.ToInt64(trace, (int)index + 4 + k * 20))];
    }

    static long ChunkEnd(byte[] trace, long[] offsets, long offset) => offset + 36 + BitConverter.ToUInt32(trace, (int)offset + 20);
}
