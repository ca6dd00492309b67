using TraceTools.Replay;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The last-writer runs kept per access (<see cref="LastWriterRuns"/>) against the byte-per-byte writes they
/// summarize, the cap that leaves huge accesses to the direct walk, and <see cref="DetectorView.FindLastWriter{TRule}"/>
/// over the kept runs against the direct walk (<see cref="DetectorView.WalkLastWriter{TRule}"/>) on random traces.
/// </summary>
[TestClass]
public sealed class LastWriterRunsTests
{
    const DetectorNeeds Needs = DetectorNeeds.WriteHistory | DetectorNeeds.CacheState;

    static TraceBuilder Layout() => new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1").Device("dev0").Device("dev1", coherent: false)
        .Ram("buf", 0x1000, 0x3000).Table("ctx", 0x10_0000, 64, 32, 16, 0, "dev0");

    /// <summary>The runs as the byte-per-byte writes give them: per data byte its later side, consecutive equal ones once.</summary>
    static (List<WriterRun> Cpu, List<WriterRun> Device) Expected(Shadow shadow, RegionInfo region, ulong address, int size)
    {
        var (cpu, dev) = (new List<WriterRun>(), new List<WriterRun>());
        for (ulong a = address; a < address + (ulong)size; a++)
        {
            if (region.Kind == RegionKind.Table)
            {
                ulong off = (a - region.Base) % region.EntrySize;
                if (off >= region.PresentWordOffset && off < region.PresentWordOffset + region.PresentWordLength) continue;
            }
            var w = shadow.WritesAt(a);
            if (w.LastIsCpu) Add(cpu, new WriterRun(w.CpuWrite.At, w.CleanTime));
            else if (w.LastIsDevice) Add(dev, new WriterRun(w.DevWrite.At, w.InvalidatedBy));
        }
        return (cpu, dev);

        static void Add(List<WriterRun> runs, WriterRun run)
        {
            if (runs.Count == 0 || runs[^1] != run) runs.Add(run);
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void Collect_RandomWritesAndMarks_MatchTheBytePerByteWrites(int seed)
    {
        var rng = new Random(seed);
        var metadata = Layout().Metadata();
        var hb = new HbState(metadata, ClockSimd.Scalar, Needs, (_, _) => []);
        var shadow = new Shadow(Needs, values: false);
        var regions = metadata.Regions;
        var kept = new LastWriterRuns();
        var capped = new LastWriterRuns(maxRuns: 3);
        int cappedOut = 0, compared = 0;
        for (int op = 1; op <= 1500; op++)
        {
            hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, op + 1);
            var region = regions[rng.Next(regions.Count)];
            int size = rng.Next(4) switch { 0 => 1 + rng.Next(8), 1 => 8 * (1 + rng.Next(8)), 2 => 1 + rng.Next(300), _ => 1 + rng.Next((int)region.Size) };
            ulong address = region.Base + (ulong)rng.Next((int)region.Size - size + 1);
            switch (rng.Next(5))
            {
                case 0: case 1:
                    shadow.RecordWrite(rng.Next(2), (uint)op, cpu: true, address, size, default, region.Kind);
                    break;
                case 2:
                    shadow.RecordWrite(2 + rng.Next(2), (uint)op, cpu: false, address, size, default, region.Kind);
                    break;
                case 3:
                    shadow.Cache(hb, rng.Next(2), (new[] { EventKind.CacheClean, EventKind.CacheInval, EventKind.CacheFlush })[rng.Next(3)], address, size);
                    break;
                default:
                    var (cpu, dev) = Expected(shadow, region, address, size);
                    Assert.IsTrue(kept.Collect(shadow, region, op, EventKind.Load, address, size), $"op {op}: kept");
                    CollectionAssert.AreEqual(cpu, kept.Cpu.ToArray(), $"op {op}: cpu runs of {size} bytes at {address:x}");
                    CollectionAssert.AreEqual(dev, kept.Device.ToArray(), $"op {op}: device runs");
                    bool fits = cpu.Count <= 3 && dev.Count <= 3;
                    Assert.AreEqual(fits, capped.Collect(shadow, region, op, EventKind.Load, address, size), $"op {op}: {cpu.Count} + {dev.Count} runs against a cap of 3");
                    if (fits) CollectionAssert.AreEqual(dev, capped.Device.ToArray(), $"op {op}: device runs under the cap");
                    else cappedOut++;
                    compared++;
                    break;
            }
        }
        Assert.IsGreaterThan(20, cappedOut, "accesses with more runs than the cap");
        Assert.IsGreaterThan(100, compared - cappedOut, "accesses within the cap");
    }

    [TestMethod]
    public void Collect_SameAccessTwice_WalksOnce()
    {
        var metadata = Layout().Metadata();
        var shadow = new Shadow(Needs, values: false);
        var buf = metadata.Regions[0];
        shadow.RecordWrite(0, 1, cpu: true, buf.Base, 16, default, buf.Kind);
        var kept = new LastWriterRuns();
        Assert.IsTrue(kept.Collect(shadow, buf, 5, EventKind.DmaRead, buf.Base, 64));
        Assert.IsTrue(kept.Collect(shadow, buf, 5, EventKind.DmaRead, buf.Base, 64));
        Assert.AreEqual(1L, kept.Walks, "the second detector asking about the access reads the kept runs");
        Assert.AreEqual(1, kept.Cpu.Length);
        shadow.RecordWrite(2, 7, cpu: false, buf.Base, 8, default, buf.Kind);
        Assert.IsTrue(kept.Collect(shadow, buf, 9, EventKind.DmaRead, buf.Base, 64));
        Assert.AreEqual(2L, kept.Walks, "the next access walks again");
        Assert.AreEqual((1, 1), (kept.Cpu.Length, kept.Device.Length));
        kept.Collect(shadow, buf, 9, EventKind.Store, buf.Base, 64);
        Assert.AreEqual(3L, kept.Walks, "one event as two accesses (xchg) is two keys");
    }

    /// <summary>
    /// A rule failing on a pseudo-random third of the writes, so the first failing run moves around. The mix is
    /// fixed, not <see cref="HashCode"/> (seeded per process): with it, which writes failed changed from run to run,
    /// and a walk that judged never-written bytes as a device write was caught in some runs and not in others.
    /// </summary>
    readonly struct ProbeRule(WriterSide side, CacheMark mark, int salt) : ILastWriterRule
    {
        public WriterSide Side => side;
        public CacheMark Mark => mark;
        public bool Fails(DetectorView view, in LastWrite write)
        {
            ulong h = (write.Writer.At + 1) * 0x9E3779B97F4A7C15UL ^ write.CleanTime * 0xC2B2AE3D27D4EB4FUL
                      ^ write.InvalidatedBy * 0x165667B19E3779F9UL ^ (ulong)salt * 0x27D4EB2F165667C5UL;
            return (h ^ h >> 29) % 3 == 0;
        }
    }

    sealed class Probe : IDetector
    {
        public int Found, Asked;
        public readonly List<string> Mismatches = [];
        public Replay.Findings.FindingKind Kind => Replay.Findings.FindingKind.StaleCpuRead;
        public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.DmaRead | DetectorHooks.Store | DetectorHooks.DmaWrite;
        public DetectorNeeds Needs => LastWriterRunsTests.Needs;

        public void OnAccess(DetectorView view, in DataAccess access)
        {
            foreach (var side in new[] { WriterSide.Cpu, WriterSide.Device })
                foreach (var mark in new[] { CacheMark.None, CacheMark.CleanTime, CacheMark.InvalidatedBy })
                    for (int salt = 0; salt < 3; salt++)
                    {
                        var rule = new ProbeRule(side, mark, salt);
                        bool kept = view.FindLastWriter(access, rule, out var a);
                        bool walked = view.WalkLastWriter(access, rule, out var b);
                        Asked++;
                        if (kept) Found++;
                        if (kept != walked || a != b) Mismatches.Add($"#{access.Index} {side} {mark} {salt}: {kept} {a} / {walked} {b}");
                    }
        }
    }

    [TestMethod]
    [DataRow(Arch.Arm64, 1)]
    [DataRow(Arch.X86_64, 2)]
    [DataRow(Arch.Riscv64, 3)]
    public void FindLastWriter_KeptRuns_MatchTheDirectWalk(Arch arch, int seed)
    {
        var t = RandomTraceTests.RandomTrace(arch, seed, 600);
        var probe = new Probe();
        var engine = new ReplayEngine(t.Metadata(), new ReplayOptions(), [probe]);
        foreach (var b in t.Batches(64)) engine.Process(b);
        engine.Complete();
        Assert.IsEmpty(probe.Mismatches, string.Join("\n", probe.Mismatches.Take(5)));
        Assert.IsGreaterThan(probe.Asked / 20, probe.Found, "rules found failing runs");
        Assert.IsLessThan(probe.Asked, probe.Found, "and not everywhere");
    }
}
