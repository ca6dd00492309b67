using TraceTools.TraceFormat;

namespace TraceTools.Bench.Replay;

/// <summary>
/// A synthetic, bug-free driver loop held in memory as ready batches: per request a cpu fills a
/// 64-byte descriptor and a payload, rings the device with writel, the device reads both, writes a
/// completion and raises its interrupt; the cpu takes it, reads the status with readl and the
/// completion; every 64th request updates an IOMMU entry (clear, invalidate, payload, dma_wmb, present).
/// Two cpus hand the ring over through a lock. Deterministic: the same events for the same count.
/// </summary>
sealed class DriverWorkload
{
    public TraceMetadata Metadata { get; }
    public List<EventBatch> Batches { get; } = [];
    public long Events { get; private set; }

    public DriverWorkload(int requests, int batchSize = 4096)
    {
        Metadata = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu), new("cpu1", AgentKind.Cpu), new("dev", AgentKind.Device), new("iommu", AgentKind.Device)],
            Regions =
            [
                new() { Name = "ring", Kind = RegionKind.Ram, Base = 0x10_0000, Size = 0x1_0000 },
                new() { Name = "flags", Kind = RegionKind.Sync, Base = 0x20_0000, Size = 0x1000 },
                new() { Name = "regs", Kind = RegionKind.Mmio, Base = 0xf000_0000, Size = 0x100, Device = 2 },
                new() { Name = "ctx", Kind = RegionKind.Table, Base = 0x30_0000, Size = 256 * 16, Device = 3, Entries = 256, EntrySize = 16, Granule = 16, PresentBit = 0 },
            ],
            Locks = ["ring_lock"],
        };
        var batch = NewBatch(0, batchSize);
        var bytes = new byte[64];
        void Emit(EventKind kind, int agent, ulong address = 0, int size = 0, uint aux = 0, bool data = false, ulong? value = null)
        {
            if (batch.Count == batchSize)
            {
                Batches.Add(batch);
                batch = NewBatch(Events, batchSize);
            }
            Array.Fill(bytes, (byte)0);
            if (value is { } v) BitConverter.TryWriteBytes(bytes, v);
            else bytes[0] = (byte)(Events | 1);
            batch.Append(new TraceEvent(kind, (ushort)agent, address, size, aux), data ? bytes.AsSpan(0, size) : default);
            Events++;
        }
        ushort dmaWmb = BarrierCode.Linux("dma_wmb").Value, dmaRmb = BarrierCode.Linux("dma_rmb").Value;
        for (int i = 0; i < requests; i++)
        {
            int cpu = (i >> 6) & 1;
            ulong slot = 0x10_0000 + (ulong)(i % 256) * 128;
            if ((i & 63) == 0)
            {
                Emit(EventKind.Lock, cpu, aux: 0);
                ulong entry = 0x30_0000 + (ulong)(i / 64 % 256) * 16;
                Emit(EventKind.Store, cpu, entry, 8, data: true, value: 0);              // clear present
                Emit(EventKind.Barrier, cpu, aux: dmaWmb);
                Emit(EventKind.DevInvalidate, cpu, entry, 16, aux: 3);
                Emit(EventKind.Store, cpu, entry + 8, 8, data: true, value: (ulong)i << 12); // payload
                Emit(EventKind.Barrier, cpu, aux: dmaWmb);
                Emit(EventKind.Store, cpu, entry, 8, data: true, value: 1);              // set present
                Emit(EventKind.Fetch, 3, entry, 16, aux: 0);
            }
            Emit(EventKind.Store, cpu, slot, 64, data: true);           // descriptor
            Emit(EventKind.Store, cpu, slot + 64, 16, data: true);      // payload
            Emit(EventKind.Barrier, cpu, aux: dmaWmb);                  // writel
            Emit(EventKind.MmioWrite, cpu, 0xf000_0000, 4, data: true);
            Emit(EventKind.DmaRead, 2, slot, 64);
            Emit(EventKind.DmaRead, 2, slot + 64, 16);
            Emit(EventKind.DmaWrite, 2, slot + 80, 16, data: true);     // completion record
            Emit(EventKind.DmaWrite, 2, 0x20_0000 + (ulong)(i % 64) * 8, 8, data: true); // status word
            Emit(EventKind.RaiseIrq, 2);
            Emit(EventKind.TakeIrq, cpu, aux: 2);
            Emit(EventKind.MmioRead, cpu, 0xf000_0004, 4);              // readl
            Emit(EventKind.Barrier, cpu, aux: dmaRmb);
            Emit(EventKind.Load, cpu, 0x20_0000 + (ulong)(i % 64) * 8, 8);
            Emit(EventKind.Barrier, cpu, aux: dmaRmb);
            Emit(EventKind.Load, cpu, slot + 80, 16);
            if ((i & 63) == 63) Emit(EventKind.Unlock, cpu, aux: 0);
        }
        if (batch.Count > 0) Batches.Add(batch);
    }

    static EventBatch NewBatch(long first, int size)
    {
        var b = new EventBatch(size);
        b.Reset(first);
        return b;
    }
}
