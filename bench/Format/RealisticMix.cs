using TraceTools.TraceFormat;

namespace TraceTools.Bench.Format;

/// <summary>
/// A driver-like event mix from a fixed seed: two cpus walking descriptor rings and buffers with 4- and
/// 8-byte accesses at nearby addresses, a DMA engine reading descriptors and writing completions, barriers,
/// doorbells, status reads, a lock, interrupts, table fetches, and rare 64..4096-byte copies (about 1 in
/// 1000 events, half driver structures, half random payload). Stores, DMA writes and reads carry their
/// bytes, as the scenario generator records them.
/// </summary>
public static class RealisticMix
{
    const ulong Buffers = 0x8000_0000, Ring = 0x9000_0000, Regs = 0xfe00_0000, Table = 0x10_0000;

    /// <summary>The metadata of the mix.</summary>
    public static TraceMetadata Metadata { get; } = new()
    {
        Name = "realistic mix",
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("cpu1", AgentKind.Cpu), new("dma", AgentKind.Device), new("iommu", AgentKind.Device)],
        Regions =
        [
            new RegionInfo { Name = "bufs", Kind = RegionKind.Ram, Base = Buffers, Size = 1 << 24 },
            new RegionInfo { Name = "ring", Kind = RegionKind.Sync, Base = Ring, Size = 1 << 16 },
            new RegionInfo { Name = "regs", Kind = RegionKind.Mmio, Base = Regs, Size = 0x1000, Device = 2 },
            new RegionInfo { Name = "ctx", Kind = RegionKind.Table, Base = Table, Size = 256 * 16, Device = 3, Entries = 256, EntrySize = 16, Granule = 16 },
        ],
        Locks = ["ring_lock"],
        Sites = [.. Enumerable.Range(0, 200).Select(i => $"drv.c:{100 + i * 3}")],
    };

    /// <summary>Fills <paramref name="sink"/> with <paramref name="count"/> events of the mix.</summary>
    public static void Generate(IEventSink sink, int count, int seed = 42)
    {
        var rng = new Random(seed);
        Span<ulong> cursor = [Buffers, Buffers + 0x10_0000, Ring, 0];
        Span<byte> data = stackalloc byte[4096];
        int ringIndex = 0;
        bool locked = false;
        for (int n = 0; n < count; n++)
        {
            int roll = rng.Next(1000);
            ushort cpu = (ushort)(n / 64 % 2); // cpus run in bursts, like real interleavings
            int site = rng.Next(3) == 0 ? -1 : rng.Next(200);
            if (roll < 1)
            {
                // A copy: memcpy of a buffer by a cpu or a DMA write of a packet.
                int size = rng.Next(64, 4097);
                ulong at = Buffers + (ulong)rng.Next(0, (1 << 24) - 4096);
                // Half are driver structures (contexts, descriptor tables: words like the rest of the mix),
                // half are payloads (packets: random bytes that no codec shrinks).
                if (rng.Next(2) == 0) rng.NextBytes(data[..size]);
                else for (int o = 0; o < size; o += 8) Value(rng, data[o..Math.Min(size, o + 8)]);
                var kind = rng.Next(2) == 0 ? EventKind.Store : EventKind.DmaWrite;
                sink.Append(new TraceEvent(kind, kind == EventKind.Store ? cpu : (ushort)2, at, size, 0, site), data[..size]);
                continue;
            }
            int size4or8 = rng.Next(3) == 0 ? 8 : 4;
            switch (roll)
            {
                case < 300: // cpu load near its cursor
                {
                    ulong at = Step(ref cursor[cpu], rng);
                    Value(rng, data[..size4or8]);
                    sink.Append(new TraceEvent(EventKind.Load, cpu, at, size4or8, 0, site), data[..size4or8]);
                    break;
                }
                case < 600: // cpu store near its cursor
                {
                    ulong at = Step(ref cursor[cpu], rng);
                    Value(rng, data[..size4or8]);
                    sink.Append(new TraceEvent(EventKind.Store, cpu, at, size4or8, 0, site), data[..size4or8]);
                    break;
                }
                case < 680:
                    sink.Append(new TraceEvent(EventKind.Barrier, cpu, 0, 0, BarrierCode.Linux(rng.Next(2) == 0 ? "dma_wmb" : "smp_mb").Value, site), default);
                    break;
                case < 730: // doorbell: ring tail
                    ringIndex = (ringIndex + 1) & 0xFF;
                    BitConverter.TryWriteBytes(data, ringIndex);
                    sink.Append(new TraceEvent(EventKind.MmioWrite, cpu, Regs + 0x40, 4, 0, site), data[..4]);
                    break;
                case < 770:
                    sink.Append(new TraceEvent(EventKind.MmioRead, cpu, Regs + 0x44, 4, 0, site), default);
                    break;
                case < 870: // DMA reads a descriptor
                {
                    ulong at = Step(ref cursor[2], rng);
                    Value(rng, data[..8]);
                    sink.Append(new TraceEvent(EventKind.DmaRead, 2, at, 8, 0, -1), data[..8]);
                    break;
                }
                case < 950: // DMA writes a completion
                {
                    ulong at = Step(ref cursor[2], rng);
                    Value(rng, data[..size4or8]);
                    sink.Append(new TraceEvent(EventKind.DmaWrite, 2, at, size4or8, 0, -1), data[..size4or8]);
                    break;
                }
                case < 970:
                    sink.Append(new TraceEvent(locked ? EventKind.Unlock : EventKind.Lock, cpu, 0, 0, 0, site), default);
                    locked = !locked;
                    break;
                case < 985:
                {
                    ulong at = Table + (ulong)rng.Next(256) * 16;
                    Value(rng, data[..16]);
                    sink.Append(new TraceEvent(EventKind.Fetch, 3, at, 16, 0, -1), data[..16]);
                    break;
                }
                case < 992:
                    sink.Append(new TraceEvent(EventKind.RaiseIrq, 2, 0, 0), default);
                    break;
                default:
                    sink.Append(new TraceEvent(EventKind.TakeIrq, cpu, 0, 0, 2, site), default);
                    break;
            }
        }
    }

    /// <summary>Next address near the cursor: mostly the next word, sometimes a short jump back or ahead.</summary>
    static ulong Step(ref ulong cursor, Random rng)
    {
        cursor = rng.Next(8) switch
        {
            < 5 => cursor + 8,
            5 => cursor - (ulong)(rng.Next(1, 8) * 8),
            6 => cursor + (ulong)(rng.Next(1, 32) * 8),
            _ => cursor,
        };
        // Stay inside the 16 MiB buffer region.
        if (cursor < Buffers || cursor >= Buffers + (1 << 24) - 16) cursor = Buffers + 0x1000;
        return cursor;
    }

    /// <summary>Driver values: mostly small (indices, flags, lengths), some pointers, a few random words.</summary>
    static void Value(Random rng, Span<byte> into)
    {
        into.Clear();
        ulong v = rng.Next(10) switch
        {
            < 6 => (ulong)rng.Next(256),
            < 8 => Buffers + (ulong)rng.Next(1 << 20) * 8,
            _ => (ulong)rng.NextInt64(),
        };
        Span<byte> word = stackalloc byte[8];
        BitConverter.TryWriteBytes(word, v);
        word[..Math.Min(8, into.Length)].CopyTo(into);
    }
}
