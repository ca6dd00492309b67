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
}
