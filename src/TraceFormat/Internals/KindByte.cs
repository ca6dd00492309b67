namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The on-disk kind byte (low 4 bits kind, bit 4 has-data, bit 5 has-site, bits 6..7 size code) and a
/// 256-entry table that turns it into everything the decode loop needs with one load.
/// </summary>
static class KindByte
{
    // Table entry bits. 0 means "invalid kind byte".
    public const int ClassMask = 3;        // EventContext.CpuClass or DeviceClass
    public const int HasAddress = 1 << 2;
    public const int HasAux = 1 << 3;
    public const int HasData = 1 << 4;
    public const int HasSite = 1 << 5;
    public const int SlotShift = 6;        // address stream (AddressStreams) the kind's address deltas run in
    public const int FixedSizeShift = 16;  // size from the size code, 0: read the sizes column

    /// <summary>
    /// Address streams per agent: memory accesses, MMIO registers, table entries. An agent that walks a
    /// buffer, rings a doorbell and walks on keeps small deltas in each stream.
    /// </summary>
    public const int AddressStreams = 3;

    /// <summary>The address stream of a kind with an address.</summary>
    public static int Slot(EventKind kind) => kind switch
    {
        EventKind.MmioWrite or EventKind.MmioRead => 1,
        EventKind.Fetch or EventKind.DevInvalidate => 2,
        _ => 0,
    };

    /// <summary>Decode facts per kind byte; 0 for a byte no writer produces.</summary>
    public static readonly int[] Table = Build();

    static int[] Build()
    {
        var t = new int[256];
        for (int b = 0; b < 256; b++)
        {
            var kind = (EventKind)(b & 0xF);
            bool data = (b & FormatLayout.HasDataBit) != 0;
            bool site = (b & FormatLayout.HasSiteBit) != 0;
            int code = b >> FormatLayout.SizeCodeShift;
            if (data && !kind.MayCarryData() && !kind.MustCarryData()) continue;
            if (!data && kind.MustCarryData()) continue;
            if (code != 0 && !kind.HasAddress()) continue;
            int f = kind.IsCpuEvent() ? EventContext.CpuClass : EventContext.DeviceClass;
            if (kind.HasAddress()) f |= HasAddress;
            if (kind.HasAux()) f |= HasAux;
            if (data) f |= HasData;
            if (site) f |= HasSite;
            f |= Slot(kind) << SlotShift;
            f |= FormatLayout.SizeOfCode(code) << FixedSizeShift;
            t[b] = f;
        }
        return t;
    }

    /// <summary>The kind byte the writer stores for an event.</summary>
    public static byte Encode(in TraceEvent e, bool hasData)
    {
        int b = (int)e.Kind;
        if (hasData) b |= FormatLayout.HasDataBit;
        if (e.Site >= 0) b |= FormatLayout.HasSiteBit;
        if (e.Kind.HasAddress()) b |= FormatLayout.CodeOfSize(e.Size) << FormatLayout.SizeCodeShift;
        return (byte)b;
    }
}
