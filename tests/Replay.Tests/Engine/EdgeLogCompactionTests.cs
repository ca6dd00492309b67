using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Edge-log compaction (one least release time per receiver and live interval) against the rule it implements, written
/// out as first stated: an entry goes when no live store precedes it, or when an earlier kept-or-dropped entry to the
/// same receiver has a release time between the latest live store before it and its own.
/// </summary>
[TestClass]
public sealed class EdgeLogCompactionTests
{
    [TestMethod]
    public void Compact_RandomLogs_KeepsWhatTheRuleKeeps()
    {
        var rng = new Random(41);
        for (int round = 0; round < 400; round++)
        {
            var log = new HbState.EdgeLog();
            int receivers = rng.Next(1, 6), span = rng.Next(20, 400);
            uint logged = 0;
            for (int i = 0, n = rng.Next(0, 300); i < n; i++)
            {
                // Nearly ascending release times (a flag read long after later doorbells), some far behind.
                uint release = (uint)Math.Max(1, i * span / 300 + (rng.Next(4) == 0 ? -rng.Next(0, span / 2) : rng.Next(0, 3)));
                logged += (uint)rng.Next(0, 3);
                log.Add(release, rng.Next(receivers), logged + 1, logged);
            }
            var before = log.Entries().ToList();
            var live = Enumerable.Range(0, rng.Next(0, 30)).Select(_ => (uint)rng.Next(1, span)).Distinct().Order().ToArray();
            log.Compact(live);
            CollectionAssert.AreEqual(Reference(before, live), log.Entries().ToList(), $"round {round}: live [{string.Join(",", live)}]");
        }
    }

    [TestMethod]
    public void Compact_SameIntervalLaterAndEarlierTimes_KeepsEachNewLeast()
    {
        var log = new HbState.EdgeLog();
        // Live stores at 10 and 20, one receiver: 15 kept; 17 dropped (15 lies in [10, 17]); 12 kept (nothing seen in
        // [10, 12]); 25 kept (the next interval); 14 dropped (12); 9 dropped (no live store at or before it); 11 kept.
        uint[] releases = [15, 17, 12, 25, 14, 9, 11];
        for (int i = 0; i < releases.Length; i++) log.Add(releases[i], 1, (uint)i + 1, i);
        log.Compact([10, 20]);
        CollectionAssert.AreEqual(new[] { 15u, 12u, 25u, 11u }, log.Entries().Select(e => e.ReleaseTime).ToArray());
    }

    /// <summary>
    /// Receivers reading a run of releases again and again (loads of a sync region each byte of which another store
    /// released), each round ascending over many live intervals, some rounds skipping or repeating a few: the search
    /// for an entry's interval takes the one after the receiver's last, and must land on the rule's.
    /// </summary>
    [TestMethod]
    public void Compact_RoundsOverManyIntervals_KeepsWhatTheRuleKeeps()
    {
        var rng = new Random(43);
        for (int round = 0; round < 60; round++)
        {
            var log = new HbState.EdgeLog();
            int receivers = rng.Next(1, 4), run = rng.Next(8, 200);
            var live = Enumerable.Range(1, run).Where(_ => rng.Next(4) != 0).Select(t => (uint)(2 * t)).ToArray();
            uint logged = 0;
            for (int pass = 0, passes = rng.Next(1, 6); pass < passes; pass++)
            {
                int receiver = rng.Next(receivers);
                for (int t = 1; t <= 2 * run + 1; t++)
                {
                    if (rng.Next(10) == 0) continue;
                    uint release = (uint)(rng.Next(12) == 0 ? rng.Next(1, 2 * run + 2) : t);
                    log.Add(release, rng.Next(8) == 0 ? rng.Next(receivers) : receiver, ++logged, logged);
                }
            }
            var before = log.Entries().ToList();
            log.Compact(live);
            CollectionAssert.AreEqual(Reference(before, live), log.Entries().ToList(), $"round {round}");
        }
    }

    /// <summary>The rule with every distinct release time seen per receiver (the compaction before intervals).</summary>
    static List<(uint ReleaseTime, int Receiver)> Reference(List<(uint ReleaseTime, int Receiver)> entries, uint[] live)
    {
        var kept = new List<(uint, int)>();
        var seen = new Dictionary<int, List<uint>>();
        foreach (var (t, receiver) in entries)
        {
            int at = Array.FindLastIndex(live, s => s <= t);
            if (at < 0) continue;
            var times = seen.TryGetValue(receiver, out var list) ? list : seen[receiver] = [];
            bool dominated = times.Any(t0 => t0 >= live[at] && t0 <= t);
            times.Add(t);
            if (!dominated) kept.Add((t, receiver));
        }
        return kept;
    }
}
