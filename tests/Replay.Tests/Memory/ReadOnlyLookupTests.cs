using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// Lookups that only read the shadow never create a page: loads judged against untouched memory, acquires
/// of sync bytes nobody stored, cache maintenance of lines nobody wrote and table values read before any
/// table store leave the shadow empty. And the page map behind them: a miss remembered by
/// <c>Find</c> does not hide a page created later, and pages survive the cache growing.
/// </summary>
[TestClass]
public sealed class ReadOnlyLookupTests
{
    [TestMethod]
    [DataRow(FindingKind.StaleCpuRead)]
    [DataRow(FindingKind.MissingCacheInvalidate)]
    [DataRow(FindingKind.DiscardedStore)]
    public void Replay_ReadsAndCacheMaintenanceOfUntouchedMemory_CreateNoPage(FindingKind kind)
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev", coherent: false);
        t.Ram("buf", 0x10_0000, 0x10_000).Sync("flags", 0x20_0000, 0x1000);
        for (int i = 0; i < 64; i++)
        {
            t.Load("cpu0", t.At("flags", (ulong)(i % 8) * 8), 8);
            t.Load("cpu0", t.At("buf", (ulong)i * 1000), 8);
            t.CacheInval("cpu0", t.At("buf", (ulong)i * 512), 64);
            t.CacheFlush("cpu0", t.At("buf", (ulong)i * 700), 128);
        }

        using var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions { Detectors = new HashSet<FindingKind> { kind } });
        foreach (var b in t.Batches(32)) engine.Process(b);

        FindingAssert.None(engine.Complete());
        Assert.AreEqual(0, engine.Shadow.PageCount, "no page for memory nobody wrote");
        Assert.AreEqual(0L, engine.Shadow.Footprint);
    }

    [TestMethod]
    public void Shadow_ValueAndWriteLookupsOfUntouchedPages_CreateNothing()
    {
        var shadow = new Shadow(DetectorNeeds.WriteHistory | DetectorNeeds.ReadHistory, values: true);
        Assert.AreEqual((byte)0, shadow.ValueAt(0x1234));
        var none = shadow.WritesAt(0x5678);
        Assert.IsFalse(none.CpuWrite.Exists || none.DevWrite.Exists);
        Assert.AreEqual(0, shadow.PageCount);
        Assert.AreSame(ShadowPage.Untouched, shadow.Pages.Find(0x1234));

        shadow.RecordWrite(0, 1, cpu: true, 0x1230, 8, new byte[8], RegionKind.Table);
        Assert.AreEqual(1, shadow.PageCount, "a write creates its page");
        Assert.AreNotSame(ShadowPage.Untouched, shadow.Pages.Find(0x1234), "the miss remembered before the write is gone");
        Assert.AreEqual(Epoch.Pack(0, 1), shadow.WritesAt(0x1234).CpuWrite.At);
        Assert.IsTrue(ShadowPage.Untouched.Width == 0 && ShadowPage.Untouched.Footprint == 0, "the shared empty page stays empty");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void PageMap_ManyPagesWithCollidingLines_EachKeyKeepsItsPage(int seed)
    {
        var map = new PageMap<object>();
        var made = new Dictionary<ulong, object>();
        var rng = new Random(seed);
        // Rings 256 and 4096 pages apart fall on the same lines of the smaller and the largest cache.
        ulong[] bases = [0x10100, 0x10200, 0x11100, 0x20100];
        for (int op = 0; op < 20_000; op++)
        {
            ulong key = bases[rng.Next(bases.Length)] + (ulong)rng.Next(1500);
            if (rng.Next(3) == 0)
            {
                var found = map.Find(key);
                Assert.AreSame(made.GetValueOrDefault(key), found, $"find {key:x}");
            }
            else
            {
                var page = map.Get(key);
                if (made.TryGetValue(key, out var was)) Assert.AreSame(was, page, $"get {key:x}");
                else made[key] = page;
            }
        }
        Assert.AreEqual(made.Count, map.Count);
        Assert.AreEqual(PageMap<object>.MaxCacheLines, map.CacheLines, "the cache grew with the pages");
    }
}
