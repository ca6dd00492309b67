using System.Runtime.CompilerServices;
using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>Reads one ftrace text input: the line context, then the event by name.</summary>
sealed partial class FtraceImporter : LineImporter
{
    readonly bool _relaxed;
    readonly uint _wmb = BarrierCode.Linux("dma_wmb").Value;
    readonly uint _rmb = BarrierCode.Linux("dma_rmb").Value;
    int[] _cpus = [];
    readonly Dictionary<string, string> _otherReasons = new(StringComparer.Ordinal);
    readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _otherLookup;
    // Event and device names as the lines give them, found again by their bytes: every sched or DMA line of a mix
    // decoded its name into chars and hashed it as text, and the decoder's code (some 2.5 KB) crowded the rest of
    // the per-line code out of the instruction cache. Same reasons, same devices.
    readonly Dictionary<byte[], string> _otherByName = new(Utf8Keys.Instance);
    readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _otherByNameLookup;
    readonly Dictionary<byte[], int> _deviceByName = new(Utf8Keys.Instance);
    readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _deviceByNameLookup;

    public FtraceImporter(ImportSink sink)
    {
        _relaxed = sink.Options.RelaxedMmio;
        _otherLookup = _otherReasons.GetAlternateLookup<ReadOnlySpan<char>>();
        _otherByNameLookup = _otherByName.GetAlternateLookup<ReadOnlySpan<byte>>();
        _deviceByNameLookup = _deviceByName.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public override void ReadLine(ReadOnlySpan<byte> line, ImportSink sink)
    {
        var text = line.TrimStart((byte)' ');
        if (text.IsEmpty) { sink.Skip("blank line"); return; }
        if (text[0] == '#')
        {
            LostEventMarkers.Header(text, sink);
            sink.Skip("header comment");
            return;
        }
        // An event line first: a task may be named "CPU:0" or "version2" as well.
        if (!FtraceLine.TryParse(line, out var l))
        {
            if (text.StartsWith("CPU:"u8) && LostEventMarkers.TryCpu(line, text, sink)) return;
            if (text.StartsWith("cpus="u8) || text.StartsWith("version"u8) || text.StartsWith("CPU "u8)) sink.Skip("trace-cmd header");
            else if (text.StartsWith("CPU:"u8)) sink.Malformed(LostEventMarkers.Expected, LineText.Column(line, text));
            else sink.Malformed("not an ftrace event line: expected 'TASK-PID [CPU] [FLAGS] SECONDS: EVENT: ARGS'");
            return;
        }
        var e = l.Event;
        if (e.StartsWith("rwmmio_"u8))
        {
            if (e.SequenceEqual("rwmmio_write"u8)) MmioWrite(line, l, sink);
            else if (e.SequenceEqual("rwmmio_read"u8)) MmioRead(line, l, sink);
            else if (e.SequenceEqual("rwmmio_post_write"u8)) sink.Skip("rwmmio_post_write (the write comes from rwmmio_write)");
            else if (e.SequenceEqual("rwmmio_post_read"u8)) sink.Skip("rwmmio_post_read (the read comes from rwmmio_read)");
            else Other(e, sink);
        }
        else if (e.StartsWith("dma_"u8)) Dma(line, l, sink);
        else if (e.SequenceEqual("irq_handler_entry"u8)) IrqEntry(line, l, sink);
        else Other(e, sink);
    }

    void Other(ReadOnlySpan<byte> name, ImportSink sink)
    {
        if (!_otherByNameLookup.TryGetValue(name, out var reason))
        {
            reason = OtherReason(name);
            // The reason depends on the name's first 128 bytes only; a longer name is not kept as a key.
            if (name.Length <= 128 && _otherByName.Count < 1024) _otherByNameLookup[name] = reason;
        }
        sink.Skip(reason);
    }

    /// <summary>"other event NAME", interned (at most 1024 of them, then "other events"); once per name, out of the line's code.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    string OtherReason(ReadOnlySpan<byte> name)
    {
        Span<char> chars = stackalloc char[Math.Min(name.Length, 128)];
        int n = System.Text.Encoding.UTF8.GetChars(name[..chars.Length], chars);
        if (!_otherLookup.TryGetValue(chars[..n], out var reason))
        {
            reason = "other event " + chars[..n].ToString();
            if (_otherReasons.Count < 1024) _otherReasons[chars[..n].ToString()] = reason;
            else reason = "other events";
        }
        return reason;
    }

    /// <summary>The agent of the line's cpu, cached; -1 when unmapped (skipped).</summary>
    int Agent(in FtraceLine l, ImportSink sink)
    {
        int cpu = l.Cpu;
        if (cpu < _cpus.Length && _cpus[cpu] > 0) return _cpus[cpu] - 1;
        int id = sink.Cpu(cpu, l.CpuColumn);
        if (id < 0) return -1;
        if (cpu >= _cpus.Length) Array.Resize(ref _cpus, Math.Max(cpu + 1, 2 * _cpus.Length));
        _cpus[cpu] = id + 1;
        return id;
    }

    // rwmmio_write: "%pS -> %pS width=%d val=%#llx addr=%#lx" (caller0 -> caller); Linux 6.0: "%pS width=%d val=%#llx addr=%#lx"
    void MmioWrite(ReadOnlySpan<byte> line, in FtraceLine l, ImportSink sink)
    {
        if (!TryRwmmio(line, l.Args, sink, out var caller, out var fields, out int size)) return;
        if (!LineText.TryField(fields, "val="u8, out var val) || !LineText.TryHex(val, out ulong value))
        {
            sink.Malformed("rwmmio_write without 'val=HEX'", LineText.Column(line, fields));
            return;
        }
        if (!TryAddress(line, fields, sink, out ulong address, out int addressColumn)) return;
        int agent = Agent(l, sink);
        if (agent < 0) return;
        if (size < 8 && value >> (8 * size) != 0)
        {
            sink.Malformed($"value 0x{value:x} does not fit in {size} byte{(size == 1 ? "" : "s")}", LineText.Column(line, val));
            return;
        }
        int site = sink.Site(caller);
        // writel() is "__io_bw(); write; __io_aw()" but the tracepoint cannot tell it from writel_relaxed().
        if (!_relaxed)
        {
            if (!sink.CheckAccess(EventKind.MmioWrite, address, size, addressColumn)) return;
            sink.Event(l.Time, EventKind.Barrier, agent, _wmb, site);
        }
        sink.AccessValue(l.Time, EventKind.MmioWrite, agent, address, size, value, site, addressColumn);
    }

    // rwmmio_read: "%pS -> %pS width=%d addr=%#lx"; Linux 6.0: "%pS width=%d addr=%#lx"
    void MmioRead(ReadOnlySpan<byte> line, in FtraceLine l, ImportSink sink)
    {
        if (!TryRwmmio(line, l.Args, sink, out var caller, out var fields, out int size)) return;
        if (!TryAddress(line, fields, sink, out ulong address, out int addressColumn)) return;
        int agent = Agent(l, sink);
        if (agent < 0) return;
        int site = sink.Site(caller);
        if (!sink.Access(l.Time, EventKind.MmioRead, agent, address, size, site, addressColumn)) return;
        if (!_relaxed) sink.Event(l.Time, EventKind.Barrier, agent, _rmb, site);
    }

    /// <summary>
    /// Splits "CALLER0 -> CALLER width=W ..." (Linux 6.1 on) or "CALLER width=W ..." (Linux 6.0) into the site and the
    /// fields; a %pS symbol may hold a space ("f+0x1c/0x80 [mod]").
    /// </summary>
    static bool TryRwmmio(ReadOnlySpan<byte> line, ReadOnlySpan<byte> args, ImportSink sink, out ReadOnlySpan<byte> caller, out ReadOnlySpan<byte> fields, out int size)
    {
        caller = fields = default;
        size = 0;
        int width = args.IndexOf(" width="u8);
        if (width <= 0)
            return sink.Malformed("rwmmio event: expected '[CALLER0 -> ]CALLER width=BITS ...'", LineText.Column(line, args));
        var symbols = args[..width];
        int arrow = symbols.IndexOf(" -> "u8);
        caller = arrow < 0 ? symbols : Site(symbols[..arrow], symbols[(arrow + 4)..]);
        fields = args[(width + 1)..];
        // "-> CALLER" lost its first symbol: not the 6.0 form's one symbol either.
        if (caller.IsEmpty || caller.StartsWith("->"u8))
            return sink.Malformed("rwmmio event: expected '[CALLER0 -> ]CALLER width=BITS ...'", LineText.Column(line, args));
        if (!LineText.TryField(fields, "width="u8, out var w) || !LineText.TryDecimal(w, out ulong bits) || bits is not (8 or 16 or 32 or 64))
            return sink.Malformed("rwmmio event: 'width=' must be 8, 16, 32 or 64 (bits)", LineText.Column(line, fields));
        size = (int)bits / 8;
        return true;
    }

    /// <summary>
    /// The site of "CALLER0 -> CALLER": CALLER (_THIS_IP_ inside the inlined accessor, i.e. the driver function that
    /// did the access), unless it is the accessor itself, as when Clang does not inline writel(): then CALLER0
    /// (_RET_IP_, the accessor's caller).
    /// </summary>
    static ReadOnlySpan<byte> Site(ReadOnlySpan<byte> caller0, ReadOnlySpan<byte> caller) =>
        MmioAccessors.IsAccessor(caller) && !caller0.IsEmpty ? caller0 : caller;

    static bool TryAddress(ReadOnlySpan<byte> line, ReadOnlySpan<byte> fields, ImportSink sink, out ulong address, out int column)
    {
        address = 0;
        column = 0;
        if (LineText.TryField(fields, "addr="u8, out var a) && LineText.TryHex(a, out address))
        {
            column = LineText.Column(line, a);
            return true;
        }
        return sink.Malformed("rwmmio event without 'addr=HEX'", LineText.Column(line, fields));
    }

    // irq_handler_entry: "irq=%d name=%s"
    void IrqEntry(ReadOnlySpan<byte> line, in FtraceLine l, ImportSink sink)
    {
        if (!LineText.TryField(l.Args, "name="u8, out var name) || name.IsEmpty)
        {
            sink.Malformed("irq_handler_entry without 'name=NAME'", LineText.Column(line, l.Args));
            return;
        }
        int agent = Agent(l, sink);
        if (agent < 0) return;
        int device = Device(name, LineText.Column(line, name), sink);
        if (device < 0) return;
        sink.Event(l.Time, EventKind.TakeIrq, agent, (uint)device, -1);
    }

    /// <summary>The device agent a line names; -1 after the sink reported it unmapped (on every line that names it).</summary>
    int Device(ReadOnlySpan<byte> name, int column, ImportSink sink)
    {
        if (_deviceByNameLookup.TryGetValue(name, out int id)) return id;
        id = DecodedDevice(name, column, sink);
        // Mapped devices only, by the bytes the id depends on (the first 256); as many as ImportRun keeps by name.
        if (id >= 0 && name.Length <= 256 && _deviceByName.Count < 4096) _deviceByNameLookup[name] = id;
        return id;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int DecodedDevice(ReadOnlySpan<byte> name, int column, ImportSink sink)
    {
        Span<char> chars = stackalloc char[Math.Min(name.Length, 256)];
        int n = System.Text.Encoding.UTF8.GetChars(name[..chars.Length], chars);
        return sink.Device(chars[..n], column);
    }
}
