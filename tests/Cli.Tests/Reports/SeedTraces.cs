using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>A seed trace with the findings model.md requires of it, written by hand (reports are tested without the engine).</summary>
public sealed record SeedTrace(TraceMetadata Metadata, EventBatch Events, List<Finding> Findings)
{
    public ReportInput Input(string path = "seed.trace", ReportStats? stats = null) =>
        new(Metadata, Findings, new BatchEventLookup(Events), path, Events.Count, stats);
}

/// <summary>Builds the seed cases of scenario-language.md event by event.</summary>
public static class SeedTraces
{
    static byte[] Le(ulong v, int n)
    {
        var b = new byte[n];
        for (int k = 0; k < n && k < 8; k++) b[k] = (byte)(v >> (8 * k));
        return b;
    }

    static Finding F(FindingKind k, long trigger, params (string Role, long Index)[] related) =>
        new(k, trigger, [.. related.Select(r => new RelatedEvent(RelatedRoles.Parse(r.Role), r.Index))]);

    public static SeedTrace HisiQm()
    {
        var md = new TraceMetadata
        {
            Name = "hisi_qm mailbox: dmb oshst after the stp doorbell",
            Arch = Arch.Arm64,
            Agents = [new AgentInfo("cpu0", AgentKind.Cpu), new AgentInfo("qm", AgentKind.Device)],
            Regions =
            [
                new RegionInfo { Name = "xqc", Kind = RegionKind.Ram, Base = 0x8000_0000, Size = 0x40 },
                new RegionInfo { Name = "qm_mb", Kind = RegionKind.Mmio, Base = 0xfe00_0000, Size = 0x10, Device = 1 },
            ],
            Sites = ["qm_set_and_get_xqc: memcpy", "qm_mb_write: stp", "qm_mb_write: dmb oshst", "qm: mailbox fetch"],
        };
        var b = new EventBatch(8);
        var payload = new byte[0x40];
        for (int k = 0; k < payload.Length; k++) payload[k] = (byte)(k + 1);
        b.Append(new TraceEvent(EventKind.Store, 0, 0x8000_0000, 0x40, 0, 0), payload);
        b.Append(new TraceEvent(EventKind.MmioWrite, 0, 0xfe00_0000, 16, 0, 1), Le(0x8000_0000, 16));
        b.Append(new TraceEvent(EventKind.Barrier, 0, 0, 0, BarrierCode.Arm64(false, 4).Value, 2), []);
        b.Append(new TraceEvent(EventKind.DmaRead, 1, 0x8000_0000, 0x40, 0, 3), payload);
        return new(md, b, [F(FindingKind.StaleDmaRead, 3, ("store", 0), ("publish", 1))]);
    }

    public static SeedTrace VtdPasid()
    {
        var md = new TraceMetadata
        {
            Name = "vt-d: fetcher reads present=1, cpu clears present and mangles qword 1",
            Arch = Arch.X86_64,
            Agents = [new AgentInfo("cpu0", AgentKind.Cpu), new AgentInfo("iommu", AgentKind.Device)],
            Regions =
            [
                new RegionInfo
                {
                    Name = "pasid", Kind = RegionKind.Table, Base = 0x10_0000, Size = 64 * 64, Device = 1,
                    Entries = 64, EntrySize = 64, Granule = 16, PresentBit = 0,
                },
            ],
            Sites = ["pasid_clear_entry", "pasid_set_bits"],
        };
        const ulong e7 = 0x10_0000 + 7 * 64;
        var b = new EventBatch(8);
        b.Append(new TraceEvent(EventKind.Store, 0, e7, 8), Le(1, 8));
        b.Append(new TraceEvent(EventKind.Store, 0, e7 + 16, 8), Le(0xaaaa, 8));
        b.Append(new TraceEvent(EventKind.Fetch, 1, e7, 16, 0), Le(1, 16));
        b.Append(new TraceEvent(EventKind.Store, 0, e7, 8, 0, 0), Le(0, 8));
        b.Append(new TraceEvent(EventKind.Store, 0, e7 + 16, 8, 0, 1), Le(0xbbbb, 8));
        b.Append(new TraceEvent(EventKind.Fetch, 1, e7 + 16, 16, 1), Le(0xbbbb, 16));
        return new(md, b,
        [
            F(FindingKind.MissingFlushAfterClear, 4, ("clear", 3)),
            F(FindingKind.TornEntryFetch, 5, ("first-granule", 2), ("store", 4)),
        ]);
    }

    public static SeedTrace ContextEntry()
    {
        var md = new TraceMetadata
        {
            Name = "context entry: payload then present, no dma_wmb (arm64 port)",
            Arch = Arch.Arm64,
            Agents = [new AgentInfo("cpu0", AgentKind.Cpu), new AgentInfo("iommu", AgentKind.Device)],
            Regions =
            [
                new RegionInfo
                {
                    Name = "ctx", Kind = RegionKind.Table, Base = 0x20_0000, Size = 256 * 16, Device = 1,
                    Entries = 256, EntrySize = 16, Granule = 16, PresentBit = 0,
                },
            ],
            Sites = ["context_set_address_root", "context_set_present"],
        };
        const ulong e3 = 0x20_0000 + 3 * 16;
        var b = new EventBatch(4);
        b.Append(new TraceEvent(EventKind.Store, 0, e3 + 8, 8, 0, 0), Le(0x1234_5000, 8));
        b.Append(new TraceEvent(EventKind.Store, 0, e3, 8, 0, 1), Le(1, 8));
        var entry = new byte[16];
        Le(1, 8).CopyTo(entry, 0);
        Le(0x1234_5000, 8).CopyTo(entry, 8);
        b.Append(new TraceEvent(EventKind.Fetch, 1, e3, 16, 0), entry);
        return new(md, b, [F(FindingKind.PresentBeforePayload, 1, ("payload", 0))]);
    }
}
