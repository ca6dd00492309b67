using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Detection;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// dma-race's escalated columns (per agent, the latest access of each byte, in blocks allocated on first write)
/// against the dense per-agent, per-byte arrays they replace: the same racing access for every query, under a
/// fixed-seed fuzz of runs within and across blocks; and memory that follows the bytes touched, not the page or
/// the trace's agents.
/// </summary>
[TestClass]
public sealed class SharedAccessesTests
{
    const int Page = 4096, Agents = 6;

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void SharedAccesses_RandomRuns_SameAsDenseTimesPerAgent(int seed)
    {
        var rng = new Random(seed);
        var shared = new SharedAccesses();
        var model = new uint[4, Agents, Page];
        var known = new uint[Agents, Agents];
        uint time = 0;
        for (int c = 0; c < 4; c++) shared.Escalate((AccessColumn)c);
        for (int step = 0; step < 4000; step++)
        {
            int column = rng.Next(4), agent = rng.Next(Agents);
            var (off, end) = RandomRun(rng);
            if (rng.Next(2) == 0)
            {
                time++;
                shared.Record((AccessColumn)column, agent, off, end - off, time);
                for (int k = off; k < end; k++) model[column, agent, k] = time;
                continue;
            }
            // What each agent knows of the others moves up and down at random; its own accesses it always knows.
            for (int a = 0; a < Agents; a++)
                for (int b = 0; b < Agents; b++) known[a, b] = a == b ? uint.MaxValue : (uint)rng.Next((int)time + 1);
            long other = rng.Next(3) == 0 ? rng.Next((int)time + 1) - 1 : -1;
            long expected = other;
            for (int b = 0; b < Agents; b++)
                for (int k = off; k < end; k++)
                {
                    uint t = model[column, b, k];
                    if (t > known[agent, b] && (long)t - 1 > expected) expected = (long)t - 1;
                }
            Assert.AreEqual(expected, shared.LatestRacing((AccessColumn)column, off, end, new RaceWordsTests.Known(known), agent, other),
                $"step {step}: column {column}, agent {agent}, [{off}, {end})");
        }
    }

    [TestMethod]
    public void SharedAccesses_TwoOfManyAgentsOnOneWord_HoldTwoBlocks()
    {
        var shared = new SharedAccesses();
        shared.Escalate(AccessColumn.CpuWrite);
        shared.Record(AccessColumn.CpuWrite, 3, 0x800, 2, 10);
        shared.Record(AccessColumn.CpuWrite, 4000, 0x802, 2, 11);
        var known = new uint[4096, 4096];
        // Agent 0 knows nothing: agent 3's store (time 10, trace index 9) races with a read of its bytes.
        // Per agent one 64-byte block of times and its index (four references and indices): about 600 bytes, not
        // 16 KiB per agent of the trace (64 MiB for 4,096 agents) as a dense array per agent was, nor the 1.5 KiB
        // of a table of the page's 64 blocks per agent.
        Assert.AreEqual(2 * (4 * 9 + 64 * 4L), shared.Footprint);
        Assert.AreEqual(9L, shared.LatestRacing(AccessColumn.CpuWrite, 0x7f8, 0x802, new RaceWordsTests.Known(known), 0, -1));
        // The whole word: agent 4000's store (time 11) is the more recent of the two.
        Assert.AreEqual(10L, shared.LatestRacing(AccessColumn.CpuWrite, 0x800, 0x808, new RaceWordsTests.Known(known), 0, -1));
        Assert.AreEqual(-1L, shared.LatestRacing(AccessColumn.CpuWrite, 0x804, 0x900, new RaceWordsTests.Known(known), 0, -1));
    }

    [TestMethod]
    public void SharedAccesses_FifthBlock_TakesTheTableAndKeepsTheFirstFour()
    {
        var shared = new SharedAccesses();
        shared.Escalate(AccessColumn.DevWrite);
        var known = new uint[8, 8];
        for (int b = 0; b < 5; b++)
        {
            shared.Record(AccessColumn.DevWrite, 2, b * 640, 4, (uint)(10 + b));
            long expected = b < 4 ? 4 * 9 + 4 * 64 * (b + 1) : 64 * 8 + 4 * 64 * 5;
            Assert.AreEqual(expected, shared.Footprint, $"after block {b * 10}");
        }
        for (int b = 0; b < 5; b++)
        {
            Assert.AreEqual(9L + b, shared.LatestRacing(AccessColumn.DevWrite, b * 640, b * 640 + 4, new RaceWordsTests.Known(known), 0, -1), $"block {b * 10}");
            Assert.AreEqual(-1L, shared.LatestRacing(AccessColumn.DevWrite, b * 640 + 4, b * 640 + 64, new RaceWordsTests.Known(known), 0, -1), $"rest of block {b * 10}");
        }
        Assert.AreEqual(13L, shared.LatestRacing(AccessColumn.DevWrite, 0, Page, new RaceWordsTests.Known(known), 0, -1), "the page: the latest");
    }

    static (int Off, int End) RandomRun(Random rng)
    {
        if (rng.Next(50) == 0) return (0, Page);
        int len = rng.Next(4) switch { 0 => 1, 1 => 8, 2 => rng.Next(1, 140), _ => rng.Next(1, 700) };
        // Mostly a few hot blocks, so runs overlap and cross block edges.
        int off = rng.Next(3) == 0 ? rng.Next(Page) : 40 + rng.Next(200);
        return (off, Math.Min(Page, off + len));
    }
}
