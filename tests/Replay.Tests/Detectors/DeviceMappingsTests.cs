using TraceTools.Detectors.DmaOutsideMapping;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// dma-outside-mapping's mapping store (an interval tree) against the list it replaced: the same answers on
/// random map/unmap/access sequences, and a cost that follows the tree's depth, not the number of live mappings.
/// </summary>
[TestClass]
public sealed class DeviceMappingsTests
{
    /// <summary>The previous implementation, kept as the model: live mappings in map order, scanned per question.</summary>
    sealed class ListModel
    {
        readonly List<(ulong Address, ulong End, DmaDirection Direction, long MappedAt)> _live = [];
        readonly Dictionary<(ulong, ulong), long> _unmappedAt = [];

        public void Map(ulong address, int size, DmaDirection direction, long index) =>
            _live.Add((address, address + (ulong)size, direction, index));

        public void Unmap(ulong address, int size, long index)
        {
            ulong end = address + (ulong)size;
            int i = _live.FindIndex(m => m.Address == address && m.End == end);
            if (i < 0) return;
            _live.RemoveAt(i);
            _unmappedAt[(address, end)] = index;
        }

        public bool FirstUncovered(ulong address, ulong end, bool write, out ulong failing)
        {
            for (ulong cursor = address; cursor < end;)
            {
                ulong next = cursor;
                foreach (var m in _live)
                    if (m.Address <= cursor && cursor < m.End && m.End > next && MappingTree.Permits(m.Direction, write)) next = m.End;
                if (next == cursor)
                {
                    failing = cursor;
                    return true;
                }
                cursor = next;
            }
            failing = 0;
            return false;
        }

        public long LiveMappingOf(ulong b) => _live.Where(m => m.Address <= b && b < m.End).Select(m => m.MappedAt).DefaultIfEmpty(-1).Max();

        public long UnmapOf(ulong b) =>
            _unmappedAt.Where(kv => kv.Key.Item1 <= b && b < kv.Key.Item2).Select(kv => kv.Value).DefaultIfEmpty(-1).Max();
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(2, 1)]
    [DataRow(3, 1)]
    [DataRow(4, 1)]
    [DataRow(5, 1)]
    [DataRow(6, 25)]
    [DataRow(7, 25)]
    public void Answers_RandomMapUnmapAccess_SameAsTheListModel(int seed, int unmapQueryEvery)
    {
        // Unmaps reach their tree when a finding asks (UnmapOf): asked rarely, many are moved at once.
        int accesses = 0;
        var rng = new Random(seed);
        var tree = new DeviceMappings();
        var model = new ListModel();
        var mapped = new List<(ulong Address, int Size)>();
        // Addresses in a small window so ranges overlap, nest and repeat; now and then one at the top of the
        // address space, whose end wraps (it covers nothing, in both).
        ulong Address() => rng.Next(40) == 0 ? ulong.MaxValue - (ulong)rng.Next(16) : 0x1000 + (ulong)rng.Next(64) * 8;
        for (long index = 0; index < 3000; index++)
        {
            int op = rng.Next(10);
            if (op < 3)
            {
                ulong a = Address();
                int size = rng.Next(6) * 8 + (rng.Next(4) == 0 ? rng.Next(8) : 0);
                var dir = (DmaDirection)rng.Next(3);
                tree.Map(a, size, dir, index);
                model.Map(a, size, dir, index);
                mapped.Add((a, size));
            }
            else if (op < 5)
            {
                var (a, size) = mapped.Count > 0 && rng.Next(4) != 0 ? mapped[rng.Next(mapped.Count)] : (Address(), rng.Next(40));
                tree.Unmap(a, size, index);
                model.Unmap(a, size, index);
            }
            else
            {
                ulong a = Address(), end = a + (ulong)rng.Next(1, 64);
                bool write = rng.Next(2) == 0;
                bool got = tree.FirstUncovered(a, end, write, out ulong b);
                bool expected = model.FirstUncovered(a, end, write, out ulong eb);
                Assert.AreEqual(expected, got, $"seed {seed} #{index}: uncovered in [0x{a:x}, 0x{end:x})");
                Assert.AreEqual(eb, b, $"seed {seed} #{index}: first failing byte");
                ulong probe = got ? b : a;
                Assert.AreEqual(model.LiveMappingOf(probe), tree.LiveMappingOf(probe), $"seed {seed} #{index}: live mapping of 0x{probe:x}");
                if (++accesses % unmapQueryEvery == 0)
                    Assert.AreEqual(model.UnmapOf(probe), tree.UnmapOf(probe), $"seed {seed} #{index}: unmap of 0x{probe:x}");
            }
        }
    }

    [TestMethod]
    public void Cost_RingMappedPageByPage_ProbesFollowTheTreeDepth()
    {
        // 100k live 4 KiB mappings in address order (the worst order for an unbalanced tree), then one device
        // read per page and one write per page (refused: to_device), then unmaps: a scan per access would
        // visit 10^10 mappings; the tree visits a few dozen nodes per operation.
        const int pages = 100_000;
        var mappings = new DeviceMappings();
        long index = 0;
        for (int p = 0; p < pages; p++) mappings.Map(0x1_0000_0000 + (ulong)p * 4096, 4096, DmaDirection.ToDevice, index++);
        for (int p = 0; p < pages; p++)
        {
            ulong a = 0x1_0000_0000 + (ulong)p * 4096;
            Assert.IsFalse(mappings.FirstUncovered(a, a + 64, write: false, out _));
            Assert.IsTrue(mappings.FirstUncovered(a, a + 64, write: true, out ulong b));
            Assert.AreEqual((long)p, mappings.LiveMappingOf(b));
        }
        for (int p = 0; p < pages; p++) mappings.Unmap(0x1_0000_0000 + (ulong)p * 4096, 4096, index++);
        ulong last = 0x1_0000_0000 + (pages - 1) * 4096UL;
        Assert.IsTrue(mappings.FirstUncovered(last, last + 8, write: false, out ulong gone));
        Assert.AreEqual(index - 1, mappings.UnmapOf(gone));

        long operations = 5L * pages + 2;
        Assert.AreEqual(pages, mappings.Ranges);
        Assert.IsLessThan(120 * operations, mappings.Probes, $"{mappings.Probes} probes for {operations} operations");
    }

    [TestMethod]
    public void Cost_BufferMappedPerRequest_LiveTreeStaysSmall()
    {
        // A driver that maps each request's buffer, lets the device read it and unmaps it: 100k distinct buffers
        // over time, one live at a time. The tree a check walks holds the live ranges only (it held every range
        // ever mapped, ~20 levels deep here), and the unmaps are only put in their tree when a finding asks.
        const int requests = 100_000;
        var mappings = new DeviceMappings();
        long index = 0;
        for (int r = 0; r < requests; r++)
        {
            ulong a = 0x1_0000_0000 + (ulong)r * 4096;
            mappings.Map(a, 256 + r % 7, DmaDirection.ToDevice, index++);
            Assert.IsFalse(mappings.FirstUncovered(a, a + 64, write: false, out _));
            mappings.Unmap(a, 256 + r % 7, index++);
        }
        Assert.IsLessThan(8L * 3 * requests, mappings.Probes, $"{mappings.Probes} probes for {3 * requests} operations");
        Assert.IsTrue(mappings.FirstUncovered(0x1_0000_0000, 0x1_0000_0008, write: false, out ulong gone));
        Assert.AreEqual(1L, mappings.UnmapOf(gone), "the first buffer's unmap");
        Assert.AreEqual(requests, mappings.Ranges, "every range once, in the unmaps' tree");
    }

    [TestMethod]
    public void Cost_OneBufferMappedAgainAndAgain_OneRangeAndFewProbes()
    {
        // A driver that leaks the mapping of one buffer on every request: one range with 100k live mappings.
        const int maps = 100_000;
        var mappings = new DeviceMappings();
        for (int i = 0; i < maps; i++)
        {
            mappings.Map(0x8000, 256, DmaDirection.ToDevice, 2 * i);
            Assert.IsTrue(mappings.FirstUncovered(0x8000, 0x8010, write: true, out ulong b));
            Assert.AreEqual(2L * i, mappings.LiveMappingOf(b));
        }
        Assert.AreEqual(1, mappings.Ranges);
        Assert.IsLessThan(20L * 3 * maps, mappings.Probes);
    }

    [TestMethod]
    public void Cost_OrderCraftedForTheOldFixedPriorities_NoChain()
    {
        // The tree once drew its priorities from xorshift32 seeded 0x2545F491 in every run. Giving the i-th new
        // range the address rank of the i-th priority (highest priority, lowest address) made that treap a chain:
        // each dma_map walked all earlier ranges (about n^2 probes). Per-tree random priorities keep it shallow.
        const int ranges = 3000;
        var priorities = new uint[ranges];
        uint x = 0x2545_F491;
        for (int i = 0; i < ranges; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            priorities[i] = x;
        }
        var byPriority = Enumerable.Range(0, ranges).OrderByDescending(i => priorities[i]).ToArray();
        var rank = new int[ranges];
        for (int r = 0; r < ranges; r++) rank[byPriority[r]] = r;

        var mappings = new DeviceMappings();
        for (int i = 0; i < ranges; i++) mappings.Map(0x1_0000_0000 + (ulong)rank[i] * 4096, 4096, DmaDirection.ToDevice, i);
        Assert.AreEqual(ranges, mappings.Ranges);
        Assert.AreEqual((long)byPriority[^1], mappings.LiveMappingOf(0x1_0000_0000 + (ranges - 1) * 4096UL + 8));
        Assert.IsLessThan(100L * ranges, mappings.Probes, $"{mappings.Probes} probes for {ranges} dma_maps");
    }
}
