using System.Diagnostics;
using System.Globalization;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Bench.Refs;

/// <summary>
/// <c>TraceTools.Bench refs TRACE [--rounds R] [--clock wall|cpu]</c>: the in-run references bench/run.sh compares the engine
/// with, measured on the trace's own chunks, the passes interleaved in each round and the median over rounds:
/// <list type="bullet">
/// <item><c>lz4</c>: LZ4 decompression of each chunk's stored bytes alone (codec-none chunks: a copy);</item>
/// <item><c>columns</c>: the column decode of the same raw payloads, timed per chunk right after its decompression;</item>
/// <item><c>decode</c>: the reader end to end (file, CRC, LZ4, columns), as <c>replay --decode-only</c> runs it;</item>
/// <item><c>lean</c>, <c>decode_lean</c>: the lean single-pass bound (<see cref="LeanBound"/>) over the decoded
/// batches, alone and with the decode, single-threaded: the second is what the engine's events/s compare with.</item>
/// </list>
/// A first round is run untimed (JIT warm-up). Prints one <c>name events_per_second</c> line each.
/// </summary>
static class ReferenceRun
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: TraceTools.Bench refs TRACE [--rounds R] [--clock wall|cpu]");
            return 2;
        }
        string path = args[0];
        int rounds = 3;
        for (int a = 1; a + 1 < args.Length; a += 2)
        {
            if (args[a] == "--rounds") rounds = int.Parse(args[a + 1], CultureInfo.InvariantCulture);
            else if (args[a] == "--clock") Clocks.UseCpuTime = args[a + 1] == "cpu";
        }
        var samples = new Dictionary<string, List<double>>();
        void Add(string name, long events, long ticks) =>
            (samples.TryGetValue(name, out var l) ? l : samples[name] = []).Add(events / (ticks / (double)Clocks.Frequency));

        // One untimed round first: LZ4 is native code, the column decode and the lean bound are JIT-compiled, and
        // their first chunks otherwise run tier-0 code (on a 10^7-event trace that alone halved the median of 3).
        DecompressAndDecode(path);
        ReadAll(path, new LeanBoundTimer());
        for (int r = 0; r < rounds; r++)
        {
            var (events, lz4, columns) = DecompressAndDecode(path);
            Add("lz4", events, lz4);
            Add("columns", events, columns);
            var (n, decode) = ReadAll(path, null);
            Add("decode", n, decode);
            var lean = new LeanBoundTimer();
            (n, long both) = ReadAll(path, lean);
            Add("lean", n, lean.Ticks);
            Add("decode_lean", n, both);
            Console.Error.WriteLine($"refs: round {r + 1}/{rounds} done ({lean.Races} lean dma-race triggers)");
        }
        foreach (var (name, list) in samples)
        {
            list.Sort();
            Console.WriteLine(FormattableString.Invariant($"{name} {list[list.Count / 2]:F0}"));
        }
        return 0;
    }

    /// <summary>Per chunk: decompress (timed), then decode its columns (timed); returns events and both tick sums.</summary>
    static (long Events, long Lz4, long Columns) DecompressAndDecode(string path)
    {
        TraceMetadata metadata;
        int version;
        using (var reader = TraceReader.Open(path)) (metadata, version) = (reader.Metadata, reader.Version);
        var ctx = new EventContext(metadata, version);
        var scratch = new DecodeScratch(ctx.AgentCount);
        var batch = new EventBatch(65536);
        byte[] raw = [];
        long events = 0, lz4 = 0, columns = 0, chunk = 0;
        StoredChunks.ForEach(path, c =>
        {
            if (raw.Length < ChunkDecoder.BufferLength(c.Raw, c.Count)) raw = new byte[ChunkDecoder.BufferLength(c.Raw, c.Count)];
            raw.AsSpan(c.Raw, Varint.Padding).Clear();
            long t0 = Clocks.Now();
            if (c.Codec == TraceCodec.Lz4)
            {
                if (!Lz4Native.TryDecompress(c.Stored, raw.AsSpan(0, c.Raw))) throw new InvalidDataException($"chunk {chunk}: bad LZ4 block");
            }
            else
            {
                c.Stored.AsSpan().CopyTo(raw);
            }
            long t1 = Clocks.Now();
            ChunkDecoder.Decode(ref raw, c.Raw, c.Count, c.First, ctx, scratch, batch, new ChunkOrigin(path, chunk, 0, false));
            long t2 = Clocks.Now();
            lz4 += t1 - t0;
            columns += t2 - t1;
            events += c.Count;
            chunk++;
        });
        return (events, lz4, columns);
    }

    /// <summary>The reader end to end, each batch handed to <paramref name="lean"/> when given; returns events and ticks.</summary>
    static (long Events, long Ticks) ReadAll(string path, LeanBoundTimer? lean)
    {
        long t0 = Clocks.Now();
        using var reader = TraceReader.Open(path);
        lean?.Start(reader.Metadata);
        var batch = new EventBatch(65536);
        long events = 0;
        while (reader.ReadBatch(batch))
        {
            lean?.Process(batch);
            events += batch.Count;
        }
        return (events, Clocks.Now() - t0);
    }
}
