using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class RoundTripTests
{
    public static IEnumerable<object[]> Cases()
    {
        int seed = 1;
        foreach (int version in new[] { 1, 2, 3 })
            foreach (var arch in ArchNames.All)
                foreach (var codec in new[] { TraceCodec.None, TraceCodec.Lz4 })
                    foreach (int chunk in new[] { 1, 7, 100, 65536 })
                        yield return [version, arch, codec, chunk, seed++];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void TraceWriter_RandomEvents_ReadBackEqualWithMetadata(int version, Arch arch, TraceCodec codec, int chunkEvents, int seed)
    {
        var gen = new RandomTraces(seed);
        var m = gen.Metadata(arch);
        var events = gen.Events(m, gen.Rng.Next(150, 400), RandomTraces.KindsOf(version));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents, FormatVersion = version });

        using var reader = TraceReader.Open(new MemoryStream(bytes), "mem.trace");
        Assert.AreEqual(version, reader.Version, "version");
        Assert.IsTrue(m.ContentEquals(reader.Metadata), "metadata");
        Assert.IsTrue(reader.HasIndex);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    [DataRow(TraceCodec.None, 5, 1)]
    [DataRow(TraceCodec.Lz4, 64, 1)]
    [DataRow(TraceCodec.None, 5, 2)]
    [DataRow(TraceCodec.Lz4, 64, 2)]
    [DataRow(TraceCodec.Lz4, 64, 3)]
    public void TraceWriter_MoreThan256Agents_UsesWideAgentsAndRoundTrips(TraceCodec codec, int chunkEvents, int version)
    {
        var gen = new RandomTraces(99);
        var m = gen.Metadata(Arch.Arm64, extraAgents: 300);
        var events = gen.Events(m, 500, RandomTraces.KindsOf(version));
        // Move a third of the events onto the extra agents (x0 cpu, x1 device, ...) so ids above 255 occur.
        int firstExtra = m.Agents.Count - 300;
        for (int i = 0; i < events.Count; i += 3)
        {
            var e = events[i].Event;
            int extra = 2 * gen.Rng.Next(150) + (e.Kind.IsCpuEvent() ? 0 : 1);
            events[i] = events[i] with { Event = e with { Agent = (ushort)(firstExtra + extra) } };
        }
        Assert.IsTrue(events.Any(e => e.Event.Agent > 255), "the case needs agents above 255");
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = chunkEvents, FormatVersion = version });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "wide.trace");
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
    }

    /// <summary>
    /// docs/trace-format.md, "Raw payload": the agents column is N × 1 byte when the trace has ≤ 256 agents, else N × u16,
    /// and R = C + N × (1 + agent width) + the other columns. Three raise_irq events of the last device (no address, aux,
    /// site or bytes; kind 15 is nibble 15 plus a 0 in the extension column E) make R = 36 + 3 × 2 + 3 = 45 with exactly
    /// 256 agents, 36 + 3 × 3 + 3 = 48 with 257.
    /// </summary>
    [TestMethod]
    [DataRow(256, 45)]
    [DataRow(257, 48)]
    public void TraceWriter_AgentsAtTheOneByteLimit_AgentsColumnIsOneBytePerEvent(int agents, int rawLength)
    {
        var m = new TraceMetadata
        {
            Name = "width", Arch = Arch.Arm64,
            Agents = [.. Enumerable.Range(0, agents).Select(i => new AgentInfo($"d{i}", AgentKind.Device))],
            Regions = [], Locks = [], Sites = [],
        };
        var ev = new TraceEvent(EventKind.RaiseIrq, (ushort)(agents - 1), 0, 0);
        var bytes = RandomTraces.Write(m, [new(ev, []), new(ev, []), new(ev, [])], new TraceWriterOptions { Codec = TraceCodec.None });
        // The one chunk follows the 20-byte file header and the metadata (its length at header bytes 12..15).
        int chunk = 20 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        Assert.AreEqual(3u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(chunk + 4)), "event count");
        Assert.AreEqual((uint)rawLength, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(chunk + 16)), "raw length");
        // Codec none: the kinds column starts after the 36-byte column table, the agents column after the 3 kind bytes.
        var agentsColumn = bytes.AsSpan(chunk + 36 + 36 + 3, rawLength - 36 - 3 - 3).ToArray();
        byte[] expected = agents <= 256 ? [0xFF, 0xFF, 0xFF] : [0x00, 0x01, 0x00, 0x01, 0x00, 0x01];
        CollectionAssert.AreEqual(expected, agentsColumn);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "width.trace");
        Assert.IsTrue(RandomTraces.ReadAll(reader).All(e => e.Event == ev));
    }

    /// <summary>
    /// The writer cuts a chunk once its raw bytes reach 16 MiB (docs/trace-format.md: "cut at ChunkEvents events or 16 MiB
    /// raw"). Stores of 4096 bytes at address 0 by cpu0: kind 1 + agent 1 + size varint 2 (4096 has no size code) + data
    /// 4096 = 4100 bytes each, the address delta 0 takes no byte but a nibble (one address-length byte per two events).
    /// 36 + 4091 × 4100 + 2046 = 16,775,182; a 4092nd store of 2030 bytes adds 1 + 1 + 2 + 2030 = 2034: 16,777,216 exactly,
    /// so that store closes the chunk, and a 4093rd starts the next.
    /// </summary>
    [TestMethod]
    public void TraceWriter_ChunkReachingExactly16MiBRaw_IsCutAtThatEvent()
    {
        var m = new TraceMetadata { Name = "big", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Locks = [], Sites = [] };
        var data = new byte[4096];
        var ms = new MemoryStream();
        using var w = new TraceWriter(ms, m, new TraceWriterOptions { Codec = TraceCodec.None });
        long start = ms.Length;
        for (int i = 0; i < 4091; i++) w.Append(new TraceEvent(EventKind.Store, 0, 0, 4096), data);
        Assert.AreEqual(0, w.ChunkCount);
        w.Append(new TraceEvent(EventKind.Store, 0, 0, 2030), data.AsSpan(0, 2030));
        Assert.AreEqual(1, w.ChunkCount, "the store that brings the raw bytes to 16 MiB closes the chunk");
        var bytes = ms.ToArray();
        Assert.AreEqual(4092u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)start + 4)), "event count");
        Assert.AreEqual(16u << 20, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)start + 16)), "raw length");
        w.Append(new TraceEvent(EventKind.Store, 0, 0, 4096), data);
        w.Complete();
        Assert.AreEqual(2, w.ChunkCount);
    }

    /// <summary>
    /// BatchingSink hands on a batch each time it holds batchEvents events and the rest on Flush, each batch numbered
    /// from its first event: 5 events in batches of 2 are batches first 0, 2 and 4, of 2, 2 and 1 events.
    /// </summary>
    [TestMethod]
    public void BatchingSink_FiveEventsInBatchesOfTwo_EachBatchStartsAtItsFirstEvent()
    {
        var seen = new List<(long First, int Count, ushort FirstAgent)>();
        var sink = new BatchingSink(b => seen.Add((b.FirstIndex, b.Count, b.Agents[0])), batchEvents: 2);
        for (int i = 0; i < 5; i++) sink.Append(new TraceEvent(EventKind.Lock, (ushort)i, 0, 0), []);
        Assert.AreEqual(5L, sink.EventCount);
        sink.Flush();
        sink.Flush();
        CollectionAssert.AreEqual(new[] { (0L, 2, (ushort)0), (2L, 2, (ushort)2), (4L, 1, (ushort)4) }, seen);
        Assert.AreEqual(5L, sink.EventCount);
    }

    [TestMethod]
    public void BatchingSink_EventsOfFourKiB_HandedOnEvery16MiBOfBytes()
    {
        var seen = new List<(long First, int Count, int Bytes)>();
        var sink = new BatchingSink(b => seen.Add((b.FirstIndex, b.Count, b.DataLength)));
        var data = new byte[4096];
        for (int i = 0; i < 5000; i++) sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 4096), data);
        sink.Flush();
        // 4,096 events of 4 KiB are 16 MiB: a batch is handed on there, long before its 65,536 events.
        CollectionAssert.AreEqual(new[] { (0L, 4096, 16 << 20), (4096L, 904, 904 * 4096) }, seen);
    }

    /// <summary>
    /// A chunk of more than two decode blocks (<see cref="DecodeScratch.BlockEvents"/> events each, the other round
    /// trips' chunks hold fewer): each address stream's running address goes on across a block's edge. The events at
    /// each edge are cpu0's stores (address slot 0), the case where the address pass, which keeps the last slot's address
    /// in a register from one event to the next, must start a block from the stored address instead.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void TraceWriter_ChunkOfSeveralBlocks_AddressesRunOnAcrossBlockEdges(int version)
    {
        var gen = new RandomTraces(4240 + version);
        var m = gen.Metadata(Arch.Arm64);
        int block = DecodeScratch.BlockEvents;
        var events = gen.Events(m, 2 * block + 100, RandomTraces.KindsOf(version));
        foreach (int edge in new[] { block, 2 * block })
            for (int i = edge - 2; i < edge + 2; i++)
            {
                var data = new byte[4];
                gen.Rng.NextBytes(data);
                events[i] = new RecordedEvent(new TraceEvent(EventKind.Store, 0, 0x8000_0000UL + (ulong)gen.Rng.Next(0x10000), 4, 0, -1), data);
            }
        Assert.IsTrue(m.Agents[0].IsCpu, "agent 0 is a cpu");
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = events.Count, FormatVersion = version });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "blocks.trace");
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
    }

    [TestMethod]
    public void TraceWriter_NoEvents_ReadsEmptyWithIndex()
    {
        var m = new RandomTraces(3).Metadata(Arch.Sc);
        var bytes = RandomTraces.Write(m, []);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "empty.trace");
        Assert.AreEqual(0, RandomTraces.ReadAll(reader).Count);
        var s = reader.Summarize();
        Assert.AreEqual(0, s.EventCount);
        Assert.IsTrue(s.HasIndex);
        Assert.IsFalse(s.Truncated);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(4)]
    public void TraceReader_EmptyTraceWithoutCensus_HasItsFooterAndIsNotTruncated(int version)
    {
        // No events and no census: the header, then the index magic and the trailer, nothing else (the smallest footer).
        var m = new RandomTraces(9).Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, [], new TraceWriterOptions { FormatVersion = version, WriteCensus = false });
        Assert.AreEqual(20 + BitConverter.ToInt32(bytes, 12) + 4 + 32, bytes.Length);
        using var reader = TraceReader.Open(new MemoryStream(bytes), "empty.trace");
        Assert.IsTrue(reader.HasIndex);
        Assert.IsFalse(reader.Truncated);
        Assert.AreEqual(0L, reader.IndexedEventCount);
        Assert.IsEmpty(RandomTraces.ReadAll(reader));
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    public void TraceReader_ChunkOfTheMostEvents_ReadsWithAndWithoutFooter()
    {
        // A chunk holds 1..2^20 events (docs/trace-format.md, chunk header; the index entries alike): one of exactly 2^20
        // is checked by the footer at open, by the header scan a seek makes in a trace without footer, and by reading.
        const int Most = 1 << 20;
        var m = new RandomTraces(8).Metadata(Arch.Arm64);
        var load = new RecordedEvent(new TraceEvent(EventKind.Load, 0, 0x8000_0000, 4), []);
        foreach (bool complete in new[] { true, false })
        {
            // Without Complete the chunk after the full one stays in the writer: the trace is the full chunk, cut after it.
            var events = Enumerable.Repeat(load, complete ? Most : Most + 1);
            var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = Most }, complete);
            using var reader = TraceReader.Open(new MemoryStream(bytes), "most.trace");
            Assert.AreEqual(complete, reader.HasIndex);
            reader.SeekToEvent(Most - 1);
            var batch = new EventBatch();
            Assert.IsTrue(reader.ReadBatch(batch), $"complete {complete}");
            Assert.AreEqual(0L, batch.FirstIndex);
            Assert.AreEqual(Most, batch.Count);
            Assert.AreEqual(load.Event, batch[Most - 1]);
            Assert.IsFalse(reader.ReadBatch(batch));
            Assert.AreEqual(!complete, reader.Truncated);
        }
    }

    [TestMethod]
    public void TraceReader_NonSeekableStream_ReadsAllAndValidatesFooter()
    {
        var gen = new RandomTraces(5);
        var m = gen.Metadata(Arch.Riscv64);
        var events = gen.Events(m, 300);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 50 });
        using var reader = TraceReader.Open(new ForwardOnlyStream(bytes), "pipe");
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));
        Assert.IsTrue(reader.HasIndex);
        Assert.IsFalse(reader.Truncated);
    }

    [TestMethod]
    public async Task TraceReader_ReadBatchAsync_SameAsSync()
    {
        var gen = new RandomTraces(6);
        var m = gen.Metadata(Arch.X86_64);
        var events = gen.Events(m, 250);
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { ChunkEvents = 40 });
        await using var reader = TraceReader.Open(new MemoryStream(bytes), "async.trace");
        var batch = new EventBatch();
        var got = new List<RecordedEvent>();
        while (await reader.ReadBatchAsync(batch))
            for (int i = 0; i < batch.Count; i++) got.Add(new RecordedEvent(batch[i], batch.GetData(i).ToArray()));
        RandomTraces.AssertSameEvents(events, got);
    }

    [TestMethod]
    public void TraceFile_Write_RenamesOnSuccessAndLeavesNothingOnFailure()
    {
        var dir = Directory.CreateTempSubdirectory("tt-format-");
        try
        {
            var gen = new RandomTraces(7);
            var m = gen.Metadata(Arch.Arm64);
            var events = gen.Events(m, 20);
            string ok = Path.Combine(dir.FullName, "ok.trace");
            TraceFile.Write(ok, m, null, sink => { foreach (var e in events) sink.Append(e.Event, e.Data); });
            using (var reader = TraceReader.Open(ok))
                RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(reader));

            string bad = Path.Combine(dir.FullName, "bad.trace");
            Assert.ThrowsExactly<InvalidOperationException>(() => TraceFile.Write(bad, m, null, sink =>
            {
                sink.Append(events[0].Event, events[0].Data);
                throw new InvalidOperationException("producer failed");
            }));
            CollectionAssert.AreEquivalent(new[] { "ok.trace" }, dir.GetFiles().Select(f => f.Name).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>A stream that cannot seek and returns at most 7 bytes per read: pipes, sockets.</summary>
sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, 7), bytes.Length - _pos);
        Array.Copy(bytes, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
