using System.Buffers.Binary;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Tests.Synth;

/// <summary>
/// A small protocol oracle, independent of the replay: in a clean run every publish is preceded by the
/// barrier the protocol needs (docs/synth.md), every read of device data by a read barrier or an
/// interrupt, every noncoherent buffer by its cache maintenance.
/// </summary>
[TestClass]
public sealed class DriverMixProtocolTests
{
    static readonly uint Wmb = BarrierCode.Linux("wmb").Value, DmaWmb = BarrierCode.Linux("dma_wmb").Value,
        DmaRmb = BarrierCode.Linux("dma_rmb").Value;

    /// <summary>Returns one line per protocol step that lacks its barrier or cache operation.</summary>
    static List<string> Violations(TraceMetadata md, List<RecordedEvent> events)
    {
        var problems = new List<string>();
        var payloadUnordered = new HashSet<(int Cpu, ulong Entry)>();
        var sqeUnordered = new bool[Cpus];
        var acquirePending = new bool[Cpus];
        var dspDirty = new bool[Cpus];
        var cleanIncomplete = new bool[Cpus];
        var invalidated = new HashSet<(int Cpu, ulong Address)>();
        var quiesced = new HashSet<(int Cpu, int Device)>();
        for (int i = 0; i < events.Count; i++)
        {
            var (e, data) = events[i];
            int cpu = e.Agent;
            if (!e.Kind.IsCpuEvent()) continue;
            string name = e.Kind.HasAddress() ? md.RegionAt(e.Address)!.Name : "";
            switch (e.Kind)
            {
                case EventKind.Barrier:
                    if (e.Aux == Wmb || e.Aux == DmaWmb)
                    {
                        payloadUnordered.RemoveWhere(p => p.Cpu == cpu);
                        sqeUnordered[cpu] = false;
                    }
                    if (e.Aux == Wmb) cleanIncomplete[cpu] = false;
                    if (e.Aux == DmaRmb) acquirePending[cpu] = false;
                    break;
                case EventKind.Store when name is "txring" or "rxring" or "pasid":
                    var region = md.RegionAt(e.Address)!;
                    ulong entry = e.Address - (e.Address - region.Base) % region.EntrySize;
                    if (e.Address != entry) payloadUnordered.Add((cpu, entry));
                    else if (BinaryPrimitives.ReadUInt64LittleEndian(data) == 1)
                    {
                        if (payloadUnordered.Any(p => p.Entry == entry)) problems.Add($"#{i} present set before the payload is ordered");
                        payloadUnordered.RemoveWhere(p => p.Entry == entry);
                    }
                    break;
                case EventKind.Store when name == "nvme_sq":
                    sqeUnordered[cpu] = true;
                    break;
                case EventKind.Store when name == "dsp_in":
                    dspDirty[cpu] = true;
                    break;
                case EventKind.CacheClean:
                    dspDirty[cpu] = false;
                    cleanIncomplete[cpu] = true;
                    break;
                case EventKind.CacheInval:
                    invalidated.Add((cpu, e.Address));
                    break;
                case EventKind.TakeIrq:
                    invalidated.RemoveWhere(p => p.Cpu == cpu);
                    break;
                case EventKind.MmioWrite when name == "nvme_regs" && e.Address == NvmeRegs + 0x1000:
                    if (sqeUnordered[cpu]) problems.Add($"#{i} SQ doorbell without wmb after the SQE");
                    break;
                case EventKind.MmioWrite when name == "dsp_regs":
                    if (dspDirty[cpu] || cleanIncomplete[cpu]) problems.Add($"#{i} dsp doorbell before a completed clean");
                    break;
                case EventKind.Load when (name == "rxring" && e.Address % DescSize == 0) || (name == "nvme_cq" && e.Size == 4 && e.Address % CqeSize == 12):
                    acquirePending[cpu] = true;
                    break;
                case EventKind.Load when name is "rxbuf" or "nvme_data" || (name == "rxring" && e.Address % DescSize == 8):
                    if (acquirePending[cpu]) problems.Add($"#{i} device data read without dma_rmb after the poll");
                    break;
                case EventKind.MmioWrite when name == "eth_regs":
                    quiesced.RemoveWhere(p => p.Cpu == cpu);
                    break;
                case EventKind.Quiesce:
                    quiesced.Add((cpu, (int)e.Aux));
                    break;
                case EventKind.Handover:
                    foreach (int d in new[] { Nic, Nvme, Dsp, Eth })
                        if (!quiesced.Contains((cpu, d))) problems.Add($"#{i} handover with {md.Agents[d].Name} not quiesced since the last eth refill");
                    break;
                case EventKind.Load when name == "dsp_out":
                    if (!invalidated.Contains((cpu, e.Address))) problems.Add($"#{i} dsp result read without cache invalidate");
                    break;
            }
        }
        return problems;
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.ArchsAndSeeds), typeof(Synthesize))]
    public void CleanRun_EveryPublishAndReadHasItsBarrier(Arch arch, ulong seed)
    {
        var (generator, events, truth) = Synthesize.Record(arch, seed, 30_000, 0);
        Assert.AreEqual(0, truth.Count);
        var problems = Violations(generator.Metadata, events);
        Assert.AreEqual(0, problems.Count, string.Join("; ", problems.Take(5)));
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void InjectedRun_OracleSeesTheMissingBarriers(Arch arch)
    {
        var (generator, events, _) = Synthesize.Record(arch, 4, 100_000, 0.3);
        var problems = Violations(generator.Metadata, events);
        foreach (var kind in new[] { "present set", "SQ doorbell", "dsp doorbell", "without dma_rmb", "without cache invalidate", "not quiesced" })
            Assert.IsTrue(problems.Any(p => p.Contains(kind, StringComparison.Ordinal)), $"no '{kind}' among {problems.Count}");
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.Sc)]
    public void Metadata_DescribesFourCpusFiveDevices(Arch arch)
    {
        var md = new DriverMixGenerator(new SynthOptions { Events = 1, Arch = arch }).Metadata;
        Assert.AreEqual(4, md.Agents.Count(a => a.IsCpu));
        CollectionAssert.AreEqual(new[] { "nic", "nvme", "iommu", "dsp", "eth" }, md.Agents.Where(a => !a.IsCpu).Select(a => a.Name).ToArray());
        Assert.AreEqual("eth", md.Agents[Eth].Name);
        Assert.IsFalse(md.Agents[Dsp].Coherent);
        var pasid = md.Regions.Single(r => r.Name == "pasid");
        Assert.AreEqual((RegionKind.Table, 64u, 16u, Iommu), (pasid.Kind, pasid.EntrySize, pasid.Granule, pasid.Device));
        var sorted = md.Regions.OrderBy(r => r.Base).ToList();
        for (int i = 1; i < sorted.Count; i++) Assert.IsTrue(sorted[i - 1].End <= sorted[i].Base, $"{sorted[i - 1].Name} overlaps {sorted[i].Name}");
    }

    // docs/synth.md, NIC tx clean-up: "lock tx_lock; load desc+0; barrier dma_rmb; load desc+8 (status); unlock tx_lock".
    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    public void CleanRun_TxCleanUp_DmaRmbBetweenOwnAndStatusLoads(Arch arch)
    {
        var (_, events, _) = Synthesize.Record(arch, 2, 30_000, 0);
        int checkedLoads = 0;
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i].Event;
            if (e.Kind != EventKind.Load || e.Address < TxRing || e.Address >= TxRing + DescPerCpu * Cpus * DescSize || e.Address % DescSize != 8) continue;
            int own = events.FindLastIndex(i, r => r.Event.Agent == e.Agent && r.Event.Kind == EventKind.Load && r.Event.Address == e.Address - 8);
            Assert.IsGreaterThanOrEqualTo(0, own, $"#{i}: status load without an OWN load before it");
            var between = events.GetRange(own + 1, i - own - 1).Where(r => r.Event.Agent == e.Agent).Select(r => r.Event).ToList();
            Assert.IsTrue(between.Count == 1 && between[0].Kind == EventKind.Barrier && between[0].Aux == DmaRmb, $"#{i}: {string.Join(", ", between)} between the OWN load #{own} and the status load");
            checkedLoads++;
        }
        Assert.IsGreaterThan(100, checkedLoads);
    }

    // docs/synth.md: a writel doorbell (NIC tx and rx tail, eth rx tail) is dma_wmb then the MMIO write, in every instance.
    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    public void CleanRun_WritelDoorbell_DmaWmbRightBefore(Arch arch)
    {
        var (generator, events, _) = Synthesize.Record(arch, 6, 100_000, 0);
        var writel = generator.Metadata.Sites.Select((name, id) => (name, id)).Where(s => s.name.Contains("writel(tail", StringComparison.Ordinal)).Select(s => s.id).ToHashSet();
        Assert.HasCount(3, writel);
        int doorbells = 0;
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i].Event;
            if (e.Kind != EventKind.MmioWrite || !writel.Contains(e.Site)) continue;
            doorbells++;
            var before = events[i - 1].Event;
            Assert.AreEqual((EventKind.Barrier, DmaWmb, e.Agent), (before.Kind, before.Aux, before.Agent), $"#{i - 1} before the doorbell #{i}");
        }
        Assert.IsGreaterThan(1000, doorbells);
    }
}
