namespace TraceTools.Cli.Replaying;

/// <summary>
/// How <c>replay --threads N</c> runs the pipeline decode → hb → data shards. N = 1: all of it on one thread.
/// N ≥ 2: chunks decode on a thread of their own (light: it mostly waits on the bounded queue), the hb stage
/// and the detectors that need more than their agent's HB run on the replay thread, and N − 1 data shards
/// (dma-race's FastTrack check, partitioned by page) each on a thread of its own.
/// </summary>
/// <param name="DecodeThread">True when chunks are decoded on a thread of their own.</param>
/// <param name="DataShards">Data shards on threads of their own (0: the data checks run on the replay thread).</param>
public readonly record struct ReplayLayout(bool DecodeThread, int DataShards)
{
    /// <summary>The layout for <c>--threads <paramref name="threads"/></c>.</summary>
    public static ReplayLayout For(int threads) => threads <= 1 ? new(false, 0) : new(true, threads - 1);
}
