using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The edge log's two queries (the publish of a stale store, and whether a release's own edge reached a reader)
/// against a scan of every logged edge from the store on, written here from the rule and kept in the log as the twin
/// the benchmark compares with (<c>FirstReachingByScan</c>, <c>ReleaseReachedByScan</c>: the same loops with the block summaries off): on random
/// logs of up to a few thousand edges (blocks whole, partial and in the tail), with compactions between queries
/// (which drop the summaries), receivers beyond the first few, and readers whose HB rows reach some receivers.
/// </summary>
[TestClass]
public sealed class EdgeLogQueryTests
{
    [TestMethod]
    [DataRow(1, 3)]
    [DataRow(2, 6)]
    [DataRow(3, 300)]
    public void Queries_RandomLogsAndCompactions_SameAsScanningEveryEdge(int seed, int receivers)
    {
        var rng = new Random(seed);
        int queries = 0, reached = 0, ownReached = 0;
        for (int round = 0; round < 60; round++)
        {
            var log = new HbState.EdgeLog();
            uint logged = 0;
            var lastReceiverTime = new uint[receivers];
            for (int step = 0; step < 12; step++)
            {
                // Release times nearly ascending with some far behind (a flag read long after later doorbells); each
                // receiver's times ascending, as acquires and doorbells log them, or at random.
                bool ordered = rng.Next(3) != 0;
                for (int i = 0, n = rng.Next(0, 700); i < n; i++)
                {
                    logged += (uint)rng.Next(0, 3);
                    uint release = (uint)Math.Max(1, (int)logged - (rng.Next(5) == 0 ? rng.Next(0, 2_000) : rng.Next(0, 3)));
                    int receiver = rng.Next(4) == 0 ? rng.Next(receivers) : rng.Next(Math.Min(3, receivers));
                    uint receiverTime = ordered ? lastReceiverTime[receiver] = Math.Max(lastReceiverTime[receiver], logged + 1) + (uint)rng.Next(0, 4)
                                                : (uint)rng.Next(1, (int)logged + 10);
                    log.Add(release, receiver, receiverTime, logged);
                }
                for (int q = 0; q < 40; q++)
                {
                    var (time, since, hb, reader, readerTime) = Query(rng, log, receivers, logged);
                    long first = log.FirstReaching(time, since, hb, 0, reader, readerTime);
                    Assert.AreEqual(ScanFirstReaching(log, time, since, hb, reader, readerTime), first, $"round {round} step {step} query {q}");
                    Assert.AreEqual(log.FirstReachingByScan(time, since, hb, 0, reader, readerTime), first, $"round {round} step {step} query {q}: the twin");
                    bool own = log.ReleaseReached(time, since, hb, 0, reader, readerTime);
                    Assert.AreEqual(ScanReleaseReached(log, time, since, hb, reader, readerTime), own, $"round {round} step {step} query {q}");
                    Assert.AreEqual(log.ReleaseReachedByScan(time, since, hb, 0, reader, readerTime), own, $"round {round} step {step} query {q}: the twin");
                    queries++;
                    if (first >= 0) reached++;
                    if (own) ownReached++;
                }
                if (rng.Next(3) == 0)
                {
                    var live = Enumerable.Range(0, rng.Next(0, 40)).Select(_ => (uint)rng.Next(1, (int)logged + 2)).Distinct().Order().ToArray();
                    log.Compact(live);
                }
            }
        }
        // Each query both found and missed its answer often (else the comparison says little).
        foreach (int yes in new[] { reached, ownReached })
        {
            Assert.IsGreaterThan(queries / 50, yes);
            Assert.IsLessThan(queries - queries / 50, yes);
        }
    }

    /// <summary>
    /// A store at a random time, or at a logged release's (so that its own edges count), with a reader whose HB row
    /// reaches part of the receivers' times.
    /// </summary>
    static (uint Time, long Since, uint[] Hb, int Reader, uint ReaderTime) Query(Random rng, HbState.EdgeLog log, int receivers, uint logged)
    {
        uint time = log.Count > 0 && rng.Next(2) == 0
            ? (uint)(log.EdgeAt(0, rng.Next(log.Count)).ReleaseIndex + 1)
            : (uint)rng.Next(1, (int)logged + 2);
        var hb = new uint[receivers];
        for (int r = 0; r < receivers; r++) hb[r] = rng.Next(3) == 0 ? 0 : (uint)rng.Next(0, (int)logged + 10);
        int reader = rng.Next(receivers);
        return (time, time - 1L, hb, reader, (uint)rng.Next(0, (int)logged + 10));
    }

    static IEnumerable<HbState.LoggedEdge> From(HbState.EdgeLog log, long since)
    {
        for (int i = log.PositionAt(since); i < log.Count; i++) yield return log.EdgeAt(0, i);
    }

    static bool Reaches(HbState.LoggedEdge e, uint[] hb, int reader, uint readerTime) =>
        e.Receiver == reader ? e.ReceiverTime <= readerTime : hb[e.Receiver] >= e.ReceiverTime;

    /// <summary>The least release time at or after <paramref name="time"/> whose edge reaches; the first logged on ties.</summary>
    static long ScanFirstReaching(HbState.EdgeLog log, uint time, long since, uint[] hb, int reader, uint readerTime)
    {
        long best = -1;
        foreach (var e in From(log, since))
            if (e.ReleaseIndex + 1 >= time && (best < 0 || e.ReleaseIndex < best) && Reaches(e, hb, reader, readerTime))
                best = e.ReleaseIndex;
        return best;
    }

    static bool ScanReleaseReached(HbState.EdgeLog log, uint time, long since, uint[] hb, int reader, uint readerTime) =>
        From(log, since).Any(e => e.ReleaseIndex + 1 == time && Reaches(e, hb, reader, readerTime));
}
