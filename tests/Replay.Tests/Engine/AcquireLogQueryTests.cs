using TraceTools.Replay.HappensBefore;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The acquire log's query (the <c>acquire</c> a stale-cpu-read names: the first plain acquire whose raise of the
/// device's HB component reached the write) by per-device binary search, against a scan from the log's start (the
/// code before, kept as <c>FirstReachingByScan</c>) and a list written here: on random logs whose per-device values
/// rise, as acquires raise them, with prunes by random LOADS rows and the cap's drop of the oldest half between queries.
/// </summary>
[TestClass]
public sealed class AcquireLogQueryTests
{
    [TestMethod]
    [DataRow(1, 2, 300, 40)]
    [DataRow(2, 7, 3_000, 40)]
    [DataRow(3, 40, 3 * HbState.AcquireLog.Cap, 20_000)]
    public void FirstReaching_RandomLogsPrunesAndCap_SameAsScanning(int seed, int devices, int adds, int pruneEvery)
    {
        var rng = new Random(seed);
        var log = new HbState.AcquireLog();
        var mirror = new List<(int Device, uint Value, long Index)>();
        var hb = new uint[devices];
        var loads = new uint[devices];
        int queries = 0, found = 0, capDrops = 0;
        long index = 0;
        for (int added = 0; added < adds;)
        {
            // An acquire raises one or a few devices' components; each entry holds the raised value.
            index += rng.Next(1, 4);
            for (int d = 0, n = rng.Next(1, 3); d < n; d++, added++)
            {
                int device = rng.Next(devices);
                hb[device] += (uint)rng.Next(1, 6);
                log.Add(device, hb[device], index);
                if (mirror.Count == HbState.AcquireLog.Cap)
                {
                    mirror.RemoveRange(0, HbState.AcquireLog.Cap / 2);
                    capDrops++;
                }
                mirror.Add((device, hb[device], index));
            }
            if (rng.Next(8) == 0)
            {
                int device = rng.Next(devices);
                uint time = (uint)rng.Next(1, (int)(hb[device] + hb[device] / 4) + 3); // a fifth or so beyond every entry
                int at = mirror.FindIndex(e => e.Device == device && e.Value >= time);
                long expected = at < 0 ? -1 : mirror[at].Index;
                long first = log.FirstReaching(device, time);
                Assert.AreEqual(expected, first, $"after {added} adds: device {device}, time {time}");
                Assert.AreEqual(log.FirstReachingByScan(device, time), first, $"after {added} adds: the twin");
                queries++;
                if (first >= 0) found++;
            }
            if (rng.Next(pruneEvery) == 0)
            {
                // A fold: LOADS catches up with part of HB.
                for (int d = 0; d < devices; d++) loads[d] = Math.Max(loads[d], (uint)rng.Next(0, (int)hb[d] + 1));
                log.Prune(loads);
                mirror.RemoveAll(e => e.Value <= loads[e.Device]);
            }
            Assert.AreEqual(mirror.Count, log.Count);
        }
        Assert.IsGreaterThan(queries / 10, found);
        Assert.IsLessThan(queries - queries / 10, found);
        if (adds > 2 * HbState.AcquireLog.Cap) Assert.IsGreaterThan(0, capDrops, "the cap dropped the oldest half");
    }
}
