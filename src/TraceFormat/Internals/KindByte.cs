namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The on-disk kind byte (low 4 bits kind nibble, bit 4 has-data, bit 5 has-site, bits 6..7 size code) and
/// 256-entry tables that turn it into everything the decode loop needs with one load. In v3 the nibble 15
/// means "extended": the kind is 15 + the event's byte in the extension column, and its facts come from
/// <see cref="Extended"/>, off the common path (the v3 table has 0 for those bytes, which sends the decode
/// loop to its rare branch).
/// </summary>
static class KindByte
{
    // Table entry bits. 0 means "invalid kind byte" (or, in v3, "extended: see the extension column").
    public const int ClassMask = 3;        // EventContext.CpuClass or DeviceClass
    public const int HasAddress = 1 << 2;
    public const int HasAux = 1 << 3;
    public const int HasData = 1 << 4;
    public const int HasSite = 1 << 5;
    public const int SlotShift = 6;        // address stream (AddressStreams) the kind's address deltas run in
    public const int IsExtended = 1 << 8;  // v3: the event has a byte in the extension column
    public const int FixedSizeShift = 16;  // size from the size code or fixed by the kind, 0: read the sizes column

    /// <summary>
    /// Address streams per agent: memory accesses, MMIO registers, table entries. An agent that walks a
    /// buffer, rings a doorbell and walks on keeps small deltas in each stream.
    /// </summary>
    public const int AddressStreams = 3;

    /// <summary>The address stream of a kind with an address (every extended kind with an address is in stream 0).</summary>
    public static int Slot(EventKind kind) => kind switch
    {
        EventKind.MmioWrite or EventKind.MmioRead => 1,
        EventKind.Fetch or EventKind.DevInvalidate => 2,
        _ => 0,
    };

    /// <summary>Decode facts per kind byte of v1 and v2, whose nibble 15 is raise_irq; 0 for a byte no writer produces.</summary>
    public static readonly int[] Table = Build(extendedNibble: false);

    /// <summary>Decode facts per kind byte of v3: nibbles 0..14 as in <see cref="Table"/>, nibble 15 always 0.</summary>
    public static readonly int[] TableV3 = Build(extendedNibble: true);

    /// <summary>
    /// v3 extended kinds: entry <c>ext × 16 + (kind byte &gt;&gt; 4)</c> holds the facts of kind 15 + ext
    /// with the kind byte's flag bits (has-data, has-site, size code); 0 when they are invalid for it.
    /// </summary>
    public static readonly int[] Extended = BuildExtended();

    /// <summary>The kind-byte table of a format version.</summary>
    public static int[] TableFor(int version) => version >= FormatLayout.ExtendedVersion ? TableV3 : Table;

    static int[] Build(bool extendedNibble)
    {
        var t = new int[256];
        for (int b = 0; b < 256; b++)
        {
            if (extendedNibble && (b & 0xF) == FormatLayout.ExtendedNibble) continue;
            t[b] = Entry((EventKind)(b & 0xF), b);
        }
        return t;
    }

    static int[] BuildExtended()
    {
        var t = new int[FormatLayout.ExtensionKinds * 16];
        for (int ext = 0; ext < FormatLayout.ExtensionKinds; ext++)
            for (int high = 0; high < 16; high++)
            {
                int f = Entry((EventKind)(FormatLayout.ExtendedNibble + ext), high << 4);
                t[ext * 16 + high] = f == 0 ? 0 : f | IsExtended;
            }
        return t;
    }

    /// <summary>The facts of <paramref name="kind"/> written with the flag bits of kind byte <paramref name="b"/>, or 0 when they do not fit the kind.</summary>
    static int Entry(EventKind kind, int b)
    {
        bool data = (b & FormatLayout.HasDataBit) != 0;
        bool site = (b & FormatLayout.HasSiteBit) != 0;
        int code = (b >> FormatLayout.SizeCodeShift) & 3;
        if (data && !kind.MayCarryData() && !kind.MustCarryData()) return 0;
        if (!data && kind.MustCarryData()) return 0;
        if (code != 0 && !kind.HasAddress()) return 0;
        int f = kind.IsCpuEvent() ? EventContext.CpuClass : EventContext.DeviceClass;
        if (kind.HasAddress()) f |= HasAddress;
        if (kind.HasAux()) f |= HasAux;
        if (data) f |= HasData;
        if (site) f |= HasSite;
        f |= Slot(kind) << SlotShift;
        // Firmware registers: a size fixed by the kind, with no address and nothing in the sizes column.
        int size = kind.HasAddress() ? FormatLayout.SizeOfCode(code) : kind.FixedSize();
        f |= size << FixedSizeShift;
        return f;
    }

    /// <summary>The table entry of an event's kind byte <paramref name="kb"/> in <paramref name="version"/> (0 when invalid).</summary>
    public static int EntryFor(int version, EventKind kind, byte kb) =>
        version >= FormatLayout.ExtendedVersion && (byte)kind >= FormatLayout.ExtendedNibble
            ? (byte)kind - FormatLayout.ExtendedNibble < FormatLayout.ExtensionKinds ? Extended[((byte)kind - FormatLayout.ExtendedNibble) * 16 + (kb >> 4)] : 0
            : TableFor(version)[kb];

    /// <summary>The kind byte the writer stores for an event (nibble 15 for every kind ≥ 15 in v3, with its extension byte elsewhere).</summary>
    public static byte Encode(in TraceEvent e, bool hasData)
    {
        int b = Math.Min((int)e.Kind, FormatLayout.ExtendedNibble);
        if (hasData) b |= FormatLayout.HasDataBit;
        if (e.Site >= 0) b |= FormatLayout.HasSiteBit;
        if (e.Kind.HasAddress()) b |= FormatLayout.CodeOfSize(e.Size) << FormatLayout.SizeCodeShift;
        return (byte)b;
    }
}
