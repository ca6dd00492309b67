using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class MutationTests
{
    const int MutationsPerCase = 1500;

    [TestMethod]
    [DataRow(TraceCodec.None, 101, 1)]
    [DataRow(TraceCodec.Lz4, 202, 1)]
    [DataRow(TraceCodec.None, 303, 2)]
    [DataRow(TraceCodec.Lz4, 404, 2)]
    [DataRow(TraceCodec.None, 505, 3)]
    [DataRow(TraceCodec.Lz4, 606, 3)]
    [DataRow(TraceCodec.None, 707, 4)]
    [DataRow(TraceCodec.Lz4, 808, 4)]
    public void TraceReader_CorruptedTraces_ReadOrRaiseOnlyFormatException(TraceCodec codec, int seed, int version)
    {
        var gen = new RandomTraces(seed);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200, RandomTraces.KindsOf(version));
        var original = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = codec, ChunkEvents = 40, FormatVersion = version });
        var offsets = TruncationTests.ChunkOffsets(original);
        var rng = new Random(seed);
        int read = 0, rejected = 0;
        var batch = new EventBatch(64);
        for (int n = 0; n < MutationsPerCase; n++)
        {
            var (bytes, what) = Mutate(original, offsets, rng);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                // Every fourth mutation goes through a forward-only stream: no file length, no footer at open.
                using var reader = TraceReader.Open(n % 4 == 3 ? new ForwardOnlyStream(bytes) : new MemoryStream(bytes), "m.trace");
                long events2 = 0;
                while (reader.ReadBatch(batch))
                {
                    events2 += batch.Count;
                    // Sites decode on first read, as a report reads them: they are checked under mutation too.
                    _ = batch.Sites;
                    // Decoded data never exceeds what the file could hold: no allocation beyond the caps.
                    Assert.IsLessThanOrEqualTo(TraceWriterOptions.MaxChunkEvents, batch.Count);
                }
                if (n % 4 != 3) reader.Summarize();
                read++;
                AssertBoundedAllocation(allocatedBefore, what);
            }
            catch (TraceFormatException e)
            {
                Assert.IsGreaterThanOrEqualTo(0L, e.ByteOffset, what);
                Assert.IsLessThanOrEqualTo((long)bytes.Length, e.ByteOffset, $"{what}: {e.Message}");
                Assert.IsFalse(e.Message.Contains('\n', StringComparison.Ordinal), what);
                StringAssert.StartsWith(e.Message, "m.trace: byte offset ", what);
                rejected++;
                AssertBoundedAllocation(allocatedBefore, what);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {n} ({what}) raised {e.GetType().Name}: {e.Message}");
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the reader.
        Assert.IsGreaterThan(MutationsPerCase / 2, rejected, $"rejected {rejected}, read {read}");
        Assert.IsGreaterThan(0, read, $"rejected {rejected}, read {read}");
    }

    static (byte[] Bytes, string What) Mutate(byte[] original, long[] chunks, Random rng)
    {
        var b = original.ToList();
        int pos = rng.Next(b.Count);
        switch (rng.Next(8))
        {
            case 0:
                b[pos] ^= (byte)(1 << rng.Next(8));
                return ([.. b], $"bit flip at {pos}");
            case 1:
                return ([.. b.Take(pos)], $"truncated to {pos}");
            case 2:
                b.InsertRange(pos, Enumerable.Range(0, rng.Next(1, 9)).Select(_ => (byte)rng.Next(256)));
                return ([.. b], $"insert at {pos}");
            case 3:
                b.RemoveRange(pos, Math.Min(rng.Next(1, 9), b.Count - pos));
                return ([.. b], $"delete at {pos}");
            case 4:
            {
                int k = rng.Next(chunks.Length - 1);
                int a0 = (int)chunks[k], a1 = (int)chunks[k + 1], a2 = k + 2 < chunks.Length ? (int)chunks[k + 2] : IndexOffset(original);
                var swapped = original[..a0].Concat(original[a1..a2]).Concat(original[a0..a1]).Concat(original[a2..]).ToArray();
                return (swapped, $"chunks {k} and {k + 1} swapped");
            }
            case 5:
            {
                // A lying length or count in a chunk header with its header CRC fixed up, so the lie gets past the CRC.
                int c = (int)chunks[rng.Next(chunks.Length)];
                int field = new[] { 4, 16, 20 }[rng.Next(3)];
                uint lie = rng.Next(3) switch { 0 => uint.MaxValue, 1 => (uint)rng.Next(1 << 27), _ => BitConverter.ToUInt32(original, c + field) + (uint)rng.Next(-3, 4) };
                var arr = b.ToArray();
                BitConverter.TryWriteBytes(arr.AsSpan(c + field), lie);
                FixHeaderCrc(arr, c);
                return (arr, $"chunk at {c} field {field} = {lie}");
            }
            case 6:
            {
                // Lying metadata lengths/counts: a byte of the metadata set to a large varint start, CRC fixed.
                var arr = b.ToArray();
                int len = BitConverter.ToInt32(arr, 12);
                int at = 20 + rng.Next(len);
                arr[at] = (byte)rng.Next(256);
                BitConverter.TryWriteBytes(arr.AsSpan(16), Crc(arr.AsSpan(20, len)));
                return (arr, $"metadata byte {at - 20} set, CRC fixed");
            }
            default:
            {
                // Corrupt the raw payload of a codec-none chunk behind a recomputed CRC: exercises the column checks.
                var arr = b.ToArray();
                int c = (int)chunks[rng.Next(chunks.Length)];
                int stored = BitConverter.ToInt32(arr, c + 20);
                int at = c + 36 + rng.Next(stored);
                arr[at] = rng.Next(2) == 0 ? (byte)rng.Next(256) : (byte)(arr[at] ^ (1 << rng.Next(8)));
                BitConverter.TryWriteBytes(arr.AsSpan(c + 28), Crc(arr.AsSpan(c + 36, stored)));
                FixHeaderCrc(arr, c);
                return (arr, $"payload byte at {at} behind fixed CRC");
            }
        }
    }

    /// <summary>A lying length must never make the reader allocate for it: a few MiB covers pipe buffers and batches.</summary>
    static void AssertBoundedAllocation(long before, string what)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsLessThan(8L << 20, allocated, $"{what}: allocated {allocated} bytes");
    }

    static int IndexOffset(byte[] trace) => (int)BitConverter.ToInt64(trace, trace.Length - 24);

    static void FixHeaderCrc(byte[] arr, int chunk) => BitConverter.TryWriteBytes(arr.AsSpan(chunk + 32), Crc(arr.AsSpan(chunk, 32)));

    static uint Crc(ReadOnlySpan<byte> data) => TraceTools.TraceFormat.Internals.Crc32C.Compute(data);
}
