using TraceTools.Detectors;
using TraceTools.Detectors.DiscardedStore;
using TraceTools.Replay.Findings;
using TraceTools.Tests.Reference;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// discarded-store drops a discarded store once no byte of its line has it as its last write (it can never be
/// named again): its findings stay the reference's on dense random store / invalidate / clean / load mixes, and what
/// it holds follows the lines' bytes, not the rounds.
/// </summary>
[TestClass]
public sealed class DiscardedPairsTests
{
    const ulong Buf = 0x1000;

    [TestMethod]
    public void DenseLineTraffic_SameDiscardedStoresAsReference()
    {
        int reported = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var rng = new Random(seed);
            var b = new TraceBuilder(seed % 2 == 0 ? Arch.Arm64 : Arch.Riscv64);
            var cpus = new[] { b.Cpu("cpu0"), b.Cpu("cpu1") };
            var dev = b.Device("dev", coherent: false);
            b.Ram("buf", Buf, 0x100);
            for (int step = 0; step < 80; step++)
            {
                ushort cpu = cpus[rng.Next(2)];
                // Four lines; accesses of 1..24 bytes, some across a line boundary.
                ulong at = Buf + (ulong)rng.Next(0, 0x100 - 24);
                int size = rng.Next(1, 25);
                switch (rng.Next(12))
                {
                    case < 4: b.Store(cpu, at, size, (ulong)rng.Next(1, 1000)); break;
                    case < 6: b.CacheInval(cpu, at, size); break;
                    case 6: b.CacheClean(cpu, at, size); break;
                    case 7: b.CacheFlush(cpu, at, size); break;
                    case 8: b.DmaWrite(dev, at, size); break;
                    default: b.Load(cpu, at, size); break;
                }
            }
            var t = b.Build();
            var expected = ReferenceModel.Run(t).Where(f => f.Kind == FindingKind.DiscardedStore).ToList();
            var engine = DetectorRegistry.CreateEngine(t.Metadata);
            engine.Process(t.ToBatch());
            var actual = engine.Complete().Where(f => f.Kind == FindingKind.DiscardedStore).ToList();
            Assert.AreEqual(string.Join(" ", expected), string.Join(" ", actual), $"seed {seed}");
            reported += actual.Count;
        }
        Assert.IsGreaterThan(200, reported, "the mixes lose stores");
    }

    [TestMethod]
    public void StoreAndInvalidateRounds_PairsStayPerByteAndTheLastLossStillReports()
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
        using var engine = new TraceTools.Replay.ReplayEngine(t.Metadata, new TraceTools.Replay.ReplayOptions(), [detector]);
        engine.Process(t.ToBatch());
        // The four words' last stores: each round's store overwrites the one four rounds back.
        Assert.AreEqual(4, detector.DiscardedPairs);
        var findings = engine.Complete().Where(f => f.Kind == FindingKind.DiscardedStore).ToList();
        Assert.AreEqual($"discarded-store@{load}[store={store},invalidation={inval}]", string.Join(" ", findings));
    }
}
