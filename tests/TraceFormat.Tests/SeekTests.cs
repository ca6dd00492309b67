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
}
