using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Detection;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// SharedAccesses (escalated dma-race columns, the first four blocks of an agent kept by index, the table past
/// them) against dense per-agent per-byte times, where the sparse form is at its edges: many agents on one page
/// (up to 160, ids far beyond any small table), agents past the fifth block up to all 64, runs crossing block
/// edges and ending at the page's end, one-byte queries at block edges, escalation repeated, and the footprint
/// recomputed from the blocks touched.
/// </summary>
[TestClass]
public sealed class SharedAccessesAdversarialTests
{
    const int Page = 4096, BlockBytes = 64;

    /// <summary>What each agent knows of the others, by agent id (sparse ids: no dense matrix).</summary>
    readonly struct Knows(Dictionary<(int, int), uint> times) : IHbTimes
    {
        public uint TimeOf(int agent, int other) => agent == other ? uint.MaxValue : times.GetValueOrDefault((agent, other));
    }

    static (int Off, int End) Run(Random rng)
    {
        switch (rng.Next(8))
        {
            case 0: return (0, Page);
            case 1: { int e = Page - rng.Next(0, 130); return (Math.Max(0, e - rng.Next(1, 200)), e); } // ends at or near the page's end
            case 2: { int b = rng.Next(1, 64) * BlockBytes; return (b - rng.Next(1, 9), Math.Min(Page, b + rng.Next(1, 9))); } // crosses one edge
            case 3: { int b = rng.Next(64) * BlockBytes; return (b, b + BlockBytes); } // exactly one block
            case 4: { int o = rng.Next(Page); return (o, o + 1); }
            case 5: { int o = rng.Next(Page - 1); return (o, Math.Min(Page, o + rng.Next(1, 1500))); } // many blocks
            case 6: { int b = rng.Next(64) * BlockBytes + BlockBytes - 1; return (b, Math.Min(Page, b + 2)); } // last byte of a block (and the next)
            default: { int o = 40 + rng.Next(200); return (o, o + rng.Next(1, 90)); }
        }
    }

    [TestMethod]
    [DataRow(11, 3, 6000)]
    [DataRow(12, 9, 6000)]
    [DataRow(13, 40, 6000)]
    [DataRow(14, 160, 4000)]
    [DataRow(15, 160, 4000)]
    public void SharedAccesses_ManyAgentsBlocksAndEdges_SameAsDenseTimes(int seed, int agentCount, int steps)
    {
        var rng = new Random(seed);
        // Agent ids: a few small, the rest far beyond any table of 64 or 256 (trace agents number in thousands).
        var ids = Enumerable.Range(0, agentCount).Select(i => i < 3 ? i : 1000 + i * 37 + rng.Next(30)).ToArray();
        var shared = new SharedAccesses();
        var model = new Dictionary<int, uint[]>[4];
        for (int c = 0; c < 4; c++) model[c] = [];
        var knows = new Dictionary<(int, int), uint>();
        var escalated = new bool[4];
        uint time = 0;
        for (int step = 0; step < steps; step++)
        {
            int column = rng.Next(4);
            if (!escalated[column] || rng.Next(200) == 0)
            {
                shared.Escalate((AccessColumn)column); // again: must keep what it holds
                escalated[column] = true;
            }
            // Most steps on a few agents (so some pass the fifth block and fill the page), the rest spread.
            int agent = ids[rng.Next(3) == 0 ? rng.Next(ids.Length) : rng.Next(Math.Min(4, ids.Length))];
            var (off, end) = Run(rng);
            if (rng.Next(5) < 3)
            {
                time++;
                shared.Record((AccessColumn)column, agent, off, end - off, time);
                if (!model[column].TryGetValue(agent, out var bytes)) model[column][agent] = bytes = new uint[Page];
                bytes.AsSpan(off, end - off).Fill(time);
                continue;
            }
            knows.Clear();
            foreach (int b in ids)
                if (rng.Next(3) != 0) knows[(agent, b)] = (uint)rng.Next((int)time + 1);
            var hb = new Knows(knows);
            long other = rng.Next(3) == 0 ? rng.Next((int)time + 1) - 1 : -1;
            long expected = other;
            foreach (var (b, bytes) in model[column])
            {
                uint k = hb.TimeOf(agent, b);
                for (int x = off; x < end; x++)
                    if (bytes[x] > k && (long)bytes[x] - 1 > expected) expected = (long)bytes[x] - 1;
            }
            long actual = escalated[column] ? shared.LatestRacing((AccessColumn)column, off, end, hb, agent, other) : other;
            Assert.AreEqual(expected, actual, $"seed {seed} step {step}: column {column}, agent {agent}, [{off}, {end})");
            // Single bytes either side of each block edge the range crosses.
            for (int edge = (off / BlockBytes + 1) * BlockBytes; edge < end && edge < Page; edge += BlockBytes)
                foreach (int x in new[] { edge - 1, edge })
                {
                    long e1 = -1;
                    foreach (var (b, bytes) in model[column])
                        if (bytes[x] > hb.TimeOf(agent, b) && (long)bytes[x] - 1 > e1) e1 = (long)bytes[x] - 1;
                    Assert.AreEqual(e1, shared.LatestRacing((AccessColumn)column, x, x + 1, hb, agent, -1), $"seed {seed} step {step}: byte {x}");
                }
        }
        // Every agent's times, whole page, by column: each agent alone (others all known).
        for (int c = 0; c < 4; c++)
            foreach (var (a, bytes) in model[c])
            {
                var onlyA = new Dictionary<(int, int), uint>();
                foreach (int b in ids) if (b != a) onlyA[(ids[0] == a ? ids[1] : ids[0], b)] = uint.MaxValue;
                int asker = ids[0] == a ? ids[1] : ids[0];
                for (int x = 0; x < Page; x += 1 + rng.Next(7))
                    Assert.AreEqual((long)bytes[x] - 1, shared.LatestRacing((AccessColumn)c, x, x + 1, new Knows(onlyA), asker, -1), $"column {c}, agent {a}, byte {x}");
            }
        // Footprint: per agent and column, the 64-byte blocks it touched (256 bytes each) and its index (4 x 9 bytes up
        // to four blocks, a table of 64 references past them).
        long footprint = 0;
        int fullPages = 0;
        for (int c = 0; c < 4; c++)
            foreach (var (_, bytes) in model[c])
            {
                int blocks = 0;
                for (int b = 0; b < Page / BlockBytes; b++)
                    if (bytes.AsSpan(b * BlockBytes, BlockBytes).IndexOfAnyExcept(0u) >= 0) blocks++;
                footprint += (blocks <= 4 ? 36 : 512) + 256L * blocks;
                if (blocks == 64) fullPages++;
            }
        Assert.AreEqual(footprint, shared.Footprint, "footprint from the blocks touched");
        Assert.IsGreaterThan(0, fullPages, "some agent touched all 64 blocks");
    }

    [TestMethod]
    public void SharedAccesses_FourBlocksThenTable_EveryOrderOfEdgesKept()
    {
        // Records at the last byte of blocks 63, 0, 62, 1, 31, 32 (all but the first also cover the next block's first
        // byte): blocks 63, 0, 1, 62 are kept by index, block 2 (fourth record) moves them to the table.
        var shared = new SharedAccesses();
        shared.Escalate(AccessColumn.CpuRead);
        int[] order = [63, 0, 62, 1, 31, 32];
        for (int i = 0; i < order.Length; i++)
        {
            int b = order[i];
            shared.Record(AccessColumn.CpuRead, 5000, b * 64 + 63, b == 63 ? 1 : 2, (uint)(i + 1)); // last byte (and the next block's first)
        }
        var hb = new Knows([]);
        Assert.AreEqual(0L, shared.LatestRacing(AccessColumn.CpuRead, Page - 1, Page, hb, 1, -1), "block 63's last byte");
        Assert.AreEqual(1L, shared.LatestRacing(AccessColumn.CpuRead, 64, 65, hb, 1, -1), "block 1's first byte (second record)");
        Assert.AreEqual(3L, shared.LatestRacing(AccessColumn.CpuRead, 127, 128, hb, 1, -1), "block 1's last byte");
        Assert.AreEqual(4L, shared.LatestRacing(AccessColumn.CpuRead, 32 * 64, 32 * 64 + 1, hb, 1, -1), "block 32's first byte (fifth record)");
        Assert.AreEqual(5L, shared.LatestRacing(AccessColumn.CpuRead, 32 * 64 + 63, 33 * 64 + 1, hb, 1, -1), "sixth record, across 32/33");
        Assert.AreEqual(-1L, shared.LatestRacing(AccessColumn.CpuRead, 0, 63, hb, 1, -1), "block 0 below its last byte");
    }
}
