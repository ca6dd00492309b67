using TraceTools.Detectors;
using TraceTools.Detectors.DiscardedStore;
using TraceTools.Detectors.SharedCacheline;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Reference;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// The line rules drop what can never be named again: discarded-store a discarded store no byte of its line has as
/// its last write any more, shared-cacheline a (device write, store) pair either of which was overwritten on every
/// byte of the line. Their findings stay the reference's on dense random line traffic, and what they hold follows
/// the lines' bytes, not the rounds.
/// </summary>
[TestClass]
public sealed class LinePairsTests
{
    const ulong Buf = 0x1000, Reg = 0xf000;

    static readonly string[] Barriers = ["wmb", "dma_wmb", "mb"];

    /// <summary>
    /// Stores, invalidations, cleans, flushes, device writes and loads over <paramref name="lines"/> lines of 64 bytes
    /// (some accesses across a line), with doorbells, barriers and interrupts so that some stores are handed off.
    /// </summary>
    static RefTrace Traffic(int seed, int lines, int steps)
    {
        var rng = new Random(seed);
        var b = new TraceBuilder(seed % 2 == 0 ? Arch.Arm64 : Arch.Riscv64);
        var cpus = new[] { b.Cpu("cpu0"), b.Cpu("cpu1") };
        var dev = b.Device("dev", coherent: false);
        b.Ram("buf", Buf, 0x100);
        b.Mmio("reg", Reg, 0x10, dev);
        for (int step = 0; step < steps; step++)
        {
            ushort cpu = cpus[rng.Next(2)];
            int size = rng.Next(1, 25);
            ulong at = Buf + (ulong)rng.Next(0, Math.Max(1, lines * 64 - size));
            switch (rng.Next(16))
            {
                case < 4: b.Store(cpu, at, size, (ulong)rng.Next(1, 1000)); break;
                case < 6: b.CacheInval(cpu, at, size); break;
                case 6: b.CacheClean(cpu, at, size); break;
                case 7: b.CacheFlush(cpu, at, size); break;
                case < 10: b.DmaWrite(dev, at, size); break;
                case 10: b.MmioWrite(cpu, Reg, 4, 1); break;
                case 11: b.Barrier(cpu, Barriers[rng.Next(Barriers.Length)]); break;
                case 12:
                    b.RaiseIrq(dev);
                    b.TakeIrq(cpu, dev);
                    break;
                default: b.Load(cpu, at, size); break;
            }
        }
        return b.Build();
    }

    [TestMethod]
    [DataRow(FindingKind.DiscardedStore, 4, 80)]
    [DataRow(FindingKind.SharedCacheline, 4, 80)]
    [DataRow(FindingKind.SharedCacheline, 1, 300)] // pairs pile up on one line: the overwritten ones are dropped
    public void DenseLineTraffic_SameFindingsAsReference(FindingKind kind, int lines, int steps)
    {
        int reported = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var t = Traffic(seed, lines, steps);
            var expected = ReferenceModel.Run(t).Where(f => f.Kind == kind).ToList();
            var engine = DetectorRegistry.CreateEngine(t.Metadata);
            engine.Process(t.ToBatch());
            var actual = engine.Complete().Where(f => f.Kind == kind).ToList();
            Assert.AreEqual(string.Join(" ", expected), string.Join(" ", actual), $"seed {seed}");
            reported += actual.Count;
        }
        Assert.IsGreaterThan(200, reported, "the traffic breaks the rule");
    }

    [TestMethod]
    public void StoreAndInvalidateRounds_DiscardedStoresStayPerByteAndTheLastLossStillReports()
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        b.Device("dev", coherent: false);
        b.Ram("buf", Buf, 0x100);
        int store = -1, inval = -1;
        for (int round = 0; round < 5_000; round++)
        {
            store = b.Store(cpu, Buf + (ulong)(round % 4) * 8, 8, (ulong)round + 1);
            inval = b.CacheInval(cpu, Buf, 64);
        }
        int load = b.Load(cpu, Buf + 24, 8);
        var t = b.Build();
        var detector = new DiscardedStoreDetector();
        using var engine = new ReplayEngine(t.Metadata, new ReplayOptions(), [detector]);
        engine.Process(t.ToBatch());
        // The four words' last stores: each round's store overwrites the one four rounds back.
        Assert.AreEqual(4, detector.DiscardedPairs);
        var findings = engine.Complete().Where(f => f.Kind == FindingKind.DiscardedStore).ToList();
        Assert.AreEqual($"discarded-store@{load}[store={store},invalidation={inval}]", string.Join(" ", findings));
    }

    [TestMethod]
    public void DeviceWritesToAPolledLine_PairsStayFewAndTheLastStillReports()
    {
        // A cpu field shares the line with a device's status word; the cpu polls with cache_inval, no irq.
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent: false);
        b.Ram("buf", Buf, 0x100);
        int store = b.Store(cpu, Buf + 32, 8, 0x1234);
        int write = -1;
        for (int round = 0; round < 5_000; round++)
        {
            write = b.DmaWrite(dev, Buf, 8, (ulong)round + 1);
            b.CacheInval(cpu, Buf, 64);
        }
        b.RaiseIrq(dev);
        b.TakeIrq(cpu, dev);
        int back = b.CacheInval(cpu, Buf, 64);
        var t = b.Build();
        var detector = new SharedCachelineDetector();
        using var engine = new ReplayEngine(t.Metadata, new ReplayOptions(), [detector]);
        engine.Process(t.ToBatch());
        Assert.IsLessThan(40, detector.HeldPairs, "the overwritten device writes' pairs are dropped");
        var findings = engine.Complete().Where(f => f.Kind == FindingKind.SharedCacheline).ToList();
        Assert.AreEqual($"shared-cacheline@{back}[store={store},dma-write={write}]", string.Join(" ", findings));
    }

    /// <summary>
    /// An invalidation over two lines that reports (one finding, for the first line) still lets go of the pairs it
    /// takes back in both: a pair whose device write was returned can never be named again (its bytes are marked
    /// invalidated), so holding it would only grow the state. Each line holds a store made before the device's write
    /// and never handed off (no clean after it).
    /// </summary>
    [TestMethod]
    public void ReturnOverTwoLines_ThatReports_LetsGoOfEveryLinesPairs()
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev", coherent: false);
        b.Ram("buf", Buf, 0x100);
        b.Mmio("reg", Reg, 0x10, dev);
        b.MmioWrite(cpu, Reg, 4, 1);
        int store = b.Store(cpu, Buf + 0x08, 8, 1);     // line 0, outside the buffer, the device owning it
        b.Store(cpu, Buf + 0x78, 8, 1);                 // line 1, the same
        int write = b.DmaWrite(dev, Buf + 0x20, 0x40);  // the buffer: the second half of line 0, the first of line 1
        b.RaiseIrq(dev);
        b.TakeIrq(cpu, dev);
        int back = b.CacheInval(cpu, Buf + 0x20, 0x40); // returns the write in both lines
        var t = b.Build();
        var detector = new SharedCachelineDetector();
        using var engine = new ReplayEngine(t.Metadata, new ReplayOptions(), [detector]);
        engine.Process(t.ToBatch());
        Assert.AreEqual(0, detector.HeldPairs, "pairs of a returned write are let go in every line the return covers");
        var findings = engine.Complete().Where(f => f.Kind == FindingKind.SharedCacheline).ToList();
        Assert.AreEqual($"shared-cacheline@{back}[store={store},dma-write={write}]", string.Join(" ", findings));
    }
}
