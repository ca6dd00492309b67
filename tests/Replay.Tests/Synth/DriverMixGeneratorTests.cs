using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth;

/// <summary>The event stream's shape, independent of the replay engine.</summary>
[TestClass]
public sealed class DriverMixGeneratorTests
{
    static ulong Hash(List<RecordedEvent> events)
    {
        ulong h = 14695981039346656037UL;
        foreach (var (e, data) in events)
        {
            h = (h ^ (ulong)e.GetHashCode()) * 1099511628211UL;
            foreach (byte b in data) h = (h ^ b) * 1099511628211UL;
        }
        return h;
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void Generator_SameSeed_SameEventsAndTruth(Arch arch)
    {
        var a = Synthesize.Record(arch, 42, 20_000, 0.1);
        var b = Synthesize.Record(arch, 42, 20_000, 0.1);
        Assert.AreEqual(Hash(a.Events), Hash(b.Events));
        CollectionAssert.AreEqual(a.Truth, b.Truth);
    }

    [TestMethod]
    [DataRow(Arch.Arm64, 0.0)]
    [DataRow(Arch.X86_64, 0.3)]
    public void Generator_Mix_MostlySmallAccessesCopiesAFewPercentReadsWithoutBytes(Arch arch, double inject)
    {
        var (_, events, _) = Synthesize.Record(arch, 7, 50_000, inject);
        int copies = 0, small = 0, accesses = 0;
        foreach (var (e, data) in events)
        {
            if (e.Kind is EventKind.Load or EventKind.DmaRead or EventKind.Fetch or EventKind.MmioRead)
                Assert.IsEmpty(data, $"{e}: reads carry no bytes (docs/synth.md)");
            if (!e.Kind.HasAddress() || e.Kind == EventKind.DevInvalidate) continue;
            accesses++;
            if (e.Size is 4 or 8) small++;
            if (data.Length >= 64) copies++;
        }
        double copyShare = (double)copies / events.Count, smallShare = (double)small / accesses;
        Assert.IsTrue(copyShare is > 0.02 and < 0.06, $"copies are {copyShare:P1} of the events");
        Assert.IsTrue(smallShare > 0.75, $"4- and 8-byte accesses are {smallShare:P1} of the accesses");
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void Generator_DriverPrivateState_TouchedOnlyByItsCpu(Arch arch)
    {
        var (generator, events, _) = Synthesize.Record(arch, 11, 20_000, 0.3);
        var region = generator.Metadata.Regions.Single(r => r.Name == "drv_priv");
        int touched = 0;
        foreach (var (e, _) in events)
        {
            if (!e.Kind.HasAddress() || !region.Contains(e.Address, 1)) continue;
            touched++;
            Assert.IsTrue(e.Kind is EventKind.Load or EventKind.Store, $"{e}");
            Assert.AreEqual((ulong)e.Agent, (e.Address - region.Base) / DriverMixLayout.DrvPrivPerCpu, $"{e}: another cpu's private state");
        }
        Assert.IsGreaterThan(1000, touched);
    }

    [TestMethod]
    public void Generator_DifferentSeeds_DifferentStreams()
    {
        var a = Synthesize.Record(Arch.Arm64, 1, 5_000, 0);
        var b = Synthesize.Record(Arch.Arm64, 2, 5_000, 0);
        Assert.AreNotEqual(Hash(a.Events), Hash(b.Events));
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(1L)]
    [DataRow(17L)]
    [DataRow(20_000L)]
    public void Generator_Events_EmitsExactlyThatMany(long events)
    {
        var (generator, recorded, _) = Synthesize.Record(Arch.Arm64, 7, events, 0.2);
        Assert.AreEqual(events, recorded.Count);
        Assert.AreEqual(events, generator.Stats.Events);
    }

    [TestMethod]
    [DataRow(1_000L)]
    [DataRow(12_345L)]
    public void Generator_ShorterRun_IsPrefixWithTruthCut(long shorter)
    {
        var full = Synthesize.Record(Arch.Riscv64, 9, 20_000, 0.2);
        var cut = Synthesize.Record(Arch.Riscv64, 9, shorter, 0.2);
        for (int i = 0; i < cut.Events.Count; i++)
        {
            Assert.AreEqual(full.Events[i].Event, cut.Events[i].Event, $"event {i}");
            CollectionAssert.AreEqual(full.Events[i].Data, cut.Events[i].Data, $"bytes of event {i}");
        }
        CollectionAssert.AreEqual(full.Truth.Where(f => f.Trigger < shorter).ToList(), cut.Truth);
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void Generator_Events_WellFormedForTheHeader(Arch arch)
    {
        var (generator, events, _) = Synthesize.Record(arch, 3, 20_000, 0.2);
        var md = generator.Metadata;
        Assert.AreEqual(arch, md.Arch);
        for (int i = 0; i < events.Count; i++)
        {
            var (e, data) = events[i];
            string at = $"#{i} {e}";
            var agent = md.Agents[e.Agent];
            Assert.AreEqual(e.Kind.IsCpuEvent(), agent.IsCpu, at);
            Assert.IsTrue(e.Site >= 0 && e.Site < md.Sites.Count, at);
            if (e.Kind.MustCarryData()) Assert.AreEqual(e.Size, data.Length, at);
            else if (data.Length != 0) Assert.AreEqual(e.Size, data.Length, at);
            switch (e.Kind)
            {
                case EventKind.Barrier:
                    Assert.IsTrue(new BarrierCode((ushort)e.Aux).IsValidFor(arch), at);
                    break;
                case EventKind.Lock or EventKind.Unlock:
                    Assert.IsTrue(e.Aux < md.Locks.Count, at);
                    break;
                case EventKind.TakeIrq:
                    Assert.IsFalse(md.Agents[(int)e.Aux].IsCpu, at);
                    break;
                case EventKind.RaiseIrq or EventKind.Handover:
                    Assert.AreEqual((0ul, 0, 0u), (e.Address, e.Size, e.Aux), at);
                    break;
                case EventKind.Quiesce or EventKind.IommuMode:
                    Assert.IsFalse(md.Agents[(int)(e.Aux & 0xffff)].IsCpu, at);
                    Assert.IsTrue(e.Kind == EventKind.Quiesce ? e.Aux >> 16 == 0 : e.Aux >> 16 <= (uint)IommuTreatment.Abort, at);
                    break;
                case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                    Assert.AreEqual(Arch.Arm64, arch, at);
                    Assert.AreEqual(EventKinds.RegisterBytes, e.Size, at);
                    break;
                default:
                    if (e.Kind is EventKind.DmaMap or EventKind.DmaUnmap)
                    {
                        Assert.IsFalse(md.Agents[(int)(e.Aux & 0xffff)].IsCpu, at);
                        Assert.IsTrue(e.Kind == EventKind.DmaMap ? e.Aux >> 16 <= (uint)DmaDirection.FromDevice : e.Aux >> 16 == 0, at);
                    }
                    var region = md.RegionAt(e.Address);
                    Assert.IsNotNull(region, at);
                    Assert.IsTrue(e.Size is >= 1 and <= TraceEvent.MaxSize && region.Contains(e.Address, (ulong)e.Size), at);
                    bool mmio = e.Kind is EventKind.MmioRead or EventKind.MmioWrite;
                    Assert.AreEqual(mmio, region.Kind == RegionKind.Mmio, at);
                    if (e.Kind == EventKind.Fetch)
                    {
                        Assert.AreEqual(RegionKind.Table, region.Kind, at);
                        Assert.AreEqual(e.Agent, region.Device, at);
                        Assert.AreEqual(region.Granule, (uint)e.Size, at);
                        Assert.AreEqual(region.Base + (e.Address - region.Base) / region.EntrySize * region.EntrySize + e.Aux * region.Granule, e.Address, at);
                    }
                    if (e.Kind == EventKind.DevInvalidate)
                    {
                        Assert.AreEqual(region.Device, (int)e.Aux, at);
                        Assert.AreEqual(region.EntrySize, (uint)e.Size, at);
                    }
                    break;
            }
        }
    }

    [TestMethod]
    public void Generator_Sizes_MostlySmallWithCopiesUpTo4096()
    {
        var (_, events, _) = Synthesize.Record(Arch.Arm64, 5, 50_000, 0);
        var accesses = events.Where(r => r.Event.Kind is EventKind.Store or EventKind.Load or EventKind.DmaRead or EventKind.DmaWrite).ToList();
        int small = accesses.Count(r => r.Event.Size is 4 or 8);
        var copies = accesses.Where(r => r.Event.Size >= 64).Select(r => r.Event.Size).ToList();
        Assert.IsTrue(small * 2 > accesses.Count, $"{small} of {accesses.Count} accesses are 4 or 8 bytes");
        Assert.IsTrue(copies.Count > 0 && copies.Min() == 64 && copies.Max() <= 4096 && copies.Max() > 2048, $"copies {copies.Min()}..{copies.Max()}");
    }

    [TestMethod]
    public void Generator_SteadyState_AllocatesNothingPerEvent()
    {
        static long Allocated(long events)
        {
            var options = new SynthOptions { Events = events, Seed = 11, Arch = Arch.Arm64 };
            var generator = new DriverMixGenerator(options);
            var sink = new DiscardingSink();
            long before = GC.GetAllocatedBytesForCurrentThread();
            generator.Run(sink);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.AreEqual(events, sink.Count);
            return after - before;
        }
        Allocated(10_000); // warm up the JIT
        long small = Allocated(100_000), large = Allocated(1_000_000);
        Assert.IsTrue(large - small < 64 * 1024, $"100k events allocated {small} bytes, 1M events {large} bytes");
    }

    static int SiteId(TraceMetadata md, string name)
    {
        int id = md.Sites.ToList().IndexOf(name);
        Assert.IsGreaterThanOrEqualTo(0, id, name);
        return id;
    }

    /// <summary>A map's site names the direction the event passes: the injected wrong-direction bug's too (its ladder read FROM_DEVICE on a to_device map).</summary>
    [TestMethod]
    public void Generator_DmaMaps_SiteNamesTheDirection()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 5, 200_000, 0.5);
        var sites = generator.Metadata.Sites;
        int maps = 0, toDevice = 0;
        foreach (var (e, _) in events)
        {
            if (e.Kind != EventKind.DmaMap || !sites[e.Site].StartsWith("eth_rx_refill", StringComparison.Ordinal)) continue;
            maps++;
            bool to = (DmaDirection)(e.Aux >> 16) == DmaDirection.ToDevice;
            if (to) toDevice++;
            StringAssert.Contains(sites[e.Site], to ? "(TO_DEVICE)" : "(FROM_DEVICE)");
        }
        Assert.IsGreaterThan(0, toDevice, "the bug was injected");
        Assert.IsGreaterThan(toDevice, maps, "and the clean maps are there too");
    }

    // docs/synth.md, "Interleaving": the instance mix is NIC tx 30 %, rx 25 %, NVMe 24 %, PASID 10 %, dsp 9 % (arm64: dsp 4 %,
    // FF-A firmware calls 5 %), eth rx 1.5 %, kexec 0.5 %. Each instance has one event at a site only it reaches.
    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void Generator_CleanMix_InstanceSharesAsDocumented(Arch arch)
    {
        var (generator, events, _) = Synthesize.Record(arch, 17, 300_000, 0);
        var md = generator.Metadata;
        bool arm = arch == Arch.Arm64;
        var expected = new (string Site, double Share)[]
        {
            ("xmit: writel(tail, TDT)", 0.30), ("rx_refill: writel(tail, RDT)", 0.25), ("nvme_submit: writel_relaxed(tail, SQ0TDBL)", 0.24),
            ("pasid_set_present", 0.10), ("dsp_submit: writel_relaxed(slot, DOORBELL)", arm ? 0.04 : 0.09),
            ("host: ffa call (smc)", arm ? 0.05 : 0), ("eth_rx_refill: dma_map_single(FROM_DEVICE)", 0.015 + 0.005), ("machine_kexec", 0.005),
        };
        var counts = expected.Select(x => events.Count(r => r.Event.Site == SiteId(md, x.Site) && r.Event.Agent < DriverMixLayout.Cpus)).ToArray();
        double instances = counts.Sum() - counts[^1]; // a kexec instance also maps an eth buffer
        for (int i = 0; i < expected.Length; i++)
        {
            double share = counts[i] / instances;
            Assert.IsTrue(Math.Abs(share - expected[i].Share) < 0.012, $"{arch.Name()} {expected[i].Site}: {share:P2} of {instances} instances, not {expected[i].Share:P1}");
        }
    }

    // docs/synth.md: four cpus run the driver code, a new random one with probability 1/4 per step.
    [TestMethod]
    public void Generator_Interleaving_EveryCpuRunsAboutAQuarterOfTheInstances()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 19, 100_000, 0.1);
        int doorbell = SiteId(generator.Metadata, "xmit: writel(tail, TDT)"), submit = SiteId(generator.Metadata, "nvme_submit: writel_relaxed(tail, SQ0TDBL)");
        var perCpu = new int[DriverMixLayout.Cpus];
        foreach (var (e, _) in events) if (e.Site == doorbell || e.Site == submit) perCpu[e.Agent]++;
        double all = perCpu.Sum();
        for (int c = 0; c < perCpu.Length; c++)
            Assert.IsTrue(Math.Abs(perCpu[c] / all - 0.25) < 0.05, $"cpu{c} rang {perCpu[c]} of {all} doorbells");
    }

    // docs/synth.md: NIC rx and NVMe poll 0..2 times before the device answers, then once more to see the answer.
    [TestMethod]
    public void Generator_FailedPolls_ZeroToTwoPerRxAndNvmeInstance()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 12, 50_000, 0);
        var md = generator.Metadata;
        var protocols = new[]
        {
            (Start: SiteId(md, "rx_refill: writel(tail, RDT)"), Poll: SiteId(md, "napi_poll: own = desc->own"), Done: SiteId(md, "napi_poll: status = desc->status")),
            (Start: SiteId(md, "nvme_submit: writel_relaxed(tail, SQ0TDBL)"), Poll: SiteId(md, "nvme_poll: cqe->status & phase"), Done: SiteId(md, "nvme_poll: result = cqe->result")),
        };
        foreach (var (start, poll, done) in protocols)
        {
            var polls = new int[DriverMixLayout.Cpus];
            var seen = new SortedSet<int>();
            foreach (var (e, _) in events)
            {
                if (e.Agent >= DriverMixLayout.Cpus) continue;
                if (e.Site == start) polls[e.Agent] = 0;
                else if (e.Site == poll) polls[e.Agent]++;
                else if (e.Site == done) seen.Add(polls[e.Agent]);
            }
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, seen.ToArray(), $"{md.Sites[poll]}: polls per instance");
        }
    }
}
