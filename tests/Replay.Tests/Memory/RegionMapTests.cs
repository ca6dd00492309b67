using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// RegionMap.Find (the page-line cache, the neighbour step for pages regions share, the search) against a
/// linear scan with <see cref="RegionInfo.Contains"/>: regions packed several to a page, spread over pages
/// that share cache lines, up to the top of the address space; accesses at and across region edges, of size
/// 0 and negative, repeated so every path runs hot and cold.
/// </summary>
[TestClass]
public sealed class RegionMapTests
{
    static RegionInfo Region(int i, ulong @base, ulong size) => new()
    {
        Name = $"r{i}",
        Kind = (RegionKind)(i % 4 == 3 ? 2 : i % 3),
        Base = @base,
        Size = size,
    };

    /// <summary>Non-overlapping regions: small ones packed into shared pages, large ones, gaps, some 2^22 pages apart (same cache line).</summary>
    static List<RegionInfo> Regions(Random rng)
    {
        var regions = new List<RegionInfo>();
        ulong at = (ulong)rng.Next(0, 4) << 12;
        for (int i = 0; i < 40; i++)
        {
            ulong size = rng.Next(4) switch { 0 => (ulong)rng.Next(1, 65), 1 => (ulong)rng.Next(64, 4096), 2 => 4096UL << rng.Next(0, 4), _ => 1 };
            regions.Add(Region(i, at, size));
            at += size + (rng.Next(3) == 0 ? 0UL : (ulong)rng.Next(0, 3) * (1UL << (rng.Next(2) == 0 ? 6 : 22)));
        }
        regions.Add(Region(40, ulong.MaxValue - 0x1fff, 0x1fff)); // ends at 2^64 - 1
        return regions;
    }

    static int Linear(List<RegionInfo> regions, ulong address, int size)
    {
        if (size <= 0) return -1;
        for (int i = 0; i < regions.Count; i++) if (regions[i].Contains(address, (ulong)size)) return i;
        return -1;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void Find_RandomAccesses_AgreesWithLinearScan(int seed)
    {
        var rng = new Random(seed);
        var regions = Regions(rng);
        var map = new RegionMap(regions);
        for (int n = 0; n < 200_000; n++)
        {
            var r = regions[rng.Next(regions.Count)];
            ulong address = rng.Next(4) switch
            {
                0 => r.Base + (ulong)rng.NextInt64(0, (long)Math.Min(r.Size, 1UL << 40)),
                1 => r.Base - (ulong)rng.Next(0, 16),
                2 => r.End - (ulong)rng.Next(0, 16),
                _ => (ulong)rng.NextInt64() << rng.Next(0, 2),
            };
            int size = rng.Next(8) switch { 0 => rng.Next(-2, 1), 1 => rng.Next(1, 10_000), _ => 1 << rng.Next(0, 4) };

            int expected = Linear(regions, address, size);
            int found = map.Find(address, size, out var kind);

            Assert.AreEqual(expected, found, $"0x{address:x} size {size}");
            Assert.AreEqual(expected, map.Search(address, size), $"search 0x{address:x} size {size}");
            if (found >= 0) Assert.AreEqual(regions[found].Kind, kind);
        }
    }

    [TestMethod]
    public void Find_PageSharedByRegions_AlternatingAccessesFindEach()
    {
        // nvme_cq and ring_idx of the driver mix: two regions in one page, used turn by turn.
        var regions = new List<RegionInfo> { Region(0, 0x1000_4000, 0x400), Region(1, 0x1000_4400, 0x40), Region(2, 0x1000_4440, 8) };
        var map = new RegionMap(regions);
        for (int n = 0; n < 10; n++)
        {
            Assert.AreEqual(0, map.Find(0x1000_4000 + (ulong)n * 8, 8, out _));
            Assert.AreEqual(1, map.Find(0x1000_4400 + (ulong)n * 4, 4, out _));
            Assert.AreEqual(2, map.Find(0x1000_4440, 8, out _));
            Assert.AreEqual(-1, map.Find(0x1000_4448, 1, out _), "past the last region of the page");
            Assert.AreEqual(-1, map.Find(0x1000_43fc, 8, out _), "across two regions");
        }
    }
}
