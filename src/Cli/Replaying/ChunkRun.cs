using TraceTools.Cli.Validation;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>
/// What the decode thread hands the replay thread: a shared batch holding one chunk or, when chunks are small,
/// several in a row (<see cref="Fill"/>), and where each chunk starts in it, so that an error still names its chunk.
/// A hand-off between threads is a blocking wake-up of some 50 µs on a busy machine; a batch per chunk of a
/// handful of events paid it per handful (400,000 one-event chunks: 32 s on two threads, 2 s on one, before).
/// </summary>
sealed class ChunkRun
{
    /// <summary>
    /// Events a batch holds before it is handed on, when its chunks are smaller: 8,192 events take the replay about a
    /// millisecond, twenty times a wake-up. A chunk at least this large that begins a batch goes alone, read in place
    /// with no copy; one that follows a smaller chunk is appended like any other (read into the scratch batch, which
    /// then stays as large as the largest chunk so appended: at most the format's cap of 2^20 events).
    /// </summary>
    public const int MinEvents = 8192;

    /// <summary>Batch positions where each chunk starts (the first at 0).</summary>
    readonly List<int> _starts = [];

    /// <summary>A batch of <paramref name="capacity"/> events (grown when a run needs more), handed to <paramref name="released"/> when every replica is done with it.</summary>
    public ChunkRun(int capacity, Action<ChunkRun> released) => Shared = new SharedBatch(capacity, _ => released(this));

    /// <summary>The batch every replica reads.</summary>
    public SharedBatch Shared { get; }

    /// <summary>Chunks the batch holds.</summary>
    public int Chunks => _starts.Count;

    /// <summary>
    /// Fills the batch with the next chunk and, while it holds fewer than <see cref="MinEvents"/> events, appends the
    /// chunks after it (decoded into <paramref name="scratch"/> first). False at the end of the trace, with nothing
    /// filled. A failure reading an appended chunk ends the run before it and comes back in
    /// <paramref name="failed"/>: the chunks before it replay first, as they would one batch each, so an earlier
    /// chunk's refusal still wins; <paramref name="ended"/> says the reader has nothing after this run.
    /// </summary>
    public bool Fill(TraceReader reader, EventBatch scratch, CancellationToken token, out bool ended, out Exception? failed)
    {
        var events = Shared.Events;
        _starts.Clear();
        failed = null;
        ended = false;
        if (!Read(reader, events, token))
        {
            ended = true;
            return false;
        }
        _starts.Add(0);
        while (events.Count < MinEvents)
        {
            try
            {
                if (!Read(reader, scratch, token))
                {
                    ended = true;
                    break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = e;
                ended = true;
                break;
            }
            _starts.Add(events.Count);
            events.AppendColumns(scratch);
        }
        return true;
    }

    static bool Read(TraceReader reader, EventBatch batch, CancellationToken token)
    {
        var read = reader.ReadBatchAsync(batch, token);
        return read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// The engine's <paramref name="refusal"/> of an event of this batch, whose first chunk is number
    /// <paramref name="firstChunk"/>, as one chunk at a time would report it: the check's error for the first event it
    /// refuses in the chunks up to the refused event's (the one <c>info</c> and <c>dump</c> give), else the engine's,
    /// named by the refused event's chunk.
    /// </summary>
    public TraceEventException Locate(TraceEventCheck check, ReplayInputException refusal, long firstChunk)
    {
        var events = Shared.Events;
        for (int k = 0; k < _starts.Count; k++)
        {
            int start = _starts[k], end = k + 1 < _starts.Count ? _starts[k + 1] : events.Count;
            check.Check(events, start, end - start, firstChunk + k);
            if (refusal.EventIndex < events.FirstIndex + end) return check.Locate(refusal, firstChunk + k);
        }
        return check.Locate(refusal, firstChunk + _starts.Count - 1);
    }
}
