using System.Diagnostics;
using System.Threading.Channels;
using TraceTools.Cli.Validation;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// Drives a trace file through the engine: on one thread (decode then replay, batch by batch) or with
/// decoding on a second core, handing full batches over a small bounded channel and recycling them, so
/// the steady state allocates nothing.
/// </summary>
public static class TraceReplay
{
    /// <summary>Batches in flight between the decoder and the replay when decoding on a second core.</summary>
    const int BatchesInFlight = 3;

    /// <summary>Replays every event of <paramref name="reader"/>; <paramref name="progress"/> sees the event count after each batch.</summary>
    public static long Run(TraceReader reader, ReplayEngine engine, bool decodeThread, Action<long>? progress)
    {
        var check = new TraceEventCheck(reader.Metadata, reader.FileName);
        return decodeThread ? RunPipelined(reader, engine, check, progress) : RunSingle(reader, engine, check, progress);
    }

    /// <summary>Decodes every chunk and replays nothing: the decoder's throughput alone.</summary>
    public static long DecodeOnly(TraceReader reader, Action<long>? progress)
    {
        var batch = new EventBatch(65536);
        long events = 0;
        while (reader.ReadBatch(batch))
        {
            events += batch.Count;
            progress?.Invoke(events);
        }
        return events;
    }

    static long RunSingle(TraceReader reader, ReplayEngine engine, TraceEventCheck check, Action<long>? progress)
    {
        var batch = new EventBatch(65536);
        long events = 0;
        while (reader.ReadBatch(batch))
        {
            check.Check(batch);
            engine.Process(batch);
            events += batch.Count;
            progress?.Invoke(events);
        }
        return events;
    }

    static long RunPipelined(TraceReader reader, ReplayEngine engine, TraceEventCheck check, Action<long>? progress)
    {
        var full = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        var empty = Channel.CreateUnbounded<EventBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (int i = 0; i < BatchesInFlight + 1; i++) empty.Writer.TryWrite(new EventBatch(65536));

        var decoder = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var batch = await empty.Reader.ReadAsync().ConfigureAwait(false);
                    if (!await reader.ReadBatchAsync(batch).ConfigureAwait(false)) break;
                    check.Check(batch); // on the decoding core: the replay core does not pay for it
                    await full.Writer.WriteAsync(batch).ConfigureAwait(false);
                }
                full.Writer.Complete();
            }
            catch (Exception e)
            {
                full.Writer.Complete(e);
            }
        });

        long events = 0;
        try
        {
            while (full.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (full.Reader.TryRead(out var batch))
                {
                    engine.Process(batch);
                    events += batch.Count;
                    empty.Writer.TryWrite(batch);
                    progress?.Invoke(events);
                }
            }
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
        decoder.GetAwaiter().GetResult();
        return events;
    }
}

/// <summary>A one-line progress bar on stderr, redrawn at most ten times a second.</summary>
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
        double rate = done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        if (total > 0)
        {
            int width = 30, filled = (int)(width * Math.Min(1.0, (double)done / total));
            error.Write($"\r[{new string('#', filled)}{new string(' ', width - filled)}] {100.0 * done / total,5:F1}% {done:N0} events {rate / 1e6:F1} M/s ");
        }
        else error.Write($"\r{done:N0} events {rate / 1e6:F1} M/s ");
    }

    /// <summary>Clears the bar's line.</summary>
    public void Done() => error.Write("\r" + new string(' ', 79) + "\r");
}
