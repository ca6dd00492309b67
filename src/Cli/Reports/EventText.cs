using TraceTools.Replay.Findings;
using System.Globalization;
using RegionInfo = TraceTools.TraceFormat.RegionInfo;
using TraceTools.TraceFormat;
using TraceTools.Scenarios.Writing;

namespace TraceTools.Cli.Reports;

/// <summary>How reports spell events, addresses and byte ranges: by region name and offset, as a driver engineer reads them.</summary>
public static class EventText
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><c>0x80000000</c>: lowercase hex with the 0x prefix.</summary>
    public static string Hex(ulong value) => string.Create(Inv, $"0x{value:x}");

    /// <summary>
    /// An address as <c>REGION+0xOFF</c>, <c>TABLE[E]+0xOFF</c> for table entries, a bare register name for
    /// offset 0 of an mmio region, or plain hex outside every region.
    /// </summary>
    public static string Where(TraceMetadata md, ulong addr)
    {
        var r = md.RegionAt(addr);
        if (r is null) return Hex(addr);
        ulong off = addr - r.Base;
        if (r.Kind == RegionKind.Mmio) return off == 0 ? r.Name : $"{r.Name}+{Hex(off)}";
        if (r.Kind == RegionKind.Table) return $"{Entry(r, off / r.EntrySize)}+{Hex(off % r.EntrySize)}";
        return $"{r.Name}+{Hex(off)}";
    }

    /// <summary>A byte range as <c>xqc+0x0..0x40</c> (end exclusive), entry-relative for table entries.</summary>
    public static string Range(TraceMetadata md, ulong addr, ulong size)
    {
        var r = md.RegionAt(addr);
        if (r is null) return $"{Hex(addr)}..{Hex(addr + size)}";
        ulong off = addr - r.Base;
        if (r.Kind == RegionKind.Table && (off % r.EntrySize) + size <= r.EntrySize)
            return $"{Entry(r, off / r.EntrySize)}+{Hex(off % r.EntrySize)}..{Hex(off % r.EntrySize + size)}";
        return $"{r.Name}+{Hex(off)}..{Hex(off + size)}";
    }

    /// <summary><c>pasid[7]</c>.</summary>
    public static string Entry(RegionInfo table, ulong index) => string.Create(Inv, $"{table.Name}[{index}]");

    /// <summary>The table entry an address falls in, or null outside tables.</summary>
    public static (RegionInfo Table, ulong Index)? EntryAt(TraceMetadata md, ulong addr)
    {
        var r = md.RegionAt(addr);
        return r is { Kind: RegionKind.Table } ? (r, (addr - r.Base) / r.EntrySize) : null;
    }

    /// <summary>
    /// True when a <c>dev_invalidate</c> of <paramref name="device"/> at <paramref name="address"/>/<paramref name="size"/>
    /// covers the table entry holding <paramref name="entryAddress"/>: by the entry's fetcher, of that entry or of all
    /// (address and size 0). What a missing-flush-after-clear's ladder marks and its help names.
    /// </summary>
    public static bool InvalidatesEntry(TraceMetadata md, ulong entryAddress, uint device, ulong address, int size)
    {
        if (EntryAt(md, entryAddress) is not var (table, index) || device != (uint)table.Device) return false;
        return (address == 0 && size == 0) || address == table.Base + index * table.EntrySize;
    }

    /// <summary>True when the event's address means something (false for barriers, locks, interrupts, <c>dev_invalidate all</c>, the v3 kinds without an address).</summary>
    public static bool HasAddress(in TraceEvent e) => e.Kind switch
    {
        EventKind.DevInvalidate => e.Size != 0,
        _ => e.Kind.HasAddress(),
    };

    /// <summary>A related event's role as reports print it (<c>publish</c>): the one place that knows how a role is spelled.</summary>
    public static string Role(RelatedEvent r) => r.Role.Name();

    /// <summary>The agent's name.</summary>
    public static string Agent(TraceMetadata md, int agent) =>
        agent >= 0 && agent < md.Agents.Count ? md.Agents[agent].Name : string.Create(Inv, $"agent{agent}");

    /// <summary>The event's site, or null.</summary>
    public static string? Site(TraceMetadata md, in TraceEvent e) =>
        e.Site >= 0 && e.Site < md.Sites.Count ? md.Sites[e.Site] : null;

    /// <summary>Written bytes as the scenario language spells them (<see cref="ScenarioWriter.FormatValue"/>).</summary>
    public static string Value(ReadOnlySpan<byte> data) => ScenarioWriter.FormatValue(data);

    /// <summary>
    /// One event as the ladder shows it: <c>#0 store xqc+0x0 size 64</c>, <c>#1 mmio_write qm_mb = 0x80000000</c>,
    /// <c>#2 barrier dmb.oshst</c>, <c>#5 fetch pasid[7] granule 1</c>. Writes of up to 8 bytes show their value,
    /// unless the trace says its memory values were not recorded (<see cref="ShowsValue"/>).
    /// </summary>
    public static string Describe(TraceMetadata md, long index, in TraceEvent e, ReadOnlySpan<byte> data)
    {
        string op = e.Kind.OpName();
        string body = e.Kind switch
        {
            EventKind.MmioWrite => $"{op} {Where(md, e.Address)} {Value(data)}",
            EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg when ShowsValue(md, e, data) =>
                $"{op} {Where(md, e.Address)} size {e.Size} {Value(data)}",
            EventKind.Barrier => $"{op} {new BarrierCode((ushort)e.Aux)}",
            EventKind.DevInvalidate => $"{op} {Agent(md, (int)e.Aux)} {(e.Size == 0 ? "all" : EntryName(md, e.Address))}",
            EventKind.Lock or EventKind.Unlock => $"{op} {(e.Aux < md.Locks.Count ? md.Locks[(int)e.Aux] : string.Create(Inv, $"lock{e.Aux}"))}",
            EventKind.TakeIrq => $"{op} {Agent(md, (int)e.Aux)}",
            EventKind.RaiseIrq => op,
            EventKind.Fetch => string.Create(Inv, $"{op} {EntryName(md, e.Address)} granule {e.Aux}"),
            EventKind.FirmwareCall or EventKind.FirmwareReturn => Firmware(e, data),
            // v3 kinds, generically: op and operands (their issues' helpers may refine them).
            EventKind.Handover => op,
            EventKind.Quiesce => $"{op} {Agent(md, (int)e.Aux)}",
            EventKind.IommuMode => $"{op} {Agent(md, EventOperands.Device(e.Aux))} {EventOperands.Treatment(e.Aux).Name()}",
            EventKind.DmaMap => string.Create(Inv, $"{op} {Where(md, e.Address)} size {e.Size} device {Agent(md, EventOperands.Device(e.Aux))} {EventOperands.Direction(e.Aux).Name()}"),
            EventKind.DmaUnmap => string.Create(Inv, $"{op} {Where(md, e.Address)} size {e.Size} device {Agent(md, (int)e.Aux)}"),
            _ => string.Create(Inv, $"{op} {Where(md, e.Address)} size {e.Size}"),
        };
        return string.Create(Inv, $"#{index} {body}");
    }

    /// <summary><c>smc 0x8400006d FFA_RUN</c>, <c>ret x0=0xc400008e FFA_MSG_SEND_DIRECT_RESP2</c>: the op and x0, named when FF-A knows it.</summary>
    static string Firmware(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        string op = FirmwareSteps.OpName(e);
        if (data.Length != EventKinds.RegisterBytes) return op;
        ulong x0 = FirmwareSteps.Register(data, 0);
        string name = TraceTools.Detectors.Smccc.FfaFunctions.NameOf(x0) is { } n ? " " + n : "";
        return e.Kind == EventKind.FirmwareCall ? $"{op} {Hex(x0)}{name}" : $"{op} x0={Hex(x0)}{name}";
    }

    /// <summary>
    /// True when a write's value is shown, in the ladder and in JSON: an MMIO write's always; a memory write's (store,
    /// dma_write, store_release, xchg) when it is up to 8 bytes and recorded. A trace whose memory values were not
    /// recorded (QEMU's plugin API 1) carries the scenario pattern instead, which a report must not present as what the
    /// program stored; such a write shows only its size, as a larger store does.
    /// </summary>
    public static bool ShowsValue(TraceMetadata md, in TraceEvent e, ReadOnlySpan<byte> data) => e.Kind switch
    {
        EventKind.MmioWrite => !data.IsEmpty,
        EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg =>
            data.Length == e.Size && e.Size <= 8 && md.RecordsValueOf(e.Kind),
        _ => false,
    };

    static string EntryName(TraceMetadata md, ulong addr) => EntryAt(md, addr) is { } en ? Entry(en.Table, en.Index) : Where(md, addr);
}
