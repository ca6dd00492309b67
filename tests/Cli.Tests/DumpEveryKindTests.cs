using TraceTools.Cli;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class DumpEveryKindTests
{
    public static IEnumerable<object[]> Arches() => ArchNames.All.Select(a => new object[] { a });

    /// <summary>Every kind, addresses inside and outside regions, all barriers of the arch: one step line per event.</summary>
    [TestMethod]
    [DynamicData(nameof(Arches))]
    public void Dump_EveryKindOnEveryArch_PrintsOneStepPerEvent(Arch arch)
    {
        var m = new TraceMetadata
        {
            Name = $"every kind \"{arch.Name()}\"",
            Arch = arch,
            Agents = [new("cpu0", AgentKind.Cpu), new("dev", AgentKind.Device, Coherent: false), new("cpu1", AgentKind.Cpu)],
            Regions =
            [
                new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 },
                new RegionInfo { Name = "flag", Kind = RegionKind.Sync, Base = 0x3000, Size = 8 },
                new RegionInfo { Name = "regs", Kind = RegionKind.Mmio, Base = 0x4000, Size = 0x100, Device = 1 },
                new RegionInfo { Name = "tbl", Kind = RegionKind.Table, Base = 0x8000, Size = 8 * 32, Device = 1, Entries = 8, EntrySize = 32, Granule = 8, PresentBit = 63 },
            ],
            Locks = ["a", "b"],
            Sites = ["x.c:1", "say \"hi\" \\ there"],
        };
        var rng = new Random((int)arch + 1);
        var barriers = BarrierCode.AllFor(arch).ToArray();
        var dir = Directory.CreateTempSubdirectory("tt-dumpall-");
        try
        {
            string path = Path.Combine(dir.FullName, "all.trace");
            int events = 0;
            TraceFile.Write(path, m, new TraceWriterOptions { ChunkEvents = 16 }, sink =>
            {
                void Add(TraceEvent e, byte[]? data = null) { sink.Append(e, data ?? []); events++; }
                byte[] Bytes(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
                for (int round = 0; round < 3; round++)
                {
                    ushort cpu = (ushort)(round % 2 == 0 ? 0 : 2);
                    int site = round - 1;
                    int storeSize = 1 + rng.Next(64);
                    Add(new TraceEvent(EventKind.Store, cpu, 0x1000 + (ulong)rng.Next(0x800), storeSize, 0, site), Bytes(storeSize));
                    Add(new TraceEvent(EventKind.Load, cpu, 0x3000, 8, 0, site), round == 0 ? null : Bytes(8));
                    foreach (var bc in barriers.Take(12)) Add(new TraceEvent(EventKind.Barrier, cpu, 0, 0, bc.Value, site));
                    Add(new TraceEvent(EventKind.MmioWrite, cpu, 0x4004, 4, 0, site), Bytes(4));
                    Add(new TraceEvent(EventKind.MmioRead, cpu, 0x4008, 4, 0, site));
                    Add(new TraceEvent(EventKind.CacheClean, cpu, 0x1000, 64, 0, site));
                    Add(new TraceEvent(EventKind.CacheInval, cpu, 0x1040, 64, 0, site));
                    Add(new TraceEvent(EventKind.CacheFlush, cpu, 0x1080, 64, 0, site));
                    Add(new TraceEvent(EventKind.DevInvalidate, cpu, 0x8000 + 32 * (ulong)round, 32, 1, site));
                    Add(new TraceEvent(EventKind.DevInvalidate, cpu, 0, 0, 1, site));
                    Add(new TraceEvent(EventKind.Lock, cpu, 0, 0, (uint)(round % 2), site));
                    Add(new TraceEvent(EventKind.Unlock, cpu, 0, 0, (uint)(round % 2), site));
                    Add(new TraceEvent(EventKind.TakeIrq, cpu, 0, 0, 1, site));
                    Add(new TraceEvent(EventKind.DmaRead, 1, 0x1100, 128, 0, site), Bytes(128));
                    Add(new TraceEvent(EventKind.DmaWrite, 1, 0x1200, 3584, 0, site), Bytes(3584)); // up to the end of buf
                    Add(new TraceEvent(EventKind.Fetch, 1, 0x8000 + 32 * (ulong)round + 8, 8, 1, site), Bytes(8));
                    Add(new TraceEvent(EventKind.RaiseIrq, 1, 0, 0, 0, site));
                    // Format v3 kinds, with the generic dump of their operands.
                    Add(new TraceEvent(EventKind.StoreRelease, cpu, 0x3000, 4, 0, site), [1, 0, 0, 0]);
                    Add(new TraceEvent(EventKind.LoadAcquire, cpu, 0x3000, 4, 0, site), round == 0 ? null : Bytes(4));
                    Add(new TraceEvent(EventKind.Xchg, cpu, 0x3000, 8, 0, site), [2, 0, 0, 0, 0, 0, 0, 0]);
                    Add(new TraceEvent(EventKind.IommuMode, cpu, 0, 0, EventOperands.Pack(1, (byte)(round % 3)), site));
                    Add(new TraceEvent(EventKind.Quiesce, cpu, 0, 0, 1, site));
                    Add(new TraceEvent(EventKind.Handover, cpu, 0, 0, 0, site));
                    Add(new TraceEvent(EventKind.DmaMap, cpu, 0x1000, 0x100, EventOperands.Pack(1, (byte)DmaDirection.FromDevice), site));
                    Add(new TraceEvent(EventKind.DmaUnmap, cpu, 0x1000, 0x100, 1, site));
                    var regs = new byte[EventKinds.RegisterBytes];
                    regs[0] = 0x63; regs[3] = 0x84; // x0 = 0x84000063 (FFA_VERSION)
                    if (arch != Arch.Arm64) continue; // smc/hvc are arm64 instructions: the replay refuses them elsewhere (model.md §12)
                    Add(new TraceEvent(EventKind.FirmwareCall, cpu, 0, EventKinds.RegisterBytes, (uint)(round % 2), site), regs);
                    Add(new TraceEvent(EventKind.FirmwareReturn, cpu, 0, EventKinds.RegisterBytes, (uint)(round % 2), site), Bytes(EventKinds.RegisterBytes));
                }
            });
            var stdout = new StringWriter { NewLine = "\n" };
            var stderr = new StringWriter { NewLine = "\n" };
            Assert.AreEqual(0, CommandLine.Run(["dump", path], stdout, stderr), stderr.ToString());
            var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var steps = lines.SkipWhile(l => !l.Contains(": ", StringComparison.Ordinal) || l.StartsWith("scenario", StringComparison.Ordinal)).ToArray();
            Assert.HasCount(events, steps);
            Assert.IsTrue(steps.All(l => l.StartsWith("cpu0: ", StringComparison.Ordinal) || l.StartsWith("cpu1: ", StringComparison.Ordinal) || l.StartsWith("dev:  ", StringComparison.Ordinal)), stdout.ToString());
            CollectionAssert.Contains(lines, "cpu cpu0");
            CollectionAssert.Contains(lines, "device dev noncoherent");
            CollectionAssert.Contains(lines, "cpu cpu1");
            CollectionAssert.Contains(lines, "table tbl 0x8000 entries 8 entry_size 32 granule 8 present bit 63 fetcher dev");
            CollectionAssert.Contains(lines, $"scenario \"every kind \\\"{arch.Name()}\\\"\"");
            Assert.IsTrue(steps.Any(l => l.Contains("@ \"say \\\"hi\\\" \\\\ there\"  # #", StringComparison.Ordinal)));
            for (int i = 0; i < steps.Length; i++)
                StringAssert.EndsWith(steps[i], string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  # #{i}"));
            // A store outside every region is refused by dump as by replay (issue 12): TraceInputTests.
            Assert.IsTrue(steps.Any(l => l.Contains("fetch tbl[2] granule 1", StringComparison.Ordinal)));
            Assert.IsTrue(steps.Any(l => l.Contains("dev_invalidate dev tbl[1]", StringComparison.Ordinal)));
            Assert.IsTrue(steps.Any(l => l.Contains("dma_write buf + 0x200 size 3584 bytes \"", StringComparison.Ordinal)));
            foreach (string v3 in (string[])["store_release flag size 4 = 0x1", "load_acquire flag size 4", "xchg flag size 8 = 0x2",
                "iommu_mode dev translate", "iommu_mode dev bypass", "iommu_mode dev abort", "quiesce dev", "handover",
                "dma_map buf size 256 device dev from_device", "dma_unmap buf size 256 device dev"])
                Assert.IsTrue(steps.Any(l => l.Contains(v3, StringComparison.Ordinal)), v3);
            foreach (string firmware in arch == Arch.Arm64 ? (string[])["smc 0x84000063", "hvc 0x84000063", "ret x0=0x"] : [])
                Assert.IsTrue(steps.Any(l => l.Contains(firmware, StringComparison.Ordinal)), firmware);

            // The other verbs that print or export events take every kind too.
            var output = new StringWriter { NewLine = "\n" };
            var errors = new StringWriter { NewLine = "\n" };
            Assert.AreEqual(0, CommandLine.Run(["info", path], output, errors), errors.ToString());
            StringAssert.Contains(output.ToString(), "format       version 4");
            string json = Path.Combine(dir.FullName, "all.json");
            Assert.AreEqual(0, CommandLine.Run(["export", path, "--format", "perfetto", "-o", json, "--quiet"], output, errors), errors.ToString());
            string exported = File.ReadAllText(json);
            foreach (string v3 in (string[])["\"treatment\":\"abort\"", "\"direction\":\"from_device\"", "quiesce dev", "dma_map buf"])
                StringAssert.Contains(exported, v3);
            foreach (string firmware in arch == Arch.Arm64 ? (string[])["\"conduit\":\"hvc\"", "smc x0=0x84000063", "ret hvc x0=0x"] : [])
                StringAssert.Contains(exported, firmware);
            int replay = CommandLine.Run(["replay", path], output, errors);
            Assert.IsTrue(replay is 0 or 1, $"replay exit {replay}: {errors}");
            Assert.DoesNotContain("   at ", errors.ToString());
        }
        finally { dir.Delete(true); }
    }
}
