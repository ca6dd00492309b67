using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class SteadyStateTests
{
    [TestMethod]
    [DataRow(TraceCodec.None)]
    [DataRow(TraceCodec.Lz4)]
    public void TraceReader_AfterFirstChunks_AllocatesNothingPerChunk(TraceCodec codec)
    {
        var gen = new RandomTraces(31);
        var m = gen.Metadata(Arch.Arm64);
        // Small accesses, so that many chunks sit in the pipe's buffer at once: the test measures the decoder
        // and the synchronous fast path, not Debug builds' async state machines (classes, not structs, in Debug).
        var events = gen.Events(m, 8000).Where(e => e.Event.Size <= 64).Take(4000).ToList();
        Assert.HasCount(4000, events);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = 100 });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "steady.trace");
        var batch = new EventBatch(16);
        // Warm up: one full pass grows buffers and batch columns to the largest chunk; then read again.
        while (reader.ReadBatch(batch)) { }
        reader.SeekToEvent(0);
        for (int i = 0; i < 10; i++) Assert.IsTrue(reader.ReadBatch(batch));
        long before = GC.GetAllocatedBytesForCurrentThread();
        // The last chunk stays unread: the footer check at the end allocates once per trace, not per chunk.
        for (int i = 0; i < 29; i++) Assert.IsTrue(reader.ReadBatch(batch));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        int chunks = 29;
        Assert.IsLessThan(30L * 64, allocated, $"{allocated} bytes over {chunks} chunks");
    }
}
