using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.Tests.Hardening;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// The report's event lookup over a trace file: the events findings name are read ahead in trace order, each chunk
/// once, however the findings interleave them; lookups then return exactly the events a sequential read gives.
/// </summary>
[TestClass]
public sealed class EventLookupTests
{
    /// <summary>A stream that counts the bytes read through it.</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    const int Events = 1 << 20;

    /// <summary>A trace of <see cref="Events"/> stores in chunks larger than the reader's 256 KiB read-ahead (16 of about 0.8 MB), so bytes read count chunks.</summary>
    static string FarTrace(Scratch s)
    {
        string trace = s.Path("far.trace");
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 }],
        };
        var rng = new Random(3);
        TraceFile.Write(trace, m, new TraceWriterOptions { ChunkEvents = 1 << 16 }, sink =>
        {
            var value = new byte[8];
            for (int i = 0; i < Events; i++)
            {
                rng.NextBytes(value);
                sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000 + (ulong)rng.Next(512) * 8, 8), value);
            }
        });
        return trace;
    }

    /// <summary>The events at <paramref name="named"/>, read front to back.</summary>
    static Dictionary<long, TraceEvent> Sequential(string trace, IEnumerable<long> named)
    {
        var expected = new Dictionary<long, TraceEvent>();
        using var all = TraceReader.Open(trace);
        var batch = new EventBatch();
        var wanted = named.ToHashSet();
        while (all.ReadBatch(batch))
            for (int i = 0; i < batch.Count; i++)
                if (wanted.Contains(batch.FirstIndex + i)) expected[batch.FirstIndex + i] = batch[i];
        return expected;
    }

    // As findings in trigger order name them: a trigger in the last chunk, its related event in the first, and so on.
    static readonly List<long> Named = [.. Enumerable.Range(0, 300).SelectMany(k => new long[] { Events - 300 + k, k })];

    /// <summary>
    /// Read ahead (as reports read the events findings name), each chunk once; or not (as a report's ladders look
    /// around a trigger and around its related event), the chunks kept. Looked up one by one with one chunk kept,
    /// each lookup decoded the other chunk again: 600 chunk reads, 30 times the file.
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Lookup_AlternatingBetweenFarChunks_ReadsEachChunkOnceAndAnswersLikeASequentialRead(bool prefetch)
    {
        using var s = new Scratch();
        string trace = FarTrace(s);
        var expected = Sequential(trace, Named);
        var counting = new CountingStream(File.OpenRead(trace));
        using var lookup = new TraceEventLookup(TraceReader.Open(counting, trace));
        long opened = counting.BytesRead;

        if (prefetch) ((IEventLookup)lookup).Prefetch(Named);
        foreach (long index in Named)
        {
            Assert.AreEqual(expected[index], lookup[index], $"event {index}");
            Assert.AreEqual(8, lookup.GetData(index).Length, $"event {index}'s bytes");
        }

        // The two chunks the events lie in, once each, with the reader's read-ahead.
        long file = new FileInfo(trace).Length;
        Assert.IsLessThan(file / 4, counting.BytesRead - opened, $"read {counting.BytesRead - opened} of a {file}-byte trace");
    }

    /// <summary>
    /// The bytes of the events read ahead are kept with them: SARIF locations and ladder rows ask for them group by
    /// group, and groups spread over more chunks than the lookup keeps decoded (here eight, taken in turn) read a
    /// chunk per lookup without them (10,000 groups over five chunks: 5.5–7.6 s of report).
    /// </summary>
    [TestMethod]
    public void GetData_ReadAheadEventsOverManyChunks_EachChunkReadOnceAndBytesAsWritten()
    {
        using var s = new Scratch();
        string trace = FarTrace(s);
        List<long> named = [.. Enumerable.Range(0, 400).Select(k => (long)(k % 8) * 2 * (1 << 16) + k)];
        var expected = new Dictionary<long, byte[]>();
        using (var all = TraceReader.Open(trace))
        {
            var batch = new EventBatch();
            var wanted = named.ToHashSet();
            while (all.ReadBatch(batch))
                for (int i = 0; i < batch.Count; i++)
                    if (wanted.Contains(batch.FirstIndex + i)) expected[batch.FirstIndex + i] = batch.GetData(i).ToArray();
        }
        var counting = new CountingStream(File.OpenRead(trace));
        using var lookup = new TraceEventLookup(TraceReader.Open(counting, trace));
        long opened = counting.BytesRead;

        ((IEventLookup)lookup).Prefetch(named);
        foreach (long index in named)
            CollectionAssert.AreEqual(expected[index], lookup.GetData(index).ToArray(), $"event {index}'s bytes");

        // Eight of the sixteen chunks, once each (with the reader's read-ahead past each: under the file's size);
        // without the bytes kept, a chunk per lookup, some 25 times the file.
        long file = new FileInfo(trace).Length;
        Assert.IsLessThan(file, counting.BytesRead - opened, $"read {counting.BytesRead - opened} of a {file}-byte trace");
    }
}
