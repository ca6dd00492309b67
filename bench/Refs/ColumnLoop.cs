using System.Globalization;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Bench.Refs;

/// <summary>
/// <c>TraceTools.Bench columns TRACE [--rounds R] [--clock wall|cpu]</c>: the column decode against raw LZ4
/// decompression of the same chunks, with no file I/O in either: the trace's stored chunks are read into memory
/// once, then each round decompresses every chunk (timed) and decodes every raw payload (timed), the two passes
/// interleaved round by round; prints the medians and their ratio. Long enough per round to profile
/// (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>), short enough to iterate on the decoder.
/// </summary>
static class ColumnLoop
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: TraceTools.Bench columns TRACE [--rounds R] [--clock wall|cpu]");
            return 2;
        }
        string path = args[0];
        int rounds = 9;
        for (int a = 1; a + 1 < args.Length; a += 2)
        {
            if (args[a] == "--rounds") rounds = int.Parse(args[a + 1], CultureInfo.InvariantCulture);
            else if (args[a] == "--clock") Clocks.UseCpuTime = args[a + 1] == "cpu";
        }
        TraceMetadata metadata;
        int version;
        using (var reader = TraceReader.Open(path)) (metadata, version) = (reader.Metadata, reader.Version);
        var chunks = new List<(StoredChunk Chunk, byte[] Stored)>();
        StoredChunks.ForEach(path, c => chunks.Add((c, c.Stored.AsSpan().ToArray())));
        // Every buffer of the largest size, the batch's too: the decoder passes buffers between the batch and the
        // next chunk, and a buffer grown in a round would fault its pages in during the timed decompression.
        int bufferLength = chunks.Max(c => ChunkDecoder.BufferLength(c.Chunk.Raw, c.Chunk.Count));
        var raws = chunks.Select(_ => new byte[bufferLength]).ToArray();
        var ctx = new EventContext(metadata, version);
        var scratch = new DecodeScratch(ctx.AgentCount);
        var batch = new EventBatch(65536);
        batch.Data = new byte[bufferLength];
        long events = chunks.Sum(c => (long)c.Chunk.Count);

        PrintColumnSizes(chunks, raws, version, events);
        var lz4 = new List<double>();
        var columns = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < chunks.Count; k++) raws[k].AsSpan(chunks[k].Chunk.Raw, Varint.Padding).Clear();
            long t0 = Clocks.Now();
            for (int k = 0; k < chunks.Count; k++)
            {
                var (c, stored) = chunks[k];
                if (c.Codec == TraceCodec.Lz4)
                {
                    if (!Lz4Native.TryDecompress(stored, raws[k].AsSpan(0, c.Raw))) throw new InvalidDataException($"chunk {k}: bad LZ4 block");
                }
                else
                {
                    stored.CopyTo(raws[k], 0);
                }
            }
            long t1 = Clocks.Now();
            for (int k = 0; k < chunks.Count; k++)
            {
                var c = chunks[k].Chunk;
                ChunkDecoder.Decode(ref raws[k], c.Raw, c.Count, c.First, ctx, scratch, batch, new ChunkOrigin(path, k, 0, false));
            }
            long t2 = Clocks.Now();
            lz4.Add(events / ((t1 - t0) / (double)Clocks.Frequency));
            columns.Add(events / ((t2 - t1) / (double)Clocks.Frequency));
        }
        lz4.Sort();
        columns.Sort();
        double l = lz4[rounds / 2], c2 = columns[rounds / 2];
        Console.WriteLine(FormattableString.Invariant($"lz4 {l:F0}"));
        Console.WriteLine(FormattableString.Invariant($"columns {c2:F0}"));
        Console.WriteLine(FormattableString.Invariant($"columns/lz4 {c2 / l:F2}"));
        return 0;
    }

    /// <summary>On stderr: bytes per event of each column of the raw payloads (after a first decompression), for reading a profile.</summary>
    static void PrintColumnSizes(List<(StoredChunk Chunk, byte[] Stored)> chunks, byte[][] raws, int version, long events)
    {
        string[] names = version == 1 ? ["addresses", "sizes", "aux", "sites", "value lengths", "values", "data"]
            : ["address lengths", "addresses", "sizes", "aux", "sites", "value lengths", "values", "data", "extension kinds"];
        var totals = new long[names.Length];
        for (int k = 0; k < chunks.Count; k++)
        {
            var (c, stored) = chunks[k];
            if (c.Codec == TraceCodec.Lz4) Lz4Native.TryDecompress(stored, raws[k].AsSpan(0, c.Raw));
            else stored.CopyTo(raws[k], 0);
            for (int n = 0; n < names.Length && 4 * n + 4 <= c.Raw; n++) totals[n] += BitConverter.ToUInt32(raws[k], 4 * n);
        }
        Console.Error.WriteLine(string.Join(", ", names.Select((name, n) => FormattableString.Invariant($"{name} {totals[n] / (double)events:F3}"))) + " bytes/event");
    }
}
