using TraceTools.Cli.Replaying;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Replaying;

/// <summary>
/// <see cref="ChunkRun.Fill"/>: small chunks go to the replay thread merged, at least <see cref="ChunkRun.MinEvents"/>
/// events a batch (one wake-up per thousands of events, not per chunk); a chunk that large goes alone.
/// </summary>
[TestClass]
public sealed class ChunkRunTests
{
    static readonly TraceMetadata Layout = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
    };

    static TraceReader Reader(int events, int chunkEvents)
    {
        var ms = new MemoryStream();
        using (var w = new TraceWriter(ms, Layout, new TraceWriterOptions { ChunkEvents = chunkEvents }))
        {
            for (int i = 0; i < events; i++) w.Append(new TraceEvent(EventKind.Store, 0, 0x1000 + (ulong)(i % 32) * 8, 8), BitConverter.GetBytes((long)i));
            w.Complete();
        }
        return TraceReader.Open(new MemoryStream(ms.ToArray()), "runs.trace");
    }

    /// <summary>Every run <see cref="ChunkRun.Fill"/> makes of the trace: (first event, events, chunks), checking each event's bytes.</summary>
    static List<(long First, int Events, int Chunks)> Runs(TraceReader reader)
    {
        var run = new ChunkRun(16, _ => { });
        var scratch = new EventBatch(4);
        var runs = new List<(long, int, int)>();
        bool ended = false;
        while (!ended && run.Fill(reader, scratch, CancellationToken.None, out ended, out var failed))
        {
            Assert.IsNull(failed);
            var events = run.Shared.Events;
            for (int i = 0; i < events.Count; i++)
                Assert.AreEqual(events.FirstIndex + i, BitConverter.ToInt64(events.GetData(i)), $"event #{events.FirstIndex + i}'s bytes");
            runs.Add((events.FirstIndex, events.Count, run.Chunks));
        }
        return runs;
    }

    [TestMethod]
    public void Fill_OneEventChunks_RunsOfMinEvents()
    {
        using var reader = Reader(2 * ChunkRun.MinEvents + 5, chunkEvents: 1);

        var runs = Runs(reader);

        CollectionAssert.AreEqual(new[]
        {
            (0L, ChunkRun.MinEvents, ChunkRun.MinEvents),
            ((long)ChunkRun.MinEvents, ChunkRun.MinEvents, ChunkRun.MinEvents),
            (2L * ChunkRun.MinEvents, 5, 5),
        }, runs);
    }

    [TestMethod]
    public void Fill_ChunksOfMinEvents_OneChunkARun()
    {
        using var reader = Reader(3 * ChunkRun.MinEvents, chunkEvents: ChunkRun.MinEvents);

        var runs = Runs(reader);

        Assert.HasCount(3, runs);
        Assert.IsTrue(runs.All(r => r.Chunks == 1 && r.Events == ChunkRun.MinEvents));
    }

    [TestMethod]
    public void Fill_ThousandEventChunks_RunsEndOnChunkBoundaries()
    {
        // 1,000-event chunks: nine make a run (9,000 ≥ 8,192); the run ends on a chunk boundary, never inside one.
        using var reader = Reader(20_000, chunkEvents: 1000);

        var runs = Runs(reader);

        CollectionAssert.AreEqual(new[] { (0L, 9000, 9), (9000L, 9000, 9), (18000L, 2000, 2) }, runs);
    }
}
