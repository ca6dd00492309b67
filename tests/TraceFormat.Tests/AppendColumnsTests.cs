using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// <see cref="EventBatch.AppendColumns"/>: small chunks appended into one batch read as the same events, bytes
/// included, as the chunks one by one (a replay merges small chunks so that a batch crosses threads once per
/// thousands of events, not per chunk).
/// </summary>
[TestClass]
public sealed class AppendColumnsTests
{
    [TestMethod]
    [DataRow(TraceCodec.Lz4, 1, 3)]
    [DataRow(TraceCodec.None, 3, 4)]
    [DataRow(TraceCodec.Lz4, 7, 4)]
    [DataRow(TraceCodec.Lz4, 40, 2)]
    public void AppendColumns_SmallChunksInOneBatch_SameEventsAndBytes(TraceCodec codec, int chunkEvents, int version)
    {
        var gen = new RandomTraces(50 + chunkEvents);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 600, RandomTraces.KindsOf(version));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents, FormatVersion = version });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "small.trace");
        var merged = new EventBatch(4);
        var chunk = new EventBatch(4);

        Assert.IsTrue(reader.ReadBatch(merged));
        while (reader.ReadBatch(chunk)) merged.AppendColumns(chunk);

        Assert.AreEqual(0L, merged.FirstIndex);
        var read = Enumerable.Range(0, merged.Count).Select(i => new RecordedEvent(merged[i] with { Site = -1 }, merged.GetData(i).ToArray())).ToList();
        RandomTraces.AssertSameEvents([.. events.Select(e => e with { Event = e.Event with { Site = -1 } })], read);
    }

    [TestMethod]
    public void AppendColumns_ChunksWithSites_SitesNotKept()
    {
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
            Sites = ["fill"],
        };
        var events = Enumerable.Range(0, 4).Select(i => new RecordedEvent(new TraceEvent(EventKind.Store, 0, 0x1000 + (ulong)i * 8, 8, Site: 0), new byte[8]));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 2 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "sites.trace");
        var merged = new EventBatch(4);
        var chunk = new EventBatch(4);
        Assert.IsTrue(reader.ReadBatch(merged) && reader.ReadBatch(chunk));
        Assert.AreEqual(0, chunk.Sites[1], "the chunk has its site");

        merged.AppendColumns(chunk);

        CollectionAssert.AreEqual(new[] { -1, -1, -1, -1 }, merged.Sites.Take(4).ToArray());
    }

    [TestMethod]
    public void AppendColumns_BatchNotNext_Refused()
    {
        var gen = new RandomTraces(9);
        var m = gen.Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, gen.Events(m, 10), new TraceWriterOptions { ChunkEvents = 4 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "gap.trace");
        var first = new EventBatch(4);
        var skipped = new EventBatch(4);
        var third = new EventBatch(4);
        Assert.IsTrue(reader.ReadBatch(first) && reader.ReadBatch(skipped) && reader.ReadBatch(third));

        var e = Assert.ThrowsExactly<ArgumentException>(() => first.AppendColumns(third));

        StringAssert.Contains(e.Message, "starts at event #8, not #4");
        Assert.AreEqual(4, first.Count, "nothing appended");
    }

    [TestMethod]
    public void AppendColumns_AfterOddByteCount_AppendedBytesStartOnAnEightByteBoundary()
    {
        var batch = new EventBatch(4);
        batch.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 3), [1, 2, 3]);
        var next = new EventBatch(4);
        next.Reset(1);
        next.Append(new TraceEvent(EventKind.Store, 0, 0x2000, 8), [9, 8, 7, 6, 5, 4, 3, 2]);
        next.Append(new TraceEvent(EventKind.Barrier, 0, 0, 0), default);

        batch.AppendColumns(next);

        Assert.AreEqual(3, batch.Count);
        Assert.AreEqual(8, batch.DataOffsets[1]);
        Assert.AreEqual(-1, batch.DataOffsets[2]);
        CollectionAssert.AreEqual(new byte[] { 9, 8, 7, 6, 5, 4, 3, 2 }, batch.GetData(1).ToArray());
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, batch.GetData(0).ToArray());
        Assert.AreEqual(16, batch.DataLength);
    }
}
