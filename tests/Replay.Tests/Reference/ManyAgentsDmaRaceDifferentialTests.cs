using System.Text;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// dma-race's escalated pages (SharedAccesses) through the engine, against the literal reference: up to 140 cpus
/// and a few devices touching one buffer of two pages (so accesses end at and cross the page's end), in runs over
/// many 64-byte blocks, with locks, MMIO kicks and interrupts so that what each agent knows of the others varies.
/// </summary>
[TestClass]
public sealed class ManyAgentsDmaRaceDifferentialTests
{
    const ulong Buf = 0x10_0000, Reg = 0xf000;

    static List<Finding> Engine(RefTrace t)
    {
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        engine.Process(t.ToBatch());
        return Canonical(engine.Complete());
    }

    static RefTrace Generate(int seed, int cpus)
    {
        var rng = new Random(seed);
        var b = new TraceBuilder(seed % 2 == 0 ? Arch.Arm64 : Arch.X86_64);
        var cpu = Enumerable.Range(0, cpus).Select(i => b.Cpu($"cpu{i}")).ToArray();
        var dev = Enumerable.Range(0, 3).Select(i => b.Device($"dev{i}")).ToArray();
        b.Ram("buf", Buf, 0x2000);
        b.Mmio("reg", Reg, 0x10, dev[0]);
        (ulong, int) Range()
        {
            int off, len;
            switch (rng.Next(6))
            {
                case 0: off = 0x1000 - rng.Next(1, 40); len = rng.Next(1, 80); break; // the first page's end, and across it
                case 1: off = rng.Next(0x2000 / 64) * 64 - rng.Next(0, 3); len = rng.Next(1, 8); break; // a block edge
                case 2: off = rng.Next(0x1800); len = rng.Next(1, 1500); break; // many blocks
                case 3: off = rng.Next(0x2000 - 8) & ~7; len = 8; break;
                default: off = 0x40 + rng.Next(0x300); len = rng.Next(1, 64); break;
            }
            off = Math.Clamp(off, 0, 0x2000 - 1);
            len = Math.Clamp(len, 1, 0x2000 - off);
            return (Buf + (ulong)off, len);
        }
        int steps = rng.Next(150, 400);
        for (int s = 0; s < steps; s++)
        {
            // A handful of busy cpus, and every cpu now and then.
            ushort c = cpu[rng.Next(3) == 0 ? rng.Next(cpus) : rng.Next(Math.Min(5, cpus))];
            ushort d = dev[rng.Next(dev.Length)];
            var (a, n) = Range();
            switch (rng.Next(12))
            {
                case 0: case 1: case 2: b.Store(c, a, n); break;
                case 3: b.Load(c, a, n); break;
                case 4: case 5: b.DmaWrite(d, a, n); break;
                case 6: case 7: b.DmaRead(d, a, n); break;
                case 8: b.LockOp(c, "l"); b.UnlockOp(c, "l"); break;
                case 9: b.Writel(c, Reg, 1); break;
                case 10: b.RaiseIrq(d); break;
                default: b.TakeIrq(c, d); break;
            }
        }
        return b.Build();
    }

    [TestMethod]
    [DataRow(0, 8)]
    [DataRow(100, 140)]
    public void DmaRace_ManyAgentsOnOnePage_SameFindingsAsReference(int from, int cpus)
    {
        var failures = new List<string>();
        int races = 0;
        for (int seed = from; seed < from + 40 && failures.Count < 2; seed++)
        {
            var t = Generate(seed, cpus);
            var expected = Canonical(ReferenceModel.Run(t, ReferenceReadings.Literal));
            var actual = Engine(t);
            races += expected.Count(f => f.Kind == FindingKind.DmaRace);
            if (!Same(expected, actual))
                failures.Add(new StringBuilder($"seed {seed}\n").Append("reference: ").Append(string.Join(" ", expected))
                    .Append("\nengine:    ").Append(string.Join(" ", actual)).ToString());
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        Assert.IsGreaterThan(20, races, "dma-race findings");
    }
}
