using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// The reader refuses a chunk index of more than 2^24 chunks, so a producer checks its events against
/// <see cref="TraceWriterOptions.MaxEvents"/> before writing, and the writer refuses the chunk past the cap rather than
/// write a trace nothing can read (docs/trace-format.md, "API").
/// </summary>
[TestClass]
public sealed class ChunkCapTests
{
    static readonly TraceMetadata OneCpu = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x10_0000 }],
    };

    [TestMethod]
    [DataRow(1, 1L << 24)]
    [DataRow(2, 1L << 25)]
    [DataRow(255, 255L << 24)]
    [DataRow(65_536, 1L << 40)]
    public void MaxEvents_ChunkEventsTimesTheChunkCap(int chunkEvents, long expected) =>
        Assert.AreEqual(expected, new TraceWriterOptions { ChunkEvents = chunkEvents }.MaxEvents);

    [TestMethod]
    public void ChunksProblem_OneEventPastTheCap_NamesTheChunkEventsThatHoldThem()
    {
        var options = new TraceWriterOptions { ChunkEvents = 1 };
        Assert.IsNull(TraceLimits.ChunksProblem(1L << 24, options));
        Assert.AreEqual(
            "16,777,217 events need more than the 16,777,216 chunks a trace may have with --chunk-events 1 (at most 16,777,216 events): use --chunk-events 2 or more",
            TraceLimits.ChunksProblem((1L << 24) + 1, options));
    }

    [TestMethod]
    [DataRow(1, 1L << 25, 2)]
    [DataRow(1, (1L << 25) + 1, 3)]
    [DataRow(3, 3L << 24, 0)]
    [DataRow(3, (3L << 24) + 1, 4)]
    [DataRow(3, 5L << 24, 5)]
    public void ChunksProblem_TheFewestChunkEventsThatHoldThem(int chunkEvents, long events, int advised)
    {
        // The advice rounds up only when the events do not fill the chunks exactly: 2^25 events fit chunks of 2.
        string? problem = TraceLimits.ChunksProblem(events, new TraceWriterOptions { ChunkEvents = chunkEvents });
        if (advised == 0) Assert.IsNull(problem);
        else StringAssert.EndsWith(problem, $"use --chunk-events {advised} or more");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(TraceWriterOptions.MaxChunkEvents)]
    public void ChunksProblem_MoreThanTheLargestChunksHold_AdvisesNoChunkEventsTheOptionRefuses(int chunkEvents)
    {
        // 2^44 + 1 events would need chunks of 2^20 + 1 events, which --chunk-events refuses (gen --max-events 10^14 of a
        // long repeat advised '--chunk-events 2097153 or more').
        string? problem = TraceLimits.ChunksProblem((1L << 44) + 1, new TraceWriterOptions { ChunkEvents = chunkEvents });

        StringAssert.EndsWith(problem, "no --chunk-events holds them (the largest, 1048576, holds at most 17,592,186,044,416 events)");
        Assert.IsNull(TraceLimits.ChunksProblem(1L << 44, new TraceWriterOptions { ChunkEvents = TraceWriterOptions.MaxChunkEvents }));
        StringAssert.EndsWith(TraceLimits.ChunksProblem(1L << 44, new TraceWriterOptions { ChunkEvents = 1 }), "use --chunk-events 1048576 or more");
    }

    [TestMethod]
    public void Append_ChunkPastTheCap_RefusedNotWrittenUnreadable()
    {
        var options = new TraceWriterOptions { ChunkEvents = 1, Codec = TraceCodec.None, WriteCensus = false };
        using var writer = new TraceWriter(Stream.Null, OneCpu, options);
        var barrier = new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Linux("dma_wmb").Value);
        for (long i = 0; i < options.MaxEvents; i++) writer.Append(barrier, default);
        Assert.AreEqual(TraceWriterOptions.MaxChunks, writer.ChunkCount);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => writer.Append(barrier, default));
        StringAssert.Contains(e.Message, "TraceWriterOptions.MaxEvents");
    }
}
