using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// The system the <c>driver-mix</c> profile simulates: agent ids, regions and locks. Every resource a
/// protocol instance touches (descriptor, buffer, tag, PASID entry, dsp slot) belongs to one cpu, so a
/// reused address is always reused by the cpu that saw its last use complete (docs/synth.md, "Layout").
/// </summary>
public static class DriverMixLayout
{
    /// <summary>Number of cpus (agents 0..3).</summary>
    public const int Cpus = 4;
    /// <summary>The NIC: tx/rx descriptor rings, fetcher of both rings.</summary>
    public const int Nic = 4;
    /// <summary>The NVMe-like controller: one submission/completion queue pair.</summary>
    public const int Nvme = 5;
    /// <summary>The IOMMU: fetcher of the PASID table.</summary>
    public const int Iommu = 6;
    /// <summary>The noncoherent DSP.</summary>
    public const int Dsp = 7;
    /// <summary>A second NIC whose driver maps every rx buffer through the DMA API (and may lack a .shutdown).</summary>
    public const int Eth = 8;

    /// <summary>Bytes per tx/rx descriptor (one 16-byte granule: OWN word, then address/length/status).</summary>
    public const int DescSize = 16;
    /// <summary>Descriptors per cpu in each ring.</summary>
    public const int DescPerCpu = 64;
    /// <summary>Bytes per packet, command-data and dsp buffer.</summary>
    public const int BufferSize = 4096;
    /// <summary>NVMe tags (SQ slot, CQ slot, data buffer) per cpu.</summary>
    public const int TagsPerCpu = 16;
    /// <summary>Bytes per submission queue entry.</summary>
    public const int SqeSize = 64;
    /// <summary>Bytes per completion queue entry.</summary>
    public const int CqeSize = 16;
    /// <summary>PASID entries per cpu.</summary>
    public const int PasidPerCpu = 16;
    /// <summary>Bytes per PASID entry.</summary>
    public const int PasidEntrySize = 64;
    /// <summary>The IOMMU's atomic fetch granule.</summary>
    public const int PasidGranule = 16;
    /// <summary>dsp slots (input and output buffer) per cpu.</summary>
    public const int DspSlotsPerCpu = 4;
    /// <summary>eth rx buffers per cpu.</summary>
    public const int EthSlotsPerCpu = 4;

    /// <summary>Bytes of cpu-private driver state (request info, counters) per cpu.</summary>
    public const int DrvPrivPerCpu = 0x1000;
    /// <summary>Request info entries per request kind and cpu (a ring: reused in order).</summary>
    public const int InfoSlots = 16;
    /// <summary>Bytes per request info entry.</summary>
    public const int InfoSize = 32;
    /// <summary>Offset of the per-cpu counters (16 bytes per request kind) in a cpu's private state.</summary>
    public const int StatsOffset = 0x800;

    /// <summary>tx descriptor ring (table, OWN = present bit 0, fetcher nic).</summary>
    public const ulong TxRing = 0x1000_0000;
    /// <summary>rx descriptor ring (table, OWN = present bit 0, fetcher nic).</summary>
    public const ulong RxRing = 0x1000_1000;
    /// <summary>tx packet buffers (ram).</summary>
    public const ulong TxBuf = 0x1010_0000;
    /// <summary>rx packet buffers (ram).</summary>
    public const ulong RxBuf = 0x1020_0000;
    /// <summary>NVMe submission queue (ram: commands are data the device reads).</summary>
    public const ulong NvmeSq = 0x1000_3000;
    /// <summary>NVMe completion queue (sync: the phase word is polled).</summary>
    public const ulong NvmeCq = 0x1000_4000;
    /// <summary>NVMe data buffers (ram).</summary>
    public const ulong NvmeData = 0x1004_0000;
    /// <summary>Shared ring indices (sync): tx tail at +0, sq tail at +8, both under their locks.</summary>
    public const ulong RingIndex = 0x1000_4400;
    /// <summary>PASID table (table, entry 64, granule 16, present bit 0, fetcher iommu).</summary>
    public const ulong Pasid = 0x1000_2000;
    /// <summary>dsp input buffers (ram, cpu → dsp).</summary>
    public const ulong DspIn = 0x1001_0000;
    /// <summary>dsp output buffers (ram, dsp → cpu).</summary>
    public const ulong DspOut = 0x1002_0000;
    /// <summary>Cpu-private driver state (ram, <see cref="DrvPrivPerCpu"/> bytes per cpu): no device touches it.</summary>
    public const ulong DrvPriv = 0x1000_c000;
    /// <summary>NIC registers: tx tail doorbell at +0x10, rx tail doorbell at +0x20.</summary>
    public const ulong NicRegs = 0x1000_6000;
    /// <summary>NVMe registers: SQ tail doorbell at +0x1000, CQ head doorbell at +0x1004.</summary>
    public const ulong NvmeRegs = 0x1000_8000;
    /// <summary>IOMMU registers (declared for completeness; invalidations are <c>dev_invalidate</c> events).</summary>
    public const ulong IommuRegs = 0x1000_a000;
    /// <summary>dsp registers: doorbell at +0, status at +8.</summary>
    public const ulong DspRegs = 0x1000_b000;
    /// <summary>eth rx buffers (ram, eth → cpu, each mapped with dma_map while in use).</summary>
    public const ulong EthBuf = 0x1003_0000;
    /// <summary>eth registers: rx tail doorbell at +0x20.</summary>
    public const ulong EthRegs = 0x1000_5000;

    /// <summary>Lock ids (index into <see cref="TraceMetadata.Locks"/>).</summary>
    public const int TxLock = 0, SqLock = 1, PasidLock = 2;

    /// <summary>The lock names in id order.</summary>
    public static readonly string[] LockNames = ["tx_lock", "sq_lock", "pasid_lock"];

    /// <summary>Builds the trace header for <paramref name="arch"/>.</summary>
    public static TraceMetadata CreateMetadata(Arch arch, string name) => new()
    {
        Name = name,
        Arch = arch,
        Agents =
        [
            new("cpu0", AgentKind.Cpu), new("cpu1", AgentKind.Cpu), new("cpu2", AgentKind.Cpu), new("cpu3", AgentKind.Cpu),
            new("nic", AgentKind.Device), new("nvme", AgentKind.Device), new("iommu", AgentKind.Device),
            new("dsp", AgentKind.Device, Coherent: false), new("eth", AgentKind.Device),
        ],
        Regions =
        [
            Table("txring", TxRing, Cpus * DescPerCpu, DescSize, DescSize, Nic),
            Table("rxring", RxRing, Cpus * DescPerCpu, DescSize, DescSize, Nic),
            Plain("txbuf", RegionKind.Ram, TxBuf, (ulong)Cpus * DescPerCpu * BufferSize),
            Plain("rxbuf", RegionKind.Ram, RxBuf, (ulong)Cpus * DescPerCpu * BufferSize),
            Plain("nvme_sq", RegionKind.Ram, NvmeSq, (ulong)Cpus * TagsPerCpu * SqeSize),
            Plain("nvme_cq", RegionKind.Sync, NvmeCq, (ulong)Cpus * TagsPerCpu * CqeSize),
            Plain("nvme_data", RegionKind.Ram, NvmeData, (ulong)Cpus * TagsPerCpu * BufferSize),
            Plain("ring_idx", RegionKind.Sync, RingIndex, 0x40),
            Table("pasid", Pasid, Cpus * PasidPerCpu, PasidEntrySize, PasidGranule, Iommu),
            Plain("dsp_in", RegionKind.Ram, DspIn, (ulong)Cpus * DspSlotsPerCpu * BufferSize),
            Plain("dsp_out", RegionKind.Ram, DspOut, (ulong)Cpus * DspSlotsPerCpu * BufferSize),
            Plain("drv_priv", RegionKind.Ram, DrvPriv, (ulong)Cpus * DrvPrivPerCpu),
            Mmio("nic_regs", NicRegs, 0x1000, Nic),
            Mmio("nvme_regs", NvmeRegs, 0x2000, Nvme),
            Mmio("iommu_regs", IommuRegs, 0x1000, Iommu),
            Mmio("dsp_regs", DspRegs, 0x1000, Dsp),
            Plain("eth_buf", RegionKind.Ram, EthBuf, (ulong)Cpus * EthSlotsPerCpu * BufferSize),
            Mmio("eth_regs", EthRegs, 0x1000, Eth),
        ],
        Locks = LockNames,
        Sites = SynthSites.Names,
    };

    static RegionInfo Plain(string name, RegionKind kind, ulong start, ulong size) =>
        new() { Name = name, Kind = kind, Base = start, Size = size };

    static RegionInfo Mmio(string name, ulong start, ulong size, int device) =>
        new() { Name = name, Kind = RegionKind.Mmio, Base = start, Size = size, Device = device };

    static RegionInfo Table(string name, ulong start, int entries, int entrySize, int granule, int fetcher) => new()
    {
        Name = name, Kind = RegionKind.Table, Base = start, Size = (ulong)entries * (ulong)entrySize,
        Device = fetcher, Entries = (ulong)entries, EntrySize = (uint)entrySize, Granule = (uint)granule, PresentBit = 0,
    };
}
