using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>
/// What a <see cref="LineImporter"/> writes to, one per input file: events (checked against the layout),
/// sites, agents, and the lines it skips or cannot read. Every error and count names <see cref="File"/>
/// and <see cref="Line"/>, which the framework keeps current.
/// </summary>
public sealed partial class ImportSink
{
    readonly ImportRun _run;

    internal ImportSink(ImportRun run, string file, int input)
    {
        _run = run;
        File = file;
        Input = input;
    }

    /// <summary>The input file as given on the command line (<c>-</c> for stdin).</summary>
    public string File { get; }

    /// <summary>0-based position of this input on the command line.</summary>
    public int Input { get; }

    /// <summary>1-based number of the line being read.</summary>
    public long Line { get; internal set; }

    /// <summary>The layout the addresses and agents map to.</summary>
    public ImportLayout Layout => _run.Layout;

    /// <summary>The options of this import.</summary>
    public ImportOptions Options => _run.Options;

    // ---- events ----

    /// <summary>
    /// Marks the trace's memory values as not recorded (<see cref="TraceMetadata.MemoryValuesRecorded"/> false): call
    /// when a store or DMA write carries stand-in bytes because the input gives none (the qemu importer on QEMU 7.2).
    /// Reports and <c>dump</c> then show no value for any memory write of the trace, not only the stand-ins.
    /// </summary>
    public void MemoryValuesNotRecorded() => _run.MemoryValuesNotRecorded = true;

    /// <summary>
    /// An access without bytes (load, MMIO read, cache op, DMA read) at <paramref name="time"/> (ns, the
    /// merge key). False when it falls outside the layout and is skipped (<c>--skip-unmapped</c>); the error points
    /// at <paramref name="column"/> (1-based, where the line gives the address; 0 for none).
    /// </summary>
    public bool Access(ulong time, EventKind kind, int agent, ulong address, int size, int site, int column = 0) =>
        Access(time, kind, agent, address, size, default, site, column);

    /// <summary>An access carrying <paramref name="data"/> (exactly <paramref name="size"/> bytes, or none where the kind allows).</summary>
    public bool Access(ulong time, EventKind kind, int agent, ulong address, int size, ReadOnlySpan<byte> data, int site, int column = 0)
    {
        if (!kind.HasAddress() || kind is EventKind.Fetch or EventKind.DevInvalidate)
            ImportThrow.Argument($"{kind.OpName()} is not a plain access", nameof(kind));
        if (!Mapped(kind, address, size, column)) return false;
        Enqueue(time, new TraceEvent(kind, (ushort)agent, address, size, 0, site), data);
        return true;
    }

    /// <summary>
    /// An access carrying a value of 1..8 bytes, little-endian (MMIO writes and reads with their value).
    /// A value that does not fit in <paramref name="size"/> bytes is a malformed line, at <paramref name="valueColumn"/>;
    /// an address outside the layout is reported at <paramref name="addressColumn"/> (1-based, 0 for none).
    /// </summary>
    public bool AccessValue(ulong time, EventKind kind, int agent, ulong address, int size, ulong value, int site, int addressColumn = 0, int valueColumn = 0)
    {
        if (size is < 1 or > 8) return Malformed($"width of {size} bytes for a value (expected 1..8)");
        if (size < 8 && value >> (8 * size) != 0) return Malformed($"value 0x{value:x} does not fit in {size} byte{(size == 1 ? "" : "s")}", valueColumn);
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Access(time, kind, agent, address, size, bytes[..size], site, addressColumn);
    }

    /// <summary>
    /// A piece of a range <see cref="CheckRange"/> passed (a plain access without bytes): enqueued without looking the
    /// region up again, once per 4 KiB of a DMA buffer.
    /// </summary>
    internal void CheckedPiece(ulong time, EventKind kind, int agent, ulong address, int size) =>
        Enqueue(time, new TraceEvent(kind, (ushort)agent, address, size, 0, -1), default);

    /// <summary>
    /// Checks an access against the layout as <see cref="Access(ulong, EventKind, int, ulong, int, int, int)"/> would,
    /// reporting it when unmapped: for events that must precede the access only when it is imported.
    /// </summary>
    public bool CheckAccess(EventKind kind, ulong address, int size, int column = 0) => Mapped(kind, address, size, column);

    /// <summary>
    /// Checks a range an importer splits into accesses of at most <see cref="TraceEvent.MaxSize"/> bytes (a DMA
    /// buffer of any size) as a whole, before producing any of its pieces: it must end inside the 64-bit address
    /// space (else a malformed line) and lie inside one region of the right kind (else unmapped, reported once for
    /// the range). Errors point at <paramref name="addressColumn"/> (outside every region, wrong kind of region) or
    /// <paramref name="sizeColumn"/> (past the address space, past the region's end): 1-based, 0 for none.
    /// </summary>
    public bool CheckRange(EventKind kind, ulong address, ulong size, int addressColumn = 0, int sizeColumn = 0)
    {
        // The op's name only for a message: once per DMA line otherwise.
        if (size == 0) return Malformed($"{kind.OpName()} of size 0", sizeColumn);
        if (size - 1 > ulong.MaxValue - address)
            return Malformed($"{kind.OpName()} at 0x{address.ToString("x", CultureInfo.InvariantCulture)} of size {size} runs past the end of the 64-bit address space", sizeColumn);
        var layout = _run.Layout;
        int r = layout.RegionAt(address);
        if (r >= 0)
        {
            var region = layout.Region(r);
            bool mmioOp = kind is EventKind.MmioWrite or EventKind.MmioRead;
            if (region.Contains(address, size) && mmioOp == (region.Kind == RegionKind.Mmio)) return true;
        }
        return Unmapped(kind, address, size, r, addressColumn, sizeColumn);
    }

    /// <summary>An event without an address: barrier (aux = <see cref="BarrierCode"/>), lock/unlock (aux = <see cref="Lock"/>), take_irq (aux = device agent), raise_irq.</summary>
    public void Event(ulong time, EventKind kind, int agent, uint aux, int site)
    {
        if (kind.HasAddress()) ImportThrow.Argument($"{kind.OpName()} has an address: use Access", nameof(kind));
        Enqueue(time, new TraceEvent(kind, (ushort)agent, 0, 0, aux, site), default);
    }

    /// <summary>Any event as is, with no layout check (the steps format, whose compiler checks it).</summary>
    public void Raw(ulong time, in TraceEvent e, ReadOnlySpan<byte> data) => Enqueue(time, e, data);

    // ---- agents, sites, locks ----

    /// <summary>
    /// The agent of the trace's cpu <paramref name="index"/> (the index-th <c>cpu</c> of the layout); -1 after
    /// reporting it unmapped (then skip the line), at <paramref name="column"/> (1-based, 0 for none).
    /// </summary>
    public int Cpu(int index, int column = 0)
    {
        int id = Layout.Cpu(index);
        if (id < 0) Unmapped("cpu not in the layout", NotInLayout(index), column);
        return id;
    }

    string NotInLayout(int cpu) =>
        $"cpu {cpu} is not in the layout: {Layout.FileName} declares {Layout.CpuCount} cpu(s), and the trace's cpu N is the N-th one declared";

    /// <summary>
    /// The device agent for a device name as the trace prints it (<c>0000:01:00.0</c>, <c>eth0</c>): the
    /// layout's device of that name, else of that name with every character outside <c>[A-Za-z0-9_.]</c>
    /// turned into <c>_</c> (and <c>_</c> before a leading digit), else the layout's only device. -1 after
    /// reporting it unmapped, at <paramref name="column"/> (1-based, 0 for none).
    /// </summary>
    public int Device(ReadOnlySpan<char> name, int column = 0) => _run.Device(name, this, column);

    /// <summary>The site id of a text site (a symbol, <c>func+0x1c/0x80</c>), interned.</summary>
    public int Site(ReadOnlySpan<char> text) => _run.Sites.Text(TraceLimits.SanitizedText(text), File, Line);

    /// <summary>The site id of a text site given as ASCII/UTF-8 bytes of the line.</summary>
    public int Site(ReadOnlySpan<byte> utf8)
    {
        var sites = _run.Sites;
        if (sites.TryUtf8(utf8, out int id)) return id;
        id = NewSite(utf8);
        sites.RememberUtf8(utf8, id);
        return id;
    }

    /// <summary>The site of bytes not seen before: decoded, sanitized and interned as text.</summary>
    int NewSite(ReadOnlySpan<byte> utf8)
    {
        // Cut at the format's limit; decoded as a block that is not the last, a character the cut splits is left out,
        // not replaced (invalid bytes are, as before).
        bool cut = utf8.Length > TraceLimits.MaxStringBytes;
        if (cut) utf8 = utf8[..TraceLimits.MaxStringBytes];
        Span<char> chars = stackalloc char[utf8.Length];
        System.Text.Unicode.Utf8.ToUtf16(utf8, chars, out _, out int n, replaceInvalidSequences: true, isFinalBlock: !cut);
        return Site(chars[..n]);
    }

    /// <summary>The site id of a code address (symbolized with <c>--symbols</c>, else printed in hex); -1 for address 0.</summary>
    public int SiteAt(ulong address) => address == 0 ? -1 : _run.Sites.Address(address, File, Line);

    /// <summary>The lock id of a lock name, interned.</summary>
    public int Lock(string name) => _run.Lock(name, File, Line);

    // ---- skipped and bad lines ----

    /// <summary>Counts a line or event the format does not turn into events (<c>sched_switch</c>, a header line).</summary>
    public void Skip(string reason) => _run.Count(reason);

    /// <summary>
    /// A marker saying the capture lost events (<c>CPU:0 [LOST 42 EVENTS]</c>): the import goes on, and the summary
    /// warns that the trace is incomplete. <paramref name="cpu"/> is the trace's cpu number (-1 when the marker names
    /// none), <paramref name="how"/> what happened to them (<c>lost</c>, <c>overwritten</c>), <paramref name="events"/>
    /// how many (-1 when the marker does not say). A cpu the layout lacks gets, once, the line and
    /// <paramref name="column"/> (1-based, 0 for none) of its marker and what to declare: its events would be refused.
    /// </summary>
    public void Lost(int cpu, string how, long events, int column = 0)
    {
        string? notInLayout = cpu >= 0 && Layout.Cpu(cpu) < 0
            ? $"{ImportException.Where(File, Line, column)}: {NotInLayout(cpu)}; declare {(cpu + 1).ToString(CultureInfo.InvariantCulture)} or more to import this cpu's events"
            : null;
        _run.CountLost(File, cpu, how, events, notInLayout);
    }

    /// <summary>
    /// A line this format cannot read: an <see cref="ImportException"/> at <see cref="File"/>:<see cref="Line"/>,
    /// or with <c>--skip-malformed</c> a count; returns false so that importers can write <c>return sink.Malformed(..)</c>.
    /// </summary>
    public bool Malformed(string detail, int column = 0)
    {
        if (!Options.SkipMalformed)
            ImportThrow.At(File, Line, column, $"{detail} (--skip-malformed counts and skips such lines)");
        _run.Count("malformed line", File, Line);
        return false;
    }

    /// <summary>
    /// An event outside the layout: an error at <paramref name="column"/> (1-based, 0 for none) of the line, or with
    /// <c>--skip-unmapped</c> a count under <paramref name="reason"/>.
    /// </summary>
    public bool Unmapped(string reason, string detail, int column = 0)
    {
        if (!Options.SkipUnmapped)
            ImportThrow.At(File, Line, column, $"{detail} (--skip-unmapped counts and skips such events)");
        _run.Count(reason, File, Line);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Mapped(EventKind kind, ulong address, int size, int column)
    {
        var layout = _run.Layout;
        int r = layout.RegionAt(address);
        if (r >= 0)
        {
            var region = layout.Region(r);
            bool mmioOp = kind is EventKind.MmioWrite or EventKind.MmioRead;
            if ((uint)(size - 1) < TraceEvent.MaxSize && region.Contains(address, (ulong)size) && mmioOp == (region.Kind == RegionKind.Mmio))
                return true;
        }
        return Refused(kind, address, size, r, column);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    bool Refused(EventKind kind, ulong address, int size, int r, int column) =>
        (uint)(size - 1) >= TraceEvent.MaxSize
            ? Malformed($"{kind.OpName()} of size {size} (expected 1..{TraceEvent.MaxSize})")
            : Unmapped(kind, address, (ulong)size, r, column, column);

    [MethodImpl(MethodImplOptions.NoInlining)]
    bool Unmapped(EventKind kind, ulong address, ulong size, int r, int addressColumn, int sizeColumn)
    {
        string op = kind.OpName();
        string at = $"{op} at 0x{address.ToString("x", CultureInfo.InvariantCulture)} (size {size})";
        if (r < 0) return Unmapped("outside every region", $"{at} is outside every region of the layout {Layout.FileName}", addressColumn);
        var region = Layout.Metadata.Regions[r];
        if (!region.Contains(address, size))
            return Unmapped("straddles a region's end", $"{at} straddles the end of region '{region.Name}' (0x{region.Base:x}..0x{region.End:x})", sizeColumn);
        return region.Kind == RegionKind.Mmio
            ? Unmapped("memory access to an mmio region", $"{at} is a memory access to mmio region '{region.Name}'", addressColumn)
            : Unmapped("mmio access outside mmio regions", $"{at} is in region '{region.Name}', which is not mmio", addressColumn);
    }
}
