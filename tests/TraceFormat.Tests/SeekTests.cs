using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class SeekTests
{
    [TestMethod]
    [DataRow(true, 1)]
    [DataRow(false, 1)]
    [DataRow(true, 2)]
    [DataRow(false, 2)]
    [DataRow(true, 3)]
    [DataRow(false, 3)]
    public void TraceReader_SeekToEveryChunkBoundary_NextBatchHoldsTheEvent(bool withFooter, int version)
    {
        var gen = new RandomTraces(21);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 230, RandomTraces.KindsOf(version));
        const int chunk = 25;
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = chunk, FormatVersion = version }, complete: withFooter);
        int readable = withFooter ? events.Count : events.Count / chunk * chunk;
        using var reader = TraceReader.Open(new MemoryStream(bytes), "seek.trace");
        Assert.AreEqual(withFooter, reader.HasIndex);
        var batch = new EventBatch();
        var targets = Enumerable.Range(0, readable / chunk + 1).SelectMany(k => new[] { k * chunk - 1, k * chunk, k * chunk + 1 })
            .Where(i => i >= 0 && i < readable).Reverse();
        foreach (int target in targets)
        {
            reader.SeekToEvent(target);
            Assert.IsTrue(reader.ReadBatch(batch), $"seek {target}");
            Assert.AreEqual(target / chunk * chunk, batch.FirstIndex, $"seek {target}");
            int i = (int)(target - batch.FirstIndex);
            Assert.IsTrue(events[target].SameAs(new RecordedEvent(batch[i], batch.GetData(i).ToArray())), $"seek {target}");
        }
    }

    /// <summary>A trace file whose reads are counted.</summary>
    sealed class CountingFileStream(string path) : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1)
    {
        public long BytesRead { get; private set; }

        // A derived FileStream's span reads come here (the base class passes them through an array for such types).
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
    }

    /// <summary>
    /// A seek to a small chunk reads that chunk, not the pipe's 256 KiB buffer: each report lookup of an event in a trace of
    /// one-event chunks copied 256 KiB (400,000 events and 200,000 findings: 6.9 s of replay, 57 % of it that copy).
    /// </summary>
    [TestMethod]
    public void TraceReader_SeekToSmallChunks_ReadsAboutTheChunks()
    {
        var gen = new RandomTraces(24);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 20_000);
        string path = Path.Combine(Path.GetTempPath(), $"tt-seek-small-{Environment.ProcessId}.trace");
        File.WriteAllBytes(path, RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 1 }));
        try
        {
            using var file = new CountingFileStream(path);
            using var reader = TraceReader.Open(file, "small-chunks.trace");
            var batch = new EventBatch();
            long before = file.BytesRead;
            const int seeks = 100;
            for (int k = 0; k < seeks; k++)
            {
                int target = k * 97;
                reader.SeekToEvent(target);
                Assert.IsTrue(reader.ReadBatch(batch));
                Assert.IsTrue(events[target].SameAs(new RecordedEvent(batch[0], batch.GetData(0).ToArray())), $"seek {target}");
            }
            long read = file.BytesRead - before;
            Assert.IsLessThan(seeks * 16_384L, read, $"{read} bytes read for {seeks} one-event chunks ({new FileInfo(path).Length} in the file)");
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void TraceReader_SeekPastEnd_ReadsNothing()
    {
        var gen = new RandomTraces(22);
        var m = gen.Metadata(Arch.Sc);
        var bytes = RandomTraces.Write(m, gen.Events(m, 50), new TraceWriterOptions { ChunkEvents = 10 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "seek.trace");
        reader.SeekToEvent(50);
        Assert.IsFalse(reader.ReadBatch(new EventBatch()));
        reader.SeekToEvent(0);
        Assert.IsTrue(reader.ReadBatch(new EventBatch()));
    }

    [TestMethod]
    public void TraceReader_SeekWithoutFooter_DamagedChunkHeaderRefusedAtItsCrc()
    {
        // No footer (35 events written without Complete: three chunks of 10 on disk): a seek scans the chunk headers.
        // Chunk 1's event count is changed from 10 to 9 and its header CRC left as it was, so the scan must refuse it at
        // the CRC (chunk offset + 32), before the count misplaces every later chunk.
        var gen = new RandomTraces(23);
        var m = gen.Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, gen.Events(m, 35), new TraceWriterOptions { ChunkEvents = 10 }, complete: false);
        long chunk1 = 20 + BitConverter.ToUInt32(bytes, 12);
        chunk1 += 36 + BitConverter.ToUInt32(bytes, (int)chunk1 + 20);
        Assert.AreEqual(10u, BitConverter.ToUInt32(bytes, (int)chunk1 + 4));
        bytes[chunk1 + 4] = 9;
        using var reader = TraceReader.Open(new MemoryStream(bytes), "scan.trace");
        Assert.IsFalse(reader.HasIndex);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => reader.SeekToEvent(25));
        Assert.AreEqual(chunk1 + 32, e.ByteOffset);
        Assert.AreEqual(1L, e.ChunkIndex);
        StringAssert.StartsWith(e.Message, $"scan.trace: byte offset {chunk1 + 32} (chunk 1): chunk header CRC-32C");
    }
}
