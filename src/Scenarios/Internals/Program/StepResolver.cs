using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Program;

/// <summary>
/// Turns a step's operand expressions into an event's address, size and aux, enforcing the language's
/// Precise rules (regions, region kinds, entry ranges, sizes). Used at compile time for constant steps and
/// by the generator for steps that read loop variables, so both report the same errors.
/// </summary>
sealed class StepResolver(RegionInfo[] regions)
{
    readonly RegionInfo[] _regions = regions;
    /// <summary>Made on the first access outside the region its operand names (a scenario may declare 65,536).</summary>
    RegionsByAddress? _byAddress;

    /// <summary>Computes address, size and aux of an event step; throws a <see cref="ScenarioException"/> on any rule broken.</summary>
    public void Resolve(Step s, ulong[] vars, out ulong address, out int size, out uint aux, out int region)
    {
        aux = s.Aux;
        switch (s.Kind)
        {
            case EventKind.Fetch:
                ResolveFetch(s, vars, out address, out size, out aux, out region);
                return;
            case EventKind.DevInvalidate:
                if (s.Address is null) { address = 0; size = 0; region = -1; return; }
                region = s.Address.Region;
                address = EntryBase(s.Address, vars);
                size = (int)_regions[region].EntrySize;
                return;
            case EventKind.Barrier or EventKind.Lock or EventKind.Unlock or EventKind.TakeIrq or EventKind.RaiseIrq
                or EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover:
                address = 0; size = 0; region = -1;
                return;
            case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                address = 0; size = EventKinds.RegisterBytes; region = -1;
                return;
        }
        ResolveAccess(s, vars, out address, out size, out region);
    }

    /// <summary>The hot path for memory, MMIO and cache accesses whose operands read loop variables.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ResolveAccess(Step s, ulong[] vars, out ulong address, out int size, out int region)
    {
        var a = s.Address!;
        address = a.Entry is null ? _regions[a.Region].Base : EntryBase(a, vars);
        if (a.Offset is not null)
        {
            ulong off = a.Offset.Eval(vars);
            ulong sum = address + off;
            if (sum < address) ScenarioThrow.At(a.Pos, $"address 0x{address:x} + 0x{off:x} is outside every region (beyond 2^64)");
            address = sum;
        }
        size = s.ConstSize != 0 ? s.ConstSize : CheckSize(s.Size!, vars);
        region = a.Region;
        if (!_regions[region].Contains(address, (ulong)size) || !s.BaseRegionAllowed)
        {
            region = FindRegionSlow(a, address, (ulong)size);
            CheckRegionKind(s, region);
        }
    }

    public static int CheckSize(Expr sizeExpr, ulong[] vars)
    {
        ulong n = sizeExpr.Eval(vars);
        if (n is 0 or > TraceEvent.MaxSize)
            ScenarioThrow.At(sizeExpr.Pos, $"size {n} is out of range: expected 1..{TraceEvent.MaxSize}");
        return (int)n;
    }

    ulong EntryBase(AddressOperand a, ulong[] vars)
    {
        var r = _regions[a.Region];
        if (a.Entry is null) return r.Base;
        ulong idx = a.Entry.Eval(vars);
        if (idx >= r.Entries)
            ScenarioThrow.At(a.Entry.Pos, $"entry index {idx} is out of range for table '{r.Name}' (0..{r.Entries - 1})");
        return r.Base + idx * r.EntrySize;
    }

    void ResolveFetch(Step s, ulong[] vars, out ulong address, out int size, out uint aux, out int region)
    {
        var a = s.Address!;
        region = a.Region;
        var t = _regions[region];
        ulong entryBase = EntryBase(a, vars);
        ulong g = s.Granule!.Eval(vars);
        ulong granules = t.EntrySize / t.Granule;
        if (g >= granules)
            ScenarioThrow.At(s.Granule.Pos, $"granule {g} is out of range for table '{t.Name}' (0..{granules - 1}: entry_size {t.EntrySize} / granule {t.Granule})");
        address = entryBase + g * t.Granule;
        size = (int)t.Granule;
        aux = (uint)g;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    int FindRegionSlow(AddressOperand a, ulong address, ulong size)
    {
        // Regions do not overlap (the parser refuses it), so the one holding the first byte is the only candidate.
        int i = (_byAddress ??= new RegionsByAddress(_regions)).IdAt(address);
        if (i < 0) ScenarioThrow.Unmapped(a.Pos, "outside every region", $"address 0x{address:x} is outside every region (expected an address inside a declared region)");
        var r = _regions[i];
        if (!r.Contains(address, size))
            ScenarioThrow.Unmapped(a.Pos, "straddles a region's end", $"access 0x{address:x}..0x{address + size:x} (size {size}) straddles the end of region '{r.Name}' (0x{r.Base:x}..0x{r.End:x})");
        return i;
    }

    /// <summary>Whether <paramref name="s"/>'s op may touch the kind of region <paramref name="region"/> (mmio ops only mmio, the rest never).</summary>
    public bool KindAllowed(Step s, int region) =>
        (s.Kind is EventKind.MmioWrite or EventKind.MmioRead) == (_regions[region].Kind == RegionKind.Mmio);

    void CheckRegionKind(Step s, int region)
    {
        var r = _regions[region];
        bool mmioOp = s.Kind is EventKind.MmioWrite or EventKind.MmioRead;
        if (mmioOp && r.Kind != RegionKind.Mmio)
            ScenarioThrow.Unmapped(s.Address!.Pos, "mmio access outside mmio regions", $"'{s.Kind.OpName()}' needs an mmio region, but '{r.Name}' is {KindName(r.Kind)}");
        if (!mmioOp && r.Kind == RegionKind.Mmio)
            ScenarioThrow.Unmapped(s.Address!.Pos, "memory access to an mmio region", $"'{s.Kind.OpName()}' may not touch mmio region '{r.Name}' (use mmio_write/mmio_read, writel/readl)");
    }

    static string KindName(RegionKind k) => k switch
    {
        RegionKind.Ram => "a ram region",
        RegionKind.Sync => "a sync region",
        RegionKind.Mmio => "an mmio region",
        _ => "a table",
    };

    /// <summary>Writes VALUE little-endian, zero-extended, into <paramref name="dst"/>; a VALUE that does not fit is an error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteValue(ulong value, Span<byte> dst, in SourcePos pos)
    {
        int n = dst.Length;
        if (n < 8 && (value >> (8 * n)) != 0)
            ScenarioThrow.At(pos, $"value 0x{value:x} does not fit in {n} byte{(n == 1 ? "" : "s")}");
        switch (n)
        {
            case 1: dst[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(dst, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(dst, (uint)value); break;
            case >= 8:
                BinaryPrimitives.WriteUInt64LittleEndian(dst, value);
                dst[8..].Clear();
                break;
            default:
                for (int i = 0; i < n; i++) { dst[i] = (byte)value; value >>= 8; }
                break;
        }
    }

    /// <summary>Writes VALUE little-endian, zero-extended, into <paramref name="dst"/>; the caller checked that it fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteValueUnchecked(ulong value, Span<byte> dst)
    {
        if (dst.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(dst, value);
            dst[8..].Clear();
            return;
        }
        for (int i = 0; i < dst.Length; i++) { dst[i] = (byte)value; value >>= 8; }
    }

    /// <summary>Copies explicit <c>bytes "HEX"</c>; their count must equal the size.</summary>
    public static void WriteBytes(byte[] bytes, Span<byte> dst, in SourcePos pos)
    {
        if (bytes.Length != dst.Length)
            ScenarioThrow.At(pos, $"bytes \"...\" holds {bytes.Length} byte{(bytes.Length == 1 ? "" : "s")} but the size is {dst.Length}: expected exactly {2 * dst.Length} hex digits");
        bytes.CopyTo(dst);
    }
}
