using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// The value lengths column (a nibble per small value, two per byte) as the reader checks it after the blocks: an odd
/// count of values leaves a padding nibble, which must be 0. A lengths column is also checked against its values
/// column (the nibbles add up to its bytes), so a padding nibble that took a byte from the last value would keep that
/// sum, and only the padding check refuses the chunk instead of decoding the last value without its top byte.
/// </summary>
[TestClass]
public sealed class ValueLengthsTests
{
    [TestMethod]
    public void TraceReader_PaddingNibbleHoldingTheLastValuesTopByte_RefusesTheChunk()
    {
        var m = new RandomTraces(11).Metadata(Arch.Arm64);
        byte[][] values = [[0x11, 0x12, 0x13, 0x14], [0x21, 0x22], [0x31, 0x32, 0x33, 0x34]];
        var events = values.Select((v, i) => new RecordedEvent(new TraceEvent(EventKind.Store, 0, 0x8000_0000UL + 8 * (ulong)i, v.Length, 0, -1), v)).ToList();
        var trace = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None, FormatVersion = 3 });
        using (var intact = TraceReader.Open(new MemoryStream(trace), "v.trace"))
            RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(intact));

        // The only chunk's payload (codec none): the v3 column table, kinds, 1-byte agents, then the columns.
        int chunk = FormatLayout.FileHeaderSize + BitConverter.ToInt32(trace, 12);
        int payload = chunk + FormatLayout.ChunkHeaderSize;
        int lengthsAt = payload + FormatLayout.ColumnTableSize(3) + 2 * events.Count;
        for (int c = 0; c < 5; c++) lengthsAt += BitConverter.ToInt32(trace, payload + 4 * c); // address lengths, addresses, sizes, aux, sites
        int last = lengthsAt + BitConverter.ToInt32(trace, payload + 20) - 1;
        Assert.AreEqual(0x04, trace[last], "the third value's 4 bytes, padding nibble 0");
        trace[last] = 0x13; // the third value 3 bytes, the padding nibble 1: the nibbles still add up to the values column
        int stored = BitConverter.ToInt32(trace, chunk + 20);
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 28), Crc32C.Compute(trace.AsSpan(payload, stored)));
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 32), Crc32C.Compute(trace.AsSpan(chunk, 32)));

        using var reader = TraceReader.Open(new MemoryStream(trace), "v.trace");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => RandomTraces.ReadAll(reader));
        StringAssert.Contains(e.Message, "the value lengths column has 2 bytes for 3 values");
    }
}
