using System.Globalization;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using TraceTools.Cli.Validation;
using TraceTools.Replay;
using TraceTools.Replay.Sharding;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Drives a trace file through the engine: on one thread (decode then replay, batch by batch) or with
/// decoding on a second core, handing full batches over a small bounded channel and recycling them, so
/// the steady state allocates nothing.
/// </summary>
public static class TraceReplay
{
    /// <summary>
    /// Batches in flight between the decoder and the replay when decoding on a second core. One is enough (the decoder
    /// fills the next while the replay thread replays one), and each batch more costs its first touch: about 600 page
    /// faults of fresh columns and chunk buffer.
    /// </summary>
    const int BatchesInFlight = 1;

    /// <summary>
    /// Replays every event of <paramref name="reader"/>; <paramref name="progress"/> sees the event count after
    /// each batch; <paramref name="phases"/>, when given, collects decode and replay time (per batch: cheap).
    /// </summary>
    public static long Run(TraceReader reader, ReplayEngine engine, bool decodeThread, Action<long>? progress, ReplayPhases? phases = null)
    {
        phases ??= new ReplayPhases();
        phases.Overlapped = decodeThread;
        var check = new TraceEventCheck(reader.Metadata, reader.FileName);
        return decodeThread ? RunPipelined(reader, engine, check, progress, phases) : RunSingle(reader, engine, check, progress, phases);
    }

    /// <summary>Decodes every chunk and replays nothing: the decoder's throughput alone.</summary>
    public static long DecodeOnly(TraceReader reader, Action<long>? progress, ReplayPhases? phases = null)
    {
        var batch = new EventBatch(65536);
        long events = 0;
        long t0 = Stopwatch.GetTimestamp();
        while (reader.ReadBatch(batch))
        {
            events += batch.Count;
            progress?.Invoke(events);
        }
        if (phases is not null) phases.DecodeTicks += Stopwatch.GetTimestamp() - t0;
        return events;
    }

    static long RunSingle(TraceReader reader, ReplayEngine engine, TraceEventCheck check, Action<long>? progress, ReplayPhases phases)
    {
        var batch = new EventBatch(65536);
        long events = 0, chunk = 0;
        long t0 = Stopwatch.GetTimestamp();
        while (reader.ReadBatch(batch))
        {
            long t1 = Stopwatch.GetTimestamp();
            Replay(engine, batch, check, chunk++);
            long t2 = Stopwatch.GetTimestamp();
            phases.DecodeTicks += t1 - t0;
            phases.ReplayTicks += t2 - t1;
            t0 = t2;
            events += batch.Count;
            progress?.Invoke(events);
        }
        phases.DecodeTicks += Stopwatch.GetTimestamp() - t0;
        return events;
    }

    /// <summary>
    /// Replays chunk number <paramref name="chunk"/>. The engine checks each event against the header as it
    /// replays it (one region lookup per access); the CLI's own check runs only on a chunk the engine refused,
    /// so the error is the one <c>info</c> and <c>dump</c> give for the same trace: the first event the check
    /// refuses, by chunk and index. The engine refuses every event the check does (at the latest at that
    /// event), so a chunk the check passes fails with the engine's own message, named by file and chunk like the check's.
    /// <c>export</c> replays through it too, so that its errors read as <c>replay</c>'s.
    /// </summary>
    internal static void Replay(ReplayEngine engine, EventBatch batch, TraceEventCheck check, long chunk)
    {
        try
        {
            engine.Process(batch);
        }
        // Only a refusal of the input (a shard's too: its thread rethrows it unwrapped): an internal error leaves as
        // itself, not disguised as bad input about some other event of the chunk.
        catch (ReplayInputException e)
        {
            check.Check(batch, chunk);
            throw check.Locate(e, chunk);
        }
    }

    /// <summary>
    /// Decoding on its own thread: full batches go to the replay thread over a bounded hand-off that blocks, never
    /// spins. Each is a <see cref="SharedBatch"/> of one chunk, or of several small ones in a row (<see cref="ChunkRun"/>):
    /// the decode thread also splits it between the replicas (<see cref="ReplayEngine.Route"/>) or, split by detector,
    /// replays it on the shards itself (<see cref="ReplayEngine.FeedShards"/>: two busy threads, not three), and every
    /// replica reads it in place; the last one done hands it back to the decoder, so the steady state allocates and
    /// copies nothing (but small chunks, copied into one batch).
    /// </summary>
    static long RunPipelined(TraceReader reader, ReplayEngine engine, TraceEventCheck check, Action<long>? progress, ReplayPhases phases)
    {
        bool feeds = engine.FeedShardsFromFiller();
        var full = new HandOff<ChunkRun>(BatchesInFlight);
        // In the hand-off, on the replay thread, on the decode thread, and behind the replay thread in the shards' queues.
        int batches = BatchesInFlight + 2 + engine.BatchesHeldByShards;
        // Written by whichever replica is done last with a batch (the replay thread or a shard's).
        var empty = new HandOff<ChunkRun>(batches);
        Action<ChunkRun> released = b => empty.Add(b);
        for (int i = 0; i < batches; i++) empty.Add(new ChunkRun(65536, released));

        // Cancelled when the replay side fails, so the decode thread never outlives this call: it would otherwise
        // wait on a full hand-off, or still be reading when the caller disposes the reader.
        using var stop = new CancellationTokenSource();
        var decoder = new Thread(() => Decode(reader, engine, feeds, empty, full, phases, stop.Token)) { IsBackground = true, Name = "replay decode" };
        decoder.Start();

        long events = 0, chunk = 0;
        try
        {
            while (full.TryTake(out var run))
            {
                long t0 = Stopwatch.GetTimestamp();
                int count = run.Shared.Events.Count;
                Replay(engine, run, check, chunk);
                chunk += run.Chunks;
                phases.ReplayTicks += Stopwatch.GetTimestamp() - t0;
                events += count;
                progress?.Invoke(events);
            }
            if (full.Error is { } error) ExceptionDispatchInfo.Throw(error); // the decoder's (or a fed shard's) error, with its own stack
        }
        catch
        {
            stop.Cancel();
            full.Cancel();
            empty.Cancel();
            decoder.Join(); // never throws: the thread catches everything into the hand-off
            throw;
        }
        decoder.Join();
        return events;
    }

    /// <summary>
    /// The decode thread: fills each free batch with the next chunk (or run of small chunks), routes it (or replays it
    /// on the shards when <paramref name="feeds"/>) and hands it on; a failure ends the hand-off with that error, after
    /// the batch it happened in (a shard's bad input is then thrown by the replay thread at the same event, in trace
    /// order), or after the chunks of a run read before it.
    /// </summary>
    static void Decode(TraceReader reader, ReplayEngine engine, bool feeds, HandOff<ChunkRun> empty, HandOff<ChunkRun> full, ReplayPhases phases, CancellationToken token)
    {
        try
        {
            var scratch = new EventBatch(ChunkRun.MinEvents);
            bool ended = false;
            while (!ended && empty.TryTake(out var run))
            {
                long t0 = Stopwatch.GetTimestamp();
                bool more = run.Fill(reader, scratch, token, out ended, out var failed);
                if (more) engine.Route(run.Shared);
                phases.DecodeTicks += Stopwatch.GetTimestamp() - t0; // only this thread writes it until the join
                if (!more) break;
                if (feeds)
                {
                    try
                    {
                        engine.FeedShards(run.Shared);
                    }
                    catch (Exception e)
                    {
                        failed = e; // its chunks come before the one a failed read stopped the run at
                    }
                }
                if (!full.Add(run)) return; // the replay side failed
                if (failed is not null)
                {
                    full.Complete(failed);
                    return;
                }
            }
            full.Complete();
        }
        catch (Exception e)
        {
            full.Complete(e);
        }
    }

    /// <summary>Replays <paramref name="run"/>, whose first chunk is number <paramref name="chunk"/>, shared with the replicas (see the <see cref="EventBatch"/> overload).</summary>
    static void Replay(ReplayEngine engine, ChunkRun run, TraceEventCheck check, long chunk)
    {
        try
        {
            engine.ProcessShared(run.Shared);
        }
        catch (ReplayInputException e)
        {
            throw run.Locate(check, e, chunk);
        }
    }
}

/// <summary>Where replay time went: reading and decoding chunks, and the engine (<c>--stats</c>).</summary>
public sealed class ReplayPhases
{
    /// <summary>Stopwatch ticks spent reading and decoding (on the decode thread when <see cref="Overlapped"/>).</summary>
    public long DecodeTicks { get; set; }

    /// <summary>Stopwatch ticks spent in <see cref="ReplayEngine.Process"/>.</summary>
    public long ReplayTicks { get; set; }

    /// <summary>True when decoding ran on a second core.</summary>
    public bool Overlapped { get; set; }

    /// <summary>Decode time in seconds.</summary>
    public double DecodeSeconds => (double)DecodeTicks / Stopwatch.Frequency;

    /// <summary>Engine time in seconds.</summary>
    public double ReplaySeconds => (double)ReplayTicks / Stopwatch.Frequency;
}

/// <summary>A one-line progress bar on stderr with elapsed time and an ETA, redrawn at most ten times a second.</summary>
public sealed class ProgressBar(TextWriter error, long total)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    long _lastDraw = -1000;

    /// <summary>Redraws for <paramref name="done"/> events when enough time has passed.</summary>
    public void Report(long done)
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < 100) return;
        _lastDraw = now;
        error.Write("\r" + Line(done, total, _clock.Elapsed) + " ");
    }

    /// <summary>
    /// <c>[#########                     ]  30.0% 3,000,000 events 6.1 M/s 0:01 elapsed, ETA 0:02</c>; without a
    /// total (no chunk index) no bar and no ETA.
    /// </summary>
    public static string Line(long done, long total, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        double rate = done / seconds;
        string head = string.Create(CultureInfo.InvariantCulture, $"{done:N0} events {rate / 1e6:F1} M/s {Clock(elapsed.TotalSeconds)} elapsed");
        if (total <= 0) return head;
        double fraction = Math.Min(1.0, (double)done / total);
        int width = 30, filled = (int)(width * fraction);
        string eta = done > 0 && done < total ? Clock((total - done) / rate) : done >= total ? "0:00" : "?";
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string(' ', width - filled)}] {100 * fraction,5:F1}% {head}, ETA {eta}");
    }

    /// <summary><c>m:ss</c>, or <c>h:mm:ss</c> from an hour.</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(Math.Max(0, Math.Min(seconds, 359_999))));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    /// <summary>Clears the bar's line.</summary>
    public void Done() => error.Write("\r" + new string(' ', 100) + "\r");
}
