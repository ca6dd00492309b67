using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

/// <summary>
/// The sizes and aux passes read bytes when a chunk's column holds only one-byte varints; a bad value found there
/// is reported as the varint path reports it: one line, the byte offset of the value, the chunk.
/// </summary>
[TestClass]
public sealed class OneByteColumnTests
{
    /// <summary>
    /// 40 four-byte stores by cpu0, changed by <paramref name="edit"/> (which sees the trace's metadata), in one
    /// uncompressed chunk; returns the trace,
    /// where the chunk's payload starts and where its sizes column starts.
    /// </summary>
    static (byte[] Trace, int Payload, int SizeAt) WriteStores(Action<TraceMetadata, List<RecordedEvent>> edit)
    {
        var m = new RandomTraces(3).Metadata(Arch.Arm64);
        var events = new List<RecordedEvent>();
        for (int i = 0; i < 40; i++) events.Add(new(new TraceEvent(EventKind.Store, 0, 0x8000_0000UL + (ulong)(4 * i), 4), [1, 2, 3, 4]));
        edit(m, events);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None });
        int chunk = 20 + BitConverter.ToInt32(bytes, 12);
        int payload = chunk + 36;
        int count = BitConverter.ToInt32(bytes, chunk + 4);
        int sizeAt = payload + 36 + 2 * count; // v3 column table, kinds, 1-byte agents
        sizeAt += BitConverter.ToInt32(bytes, payload) + BitConverter.ToInt32(bytes, payload + 4); // address lengths, addresses
        return (bytes, payload, sizeAt);
    }

    /// <summary>A store of size 2 (its size in the sizes column) and a barrier (its code in the aux column) among 4-byte stores.</summary>
    static (byte[] Trace, int SizeAt, int AuxAt) Write()
    {
        var (bytes, payload, sizeAt) = WriteStores((_, events) =>
        {
            events[17] = new(new TraceEvent(EventKind.Store, 0, 0x8000_0100, 2), [5, 6]);
            events[23] = new(new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Arm64(dsb: false, 3).Value), []);
        });
        Assert.AreEqual(1, BitConverter.ToInt32(bytes, payload + 8), "one size in the sizes column");
        Assert.AreEqual(1, BitConverter.ToInt32(bytes, payload + 12), "one aux in the aux column");
        return (bytes, sizeAt, sizeAt + 1);
    }

    [TestMethod]
    [DataRow(true, (byte)0, "event 17 (store) has size 0 (1..4096)")]
    [DataRow(false, (byte)0x7F, "event 23: ")]
    public void ReadBatch_BadOneByteSizeOrAux_NamesTheEventByteOffsetAndChunk(bool size, byte value, string problem)
    {
        var (trace, sizeAt, auxAt) = Write();
        int at = size ? sizeAt : auxAt;
        trace[at] = value;
        var e = FirstReadError(trace);
        StringAssert.StartsWith(e.Message, $"o.trace: byte offset {at} (chunk 0): {problem}");
        Assert.AreEqual((long)at, e.ByteOffset);
        Assert.IsFalse(e.Message.Contains('\n', StringComparison.Ordinal));
    }

    [TestMethod]
    public void ReadBatch_IntactOneByteColumns_ReadsTheSizeAndAux()
    {
        var (trace, _, _) = Write();
        using var reader = TraceReader.Open(new MemoryStream(trace), "o.trace");
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.AreEqual(2, batch.Sizes[17]);
        CollectionAssert.AreEqual(new byte[] { 5, 6 }, batch.GetData(17).ToArray());
        Assert.AreEqual(BarrierCode.Arm64(dsb: false, 3).Value, batch.Aux[23]);
    }

    /// <summary>
    /// The store and barrier of <see cref="Write"/> with a <c>dma_map</c> before them, whose packed operand is a
    /// three-byte varint: the chunk's aux column is not all one byte, so the varint walk reads it, and takes its
    /// one-byte operands through the one-byte table. Returns where the barrier's operand is.
    /// </summary>
    static (byte[] Trace, int Payload, int AuxAt, uint MapAux) WriteWithLongAux()
    {
        uint mapAux = 0;
        var (bytes, payload, sizeAt) = WriteStores((m, events) =>
        {
            mapAux = EventOperands.Pack(m.Agents.ToList().FindIndex(a => a.Kind == AgentKind.Device), (byte)DmaDirection.ToDevice);
            events[10] = new(new TraceEvent(EventKind.DmaMap, 0, 0x8000_1000, 64, mapAux), []);
            events[23] = new(new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Arm64(dsb: false, 3).Value), []);
        });
        int sizes = BitConverter.ToInt32(bytes, payload + 8);
        Assert.AreEqual(3 + 1, BitConverter.ToInt32(bytes, payload + 12), "the dma_map's three-byte operand and the barrier's one byte");
        return (bytes, payload, sizeAt + sizes + 3, mapAux);
    }

    [TestMethod]
    public void ReadBatch_BadOneByteAuxBesideALongOne_NamesTheEventByteOffsetAndChunk()
    {
        var (trace, _, auxAt, _) = WriteWithLongAux();
        trace[auxAt] = 0x7F;
        var e = FirstReadError(trace);
        StringAssert.StartsWith(e.Message, $"o.trace: byte offset {auxAt} (chunk 0): event 23: ");
        Assert.AreEqual((long)auxAt, e.ByteOffset);
    }

    /// <summary>The aux column one byte short (its length says 3, the next column's one more): the barrier's operand lies past its end, and is not read as one.</summary>
    [TestMethod]
    public void ReadBatch_AuxColumnEndsBeforeAOneByteOperand_NamesTheEvent()
    {
        var (trace, payload, auxAt, _) = WriteWithLongAux();
        BitConverter.TryWriteBytes(trace.AsSpan(payload + 12), 3);
        // The byte goes to the next column, so that the lengths still add up to the payload.
        BitConverter.TryWriteBytes(trace.AsSpan(payload + 16), BitConverter.ToInt32(trace, payload + 16) + 1);
        var e = FirstReadError(trace);
        StringAssert.StartsWith(e.Message, $"o.trace: byte offset {auxAt} (chunk 0): event 23: the aux column ends inside a value");
    }

    [TestMethod]
    public void ReadBatch_IntactAuxBesideALongOne_ReadsBoth()
    {
        var (trace, _, _, mapAux) = WriteWithLongAux();
        using var reader = TraceReader.Open(new MemoryStream(trace), "o.trace");
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.AreEqual(mapAux, batch.Aux[10]);
        Assert.AreEqual(BarrierCode.Arm64(dsb: false, 3).Value, batch.Aux[23]);
    }

    /// <summary>The error reading the first batch of <paramref name="trace"/> as <c>o.trace</c>, after its chunk's CRCs are made to match the changed bytes.</summary>
    static TraceFormatException FirstReadError(byte[] trace)
    {
        FixChunkCrcs(trace);
        using var reader = TraceReader.Open(new MemoryStream(trace), "o.trace");
        return Assert.ThrowsExactly<TraceFormatException>(() => reader.ReadBatch(new EventBatch()));
    }

    /// <summary>Recomputes the CRCs of the only (codec none) chunk after a byte of it changed.</summary>
    static void FixChunkCrcs(byte[] trace)
    {
        int chunk = 20 + BitConverter.ToInt32(trace, 12);
        int stored = BitConverter.ToInt32(trace, chunk + 20);
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 28), Crc32C(trace.AsSpan(chunk + 36, stored)));
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 32), Crc32C(trace.AsSpan(chunk, 32)));
    }

    static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes) crc = System.Numerics.BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
