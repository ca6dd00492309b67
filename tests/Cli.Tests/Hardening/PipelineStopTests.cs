using TraceTools.Cli.Replaying;
using TraceTools.Detectors;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// <c>replay --threads 2</c>: when the replay side fails, the decode task is stopped and joined before the error
/// leaves <see cref="TraceReplay.Run"/>, so it never reads from a reader its caller is about to dispose.
/// </summary>
[TestClass]
public sealed class PipelineStopTests
{
    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Run_ReplaySideThrowsWhileDecoderIsAhead_SameErrorAndDecoderStopped()
    {
        using var s = new Scratch();
        string path = s.Path("many-chunks.trace");
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        };
        // 200 chunks: far more than the batches in flight, so the decoder is blocked on the full channel when
        // the replay side fails on its first batch.
        TraceFile.Write(path, m, new TraceWriterOptions { ChunkEvents = 4 }, sink =>
        {
            for (int i = 0; i < 800; i++) sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000 + (ulong)(i % 32) * 8, 8), new byte[8]);
        });
        var input = new TrickleStream(File.ReadAllBytes(path));
        var reader = TraceReader.Open(input, path);
        using var engine = DetectorRegistry.CreateEngine(reader.Metadata);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() =>
            TraceReplay.Run(reader, engine, decodeThread: true, progress: _ => throw new InvalidOperationException("replay side failed")));

        Assert.AreEqual("replay side failed", error.Message);
        // The decoder was stopped and joined before Run threw: the input is not read any more. (Left running, it
        // would go on reading, slowly, until the channel is full.)
        long reads = input.Reads;
        Thread.Sleep(300);
        Assert.AreEqual(reads, input.Reads, "the decode task went on reading after Run returned");
        reader.Dispose();
    }

    /// <summary>A seekable input that hands out at most 64 bytes per read, 2 ms each, and counts the reads.</summary>
    sealed class TrickleStream(byte[] bytes) : Stream
    {
        readonly MemoryStream _inner = new(bytes, writable: false);
        long _reads;

        public long Reads => Interlocked.Read(ref _reads);

        public override int Read(Span<byte> buffer)
        {
            Interlocked.Increment(ref _reads);
            Thread.Sleep(2);
            return _inner.Read(buffer[..Math.Min(buffer.Length, 64)]);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => new(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer, offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => _inner.Position = value; }
        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
