using TraceTools.TraceFormat;

namespace TraceTools.TraceFormat.Tests;

/// <summary>The binary search over sorted bases finds what a linear search over the declared regions finds.</summary>
[TestClass]
public sealed class RegionsByAddressTests
{
    // Declared out of base order, with gaps and a region ending at the top of the address space.
    static readonly RegionInfo[] Regions =
    [
        new() { Name = "late", Kind = RegionKind.Ram, Base = 0x3000, Size = 0x100 },
        new() { Name = "regs", Kind = RegionKind.Mmio, Base = 0x1000, Size = 0x10 },
        new() { Name = "top", Kind = RegionKind.Ram, Base = ulong.MaxValue - 0xf, Size = 0x10 },
    ];

    [TestMethod]
    [DataRow(0x0UL, -1)]
    [DataRow(0xfffUL, -1)]
    [DataRow(0x1000UL, 1)]
    [DataRow(0x100fUL, 1)]
    [DataRow(0x1010UL, -1)]
    [DataRow(0x2000UL, -1)]
    [DataRow(0x3000UL, 0)]
    [DataRow(0x30ffUL, 0)]
    [DataRow(0x3100UL, -1)]
    [DataRow(ulong.MaxValue - 0x10, -1)]
    [DataRow(ulong.MaxValue, 2)]
    public void IdAt_Edges_IndexInTheDeclaredOrder(ulong address, int expected)
    {
        var byAddress = new RegionsByAddress(Regions);

        Assert.AreEqual(expected, byAddress.IdAt(address));
        Assert.AreSame(expected < 0 ? null : Regions[expected], byAddress.At(address));
    }

    [TestMethod]
    public void IdAt_FixedSeedFuzz_MatchesTheLinearSearch()
    {
        var rng = new Random(12);
        for (int round = 0; round < 50; round++)
        {
            var regions = new List<RegionInfo>();
            ulong next = (ulong)rng.Next(0, 64);
            for (int n = rng.Next(0, 8); n > 0; n--)
            {
                ulong size = (ulong)rng.Next(1, 32);
                regions.Add(new RegionInfo { Name = $"r{n}", Kind = RegionKind.Ram, Base = next, Size = size });
                next += size + (ulong)rng.Next(0, 16);
            }
            var shuffled = regions.ToArray();
            rng.Shuffle(shuffled);
            regions = [.. shuffled];
            var byAddress = new RegionsByAddress(regions);
            for (ulong a = 0; a < next + 4; a++)
            {
                int linear = regions.FindIndex(r => r.Contains(a, 1));
                Assert.AreEqual(linear, byAddress.IdAt(a), $"round {round}, address 0x{a:x}");
            }
        }
    }

    /// <summary>The metadata's own lookup (its index made at the first call) is the linear search too, edges included.</summary>
    [TestMethod]
    public void RegionAt_EveryAddressAroundTheRegions_SameAsTheLinearSearch()
    {
        var md = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new AgentInfo("cpu0", AgentKind.Cpu)],
            Regions = Regions,
        };
        var addresses = Regions.SelectMany(r => new[] { r.Base - 1, r.Base, r.Base + r.Size - 1, r.Base + r.Size })
            .Concat([0UL, 0x2000UL, ulong.MaxValue]);
        foreach (ulong a in addresses)
            Assert.AreSame(Regions.FirstOrDefault(r => r.Contains(a, 1)), md.RegionAt(a), $"0x{a:x}");
    }
}
