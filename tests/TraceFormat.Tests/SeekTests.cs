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
