using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// The reader decodes each chunk into the data buffer of the batch it fills: one buffer per batch, reused chunk after
/// chunk, and never one a batch the caller still holds is using.
/// </summary>
[TestClass]
public sealed class ReaderBuffersTests
{
    static (List<RecordedEvent> Events, byte[] Bytes) Trace(TraceCodec codec)
    {
        var gen = new RandomTraces(47);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 3000);
        return (events, RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = 200 }));
    }

    [TestMethod]
    [DataRow(TraceCodec.None)]
    [DataRow(TraceCodec.Lz4)]
    public void TraceReader_OneBatch_DecodesEveryChunkIntoItsOwnBuffer(TraceCodec codec)
    {
        var (_, bytes) = Trace(codec);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "one.trace");
        var batch = new EventBatch(16);
        // The first pass grows the batch's buffer to the largest chunk; after that every chunk lands in that buffer.
        while (reader.ReadBatch(batch)) { }
        var buffer = batch.Data;
        reader.SeekToEvent(0);
        int chunks = 0;
        while (reader.ReadBatch(batch))
        {
            Assert.AreSame(buffer, batch.Data, $"chunk {chunks}");
            chunks++;
        }
        Assert.IsGreaterThan(10, chunks);
    }

    [TestMethod]
    [DataRow(TraceCodec.None)]
    [DataRow(TraceCodec.Lz4)]
    public void TraceReader_BatchesFilledInTurn_EachKeepsItsChunk(TraceCodec codec)
    {
        var (events, bytes) = Trace(codec);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "turns.trace");
        // Three batches in turn, as the pipelined replay's pool hands them out: a batch's bytes must survive the
        // decoding of the chunks that go to the others.
        var batches = new[] { new EventBatch(16), new EventBatch(16), new EventBatch(16) };
        var held = new List<RecordedEvent>[3];
        int k = 0, read = 0;
        for (; ; k = (k + 1) % 3)
        {
            if (held[k] is { } before) Assert.IsTrue(Snapshot(batches[k]).SequenceEqual(before, Same.Instance), "a batch changed while another was filled");
            if (!reader.ReadBatch(batches[k])) break;
            held[k] = Snapshot(batches[k]);
            RandomTraces.AssertSameEvents(events.Skip(read).Take(batches[k].Count).ToList(), held[k]);
            read += batches[k].Count;
            for (int other = 0; other < 3; other++)
                if (other != k && held[other] is not null) Assert.AreNotSame(batches[k].Data, batches[other].Data);
        }
        Assert.AreEqual(events.Count, read);
    }

    static List<RecordedEvent> Snapshot(EventBatch batch) =>
        [.. Enumerable.Range(0, batch.Count).Select(i => new RecordedEvent(batch[i], batch.GetData(i).ToArray()))];

    sealed class Same : IEqualityComparer<RecordedEvent>
    {
        public static readonly Same Instance = new();
        public bool Equals(RecordedEvent? x, RecordedEvent? y) => x is not null && y is not null && x.SameAs(y);
        public int GetHashCode(RecordedEvent e) => 0;
    }
}
