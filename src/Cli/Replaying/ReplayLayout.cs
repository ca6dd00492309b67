namespace TraceTools.Cli.Replaying;

/// <summary>
/// How <c>replay --threads N</c> runs the pipeline decode → replicas. N = 1: all of it on one thread. N ≥ 2:
/// chunks decode on a thread of their own (light: it mostly waits on the bounded queue), and N replay threads
/// (the caller's and N − 1 data shards). N = 2 with dma-race among other data detectors: the shard runs dma-race
/// alone over every event, the caller's every other detector. Otherwise each runs the hb stage over every event and
/// the data checks of the pages it owns; the caller's also runs the detectors that are not split by address
/// (entries, devices, firmware). <c>DetectorRegistry.CreateEngine</c> picks the split.
/// </summary>
/// <param name="DecodeThread">True when chunks are decoded on a thread of their own.</param>
/// <param name="DataShards">Data shards on threads of their own besides the replay thread (0: the data checks run on the replay thread).</param>
public readonly record struct ReplayLayout(bool DecodeThread, int DataShards)
{
    /// <summary>The layout for <c>--threads <paramref name="threads"/></c>.</summary>
    public static ReplayLayout For(int threads) => threads <= 1 ? new(false, 0) : new(true, threads - 1);

    /// <summary>
    /// Events a chunk holds on average below which the default (no <c>--threads</c>) replays on one thread. The decode
    /// thread merges small chunks into batches of thousands of events (<see cref="ChunkRun"/>), so they cross between
    /// threads no more often than large ones; but reading a chunk costs about as much whatever it holds, and with
    /// tiny chunks that is most of the work: two threads gain nothing (400,000 one-event chunks, every detector: 2.1–2.7
    /// s and 1.4–1.7 s of CPU either way).
    /// </summary>
    public const int MinEventsPerChunkForThreads = 256;

    /// <summary>
    /// The layout when <c>--threads</c> is not given: two threads on a machine of <paramref name="cores"/> &gt; 1, unless the
    /// footer says the trace's <paramref name="chunks"/> hold fewer than <see cref="MinEventsPerChunkForThreads"/>
    /// of its <paramref name="events"/> on average (-1 each without a footer: two threads).
    /// </summary>
    public static ReplayLayout Default(int cores, long events, long chunks) =>
        For(cores > 1 && (chunks <= 0 || events >= chunks * MinEventsPerChunkForThreads) ? 2 : 1);
}
