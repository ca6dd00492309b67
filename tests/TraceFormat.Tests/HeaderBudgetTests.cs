using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// <see cref="HeaderBudget"/> against the writer's own encoding: what it counts item by item is the header's size
/// exactly (so the item it refuses is the one that goes over), and a header of exactly the cap is written and read.
/// </summary>
[TestClass]
public sealed class HeaderBudgetTests
{
    const int Max = TraceLimits.MaxHeaderBytes;

    static TraceMetadata Of(List<AgentInfo> agents, List<RegionInfo> regions, List<string> locks, List<string> sites) => new()
    {
        Name = "budget", Arch = Arch.Arm64, Agents = [.. agents], Regions = [.. regions], Locks = [.. locks], Sites = [.. sites],
    };

    static string Text(Random rng, string prefix)
    {
        // Multi-byte UTF-8 and lengths on both sides of a one-byte length varint (127 / 128 bytes).
        string[] pieces = ["a", "é", "→", "𝔸", "_z"];
        var text = new System.Text.StringBuilder(prefix);
        for (int n = rng.Next(0, 90); n > 0; n--) text.Append(pieces[rng.Next(pieces.Length)]);
        return text.ToString();
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void AddEachItem_UsedIsTheEncodedHeader_AcrossCountVarintSteps(int seed)
    {
        var rng = new Random(seed);
        List<AgentInfo> agents = [new("cpu0", AgentKind.Cpu)];
        List<RegionInfo> regions = [];
        List<string> locks = [], sites = [];
        var budget = HeaderBudget.Of(Of(agents, regions, locks, sites));
        // Counts pass 128 (sites, locks, regions) and 16,384 (sites), where a count's varint grows a byte.
        int[] checkAt = [0, 1, 126, 127, 128, 129, 300, 16_383, 16_384, 16_385, 16_400];
        for (int i = 0; i <= 16_400; i++)
        {
            string site = $"s{i}:" + Text(rng, "");
            Assert.IsNull(budget.SiteProblem(site));
            budget.AddSite(site);
            sites.Add(site);
            if (i < 200)
            {
                string name = "l" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + Text(rng, "");
                budget.AddLock(name);
                locks.Add(name);
                var agent = new AgentInfo($"d{i}", AgentKind.Device, Coherent: rng.Next(2) == 0);
                budget.AddAgent(agent);
                agents.Add(agent);
                ulong @base = ((ulong)i << 40) | (uint)rng.Next();
                var region = rng.Next(3) == 0
                    ? new RegionInfo
                    {
                        Name = $"t{i}", Kind = RegionKind.Table, Base = @base, Size = 0, Entries = (ulong)rng.Next(1, 300), EntrySize = 64, Granule = 8,
                        PresentBit = (uint)rng.Next(0, 512), Device = agents.Count - 1,
                    }
                    : new RegionInfo { Name = $"r{i}", Kind = (RegionKind)rng.Next(0, 3), Base = @base, Size = (ulong)rng.NextInt64(1, 1L << 40), Device = rng.Next(2) == 0 ? -1 : agents.Count - 1 };
                if (region.Kind == RegionKind.Table) region = region with { Size = region.Entries * region.EntrySize };
                else if (region.Kind != RegionKind.Mmio) region = region with { Device = -1 };
                budget.AddRegion(region);
                regions.Add(region);
            }
            if (Array.IndexOf(checkAt, i) >= 0)
                Assert.AreEqual(TraceLimits.HeaderBytes(Of(agents, regions, locks, sites)), budget.Used, $"after site {i}");
        }
    }

    [TestMethod]
    public void SiteAtTheCap_Fits_OneByteMoreIsRefused_AndTheHeaderAtTheCapIsWrittenAndRead()
    {
        // Sites of up to 4,000 bytes until 1,000 to 2,000 bytes are left, then one sized to end exactly at the cap.
        List<string> sites = [];
        var budget = HeaderBudget.Of(Of([new("cpu0", AgentKind.Cpu)], [], [], sites));
        while (Max - budget.Used > 2_000)
        {
            int n = (int)Math.Min(4_000, Max - budget.Used - 1_000);
            string s = sites.Count.ToString("d8", System.Globalization.CultureInfo.InvariantCulture) + new string('x', n - 8);
            budget.AddSite(s);
            sites.Add(s);
        }
        long left = Max - budget.Used;
        // A site of n bytes takes n + 2 here (a two-byte length; the count's varint grows only at 16,384 sites).
        string last = "z" + new string('y', (int)left - 3);
        string over = last + "!";

        Assert.IsNotNull(budget.SiteProblem(over));
        StringAssert.Contains(budget.SiteProblem(over), "16,777,216");
        Assert.IsNull(budget.SiteProblem(last));
        budget.AddSite(last);
        sites.Add(last);
        var metadata = Of([new("cpu0", AgentKind.Cpu)], [], [], sites);
        Assert.AreEqual((long)Max, budget.Used);
        Assert.AreEqual((long)Max, TraceLimits.HeaderBytes(metadata));

        var bytes = new MemoryStream();
        using (var writer = new TraceWriter(bytes, metadata)) writer.Complete();
        bytes.Position = 0;
        using var reader = TraceReader.Open(bytes, "cap.trace");
        Assert.AreEqual(sites.Count, reader.Metadata.Sites.Count);
        Assert.AreEqual(last, reader.Metadata.Sites[^1]);

        var tooBig = Of([new("cpu0", AgentKind.Cpu)], [], [], [.. sites[..^1], over]);
        Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), tooBig));
    }

    [TestMethod]
    [DataRow("site")]
    [DataRow("lock")]
    [DataRow("agent")]
    [DataRow("region")]
    public void ProblemAtTheCountsVarintStep_CountsTheByteTheCountGrowsBy(string kind)
    {
        // 16,383 sites or lock names (127 agents or regions beside 16,383 sites) that leave 1,000 bytes: the next item
        // takes its bytes and the byte its list's count grows by, so the one that ends the header at the cap (measured)
        // fits and one byte more does not.
        const int Fill = 16_383, Left = 1_000;
        List<AgentInfo> agents = [new("cpu0", AgentKind.Cpu), .. Enumerable.Range(1, kind == "agent" ? 126 : 0).Select(i => new AgentInfo($"d{i}", AgentKind.Device))];
        List<RegionInfo> regions = [.. Enumerable.Range(0, kind == "region" ? 127 : 0).Select(i => Region($"r{i}", i))];
        List<string> locks = [], sites = [];
        var budget = HeaderBudget.Of(Of(agents, regions, locks, sites));
        long room = Max - budget.Used - Left - 1 - Fill * 2L; // the fill's count varint grows a byte at 128 items
        for (int i = 0; i < Fill; i++)
        {
            int n = (int)(room / Fill) + (i < room % Fill ? 1 : 0);
            string item = i.ToString("d6", System.Globalization.CultureInfo.InvariantCulture) + new string('x', n - 6);
            if (kind == "lock") { budget.AddLock(item); locks.Add(item); }
            else { budget.AddSite(item); sites.Add(item); }
        }
        Assert.AreEqual(Max - Left, budget.Used);
        TraceMetadata With(int n) => kind switch
        {
            "site" => Of(agents, regions, locks, [.. sites, Name(n)]),
            "lock" => Of(agents, regions, [.. locks, Name(n)], sites),
            "agent" => Of([.. agents, new AgentInfo(Name(n), AgentKind.Device)], regions, locks, sites),
            _ => Of(agents, [.. regions, Region(Name(n), 127)], locks, sites),
        };
        string? Problem(int n) => kind switch
        {
            "site" => budget.SiteProblem(Name(n)),
            "lock" => budget.LockProblem(Name(n)),
            "agent" => budget.AgentProblem(new AgentInfo(Name(n), AgentKind.Device)),
            _ => budget.RegionProblem(Region(Name(n), 127)),
        };
        // Names of 128 bytes and more take a two-byte length: the bytes grow with the name.
        int fits = 128 + (int)(Max - TraceLimits.HeaderBytes(With(128)));

        Assert.AreEqual((long)Max, TraceLimits.HeaderBytes(With(fits)));
        Assert.IsNull(Problem(fits));
        Assert.IsNotNull(Problem(fits + 1));
    }

    static string Name(int bytes) => "z" + new string('y', bytes - 1);

    static RegionInfo Region(string name, int i) => new() { Name = name, Kind = RegionKind.Ram, Base = (ulong)i << 20, Size = 64 };

    [TestMethod]
    public void Of_AHeaderHoldingItems_EachListGrowsFromItsOwnCount()
    {
        // Counts one below a varint step (127 agents, 16,383 sites) beside counts at no step (128 regions, one lock):
        // a budget that took one list's count for another's would miss a byte, or count one too many, at the next item.
        List<AgentInfo> agents = [.. Enumerable.Range(0, 127).Select(i => new AgentInfo($"a{i}", i == 0 ? AgentKind.Cpu : AgentKind.Device))];
        List<RegionInfo> regions = [.. Enumerable.Range(0, 128).Select(i => new RegionInfo { Name = $"r{i}", Kind = RegionKind.Ram, Base = (ulong)i << 20, Size = 64 })];
        List<string> locks = ["l0"], sites = [.. Enumerable.Range(0, 16_383).Select(i => $"s{i}")];
        var budget = HeaderBudget.Of(Of(agents, regions, locks, sites));

        var agent = new AgentInfo("a127", AgentKind.Device);
        budget.AddAgent(agent);
        agents.Add(agent);
        Assert.AreEqual(TraceLimits.HeaderBytes(Of(agents, regions, locks, sites)), budget.Used, "agent 128");
        var region = new RegionInfo { Name = "r128", Kind = RegionKind.Ram, Base = 128UL << 20, Size = 64 };
        budget.AddRegion(region);
        regions.Add(region);
        Assert.AreEqual(TraceLimits.HeaderBytes(Of(agents, regions, locks, sites)), budget.Used, "region 129");
        budget.AddLock("l1");
        locks.Add("l1");
        Assert.AreEqual(TraceLimits.HeaderBytes(Of(agents, regions, locks, sites)), budget.Used, "lock 2");
        budget.AddSite("s16383");
        sites.Add("s16383");
        Assert.AreEqual(TraceLimits.HeaderBytes(Of(agents, regions, locks, sites)), budget.Used, "site 16,384");
    }

    [TestMethod]
    public void OfLayout_RoomForTheSectionSayingValuesWereNotRecorded_SixBytes()
    {
        var layout = Of([new("cpu0", AgentKind.Cpu), new("nic", AgentKind.Device)], [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 64 }], [], []);
        var unrecorded = new TraceMetadata { Name = layout.Name, Arch = layout.Arch, Agents = layout.Agents, Regions = layout.Regions, MemoryValuesRecorded = false };

        Assert.AreEqual(TraceLimits.HeaderBytes(unrecorded), HeaderBudget.OfLayout(layout).Used);
        Assert.AreEqual(TraceLimits.HeaderBytes(layout) + 6, HeaderBudget.OfLayout(layout).Used);
    }

    [TestMethod]
    public void OfLayout_CacheLineLocksAndSites_CountedAsTheWriterEncodesThem()
    {
        // All a layout's metadata may hold: the cache line's section, locks and sites count as the trace will hold them.
        TraceMetadata Layout(bool recorded) => new()
        {
            Name = "budget", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], CacheLineSize = 128,
            Locks = ["rx_lock", "tx_lock"], Sites = ["drv.c:12", "drv.c:40"], MemoryValuesRecorded = recorded,
        };
        var (layout, unrecorded) = (Layout(true), Layout(false));

        Assert.AreEqual(TraceLimits.HeaderBytes(unrecorded), HeaderBudget.OfLayout(layout).Used);
    }

    [TestMethod]
    public void SizeProblem_NamesTheBytes_OnlyPastTheCap()
    {
        Assert.IsNull(HeaderBudget.SizeProblem(Max, "the declarations"));
        Assert.AreEqual("the declarations take 16,777,217 bytes of the trace header, more than the format's 16,777,216",
            HeaderBudget.SizeProblem(Max + 1L, "the declarations"));
    }
}
