using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// Reads one QEMU log. Lines are QEMU trace events (optionally prefixed <c>PID@SEC.USEC:</c>) or the
/// plugin's <c>tt_*</c> lines; anything else is counted under its first word and skipped.
/// </summary>
sealed partial class QemuLogImporter : LineImporter
{
    /// <summary>Highest cpu index a line may name (QEMU's own limit is far lower).</summary>
    const ulong MaxCpuIndex = ushort.MaxValue;

    readonly ImportLayout _layout;
    readonly PendingMmioQueues _pending = new();
    readonly MemoryWrites _writes;
    readonly FwCfgDmaDoorbell _fwCfg;
    /// <summary>
    /// Most first words of skipped lines the summary names, as ftrace's other events: past them a line is counted under
    /// <see cref="OtherLinesPastNamed"/>, so that a log of distinct words costs neither a reason per line nor a summary line each.
    /// </summary>
    internal const int MaxOtherWordsNamed = 1024;

    /// <summary>What a skipped line whose first word is not among the <see cref="MaxOtherWordsNamed"/> named is counted as.</summary>
    internal static readonly string OtherLinesPastNamed = $"other line (a first word past the {MaxOtherWordsNamed} named)";

    readonly Dictionary<byte[], string> _otherLines = new(Utf8Keys.Instance);
    readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _otherLinesLookup;
    readonly WordCache<BarrierLine> _barriers = new();

    public QemuLogImporter(ImportLayout layout)
    {
        _layout = layout;
        _writes = new MemoryWrites(layout);
        _fwCfg = new FwCfgDmaDoorbell(_writes);
        _otherLinesLookup = _otherLines.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public override void ReadLine(ReadOnlySpan<byte> line, ImportSink sink)
    {
        var rest = StripTimestamp(line);
        var keyword = LineText.NextToken(ref rest);
        if (keyword.StartsWith("tt_"u8)) ReadPluginLine(line, keyword, rest, sink);
        else if (keyword.SequenceEqual("memory_region_ops_write"u8)) ReadRegionOp(line, EventKind.MmioWrite, rest, sink);
        else if (keyword.SequenceEqual("memory_region_ops_read"u8)) ReadRegionOp(line, EventKind.MmioRead, rest, sink);
        else SkipOther(keyword, sink);
    }

    public override void Finish(ImportSink sink)
    {
        for (int cpu = 0; cpu < _pending.CpuSlots; cpu++) WritePending(cpu, sink);
    }

    /// <summary>The line after QEMU's <c>PID@SEC.USEC:</c> prefix (<c>-msg timestamp=on</c>), or the line itself.</summary>
    static ReadOnlySpan<byte> StripTimestamp(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] - (uint)'0' > 9) return line;
        int at = line.IndexOf((byte)'@');
        if (at <= 0 || !LineText.TryDecimal(line[..at], out _)) return line;
        var time = line[(at + 1)..];
        int colon = time.IndexOf((byte)':');
        if (colon <= 0 || !LineText.TrySeconds(time[..colon], out _)) return line;
        return time[(colon + 1)..];
    }

    void SkipOther(ReadOnlySpan<byte> keyword, ImportSink sink)
    {
        if (keyword.IsEmpty) { sink.Skip("blank line"); return; }
        if (!_otherLinesLookup.TryGetValue(keyword, out string? reason))
        {
            // Each word named was a string and a count per distinct word, unbounded: 200,000 lines of distinct words
            // (1.4 MB of log) took 75 MB and printed 200,000 summary lines.
            if (keyword.Length > 48) reason = "other line";
            else if (_otherLines.Count >= MaxOtherWordsNamed) reason = OtherLinesPastNamed;
            else _otherLinesLookup[keyword] = reason = "other line: " + System.Text.Encoding.UTF8.GetString(keyword);
        }
        sink.Skip(reason);
    }

    // memory_region_ops_write cpu 0 mr 0x55d0c7a4e8b0 addr 0x9020010 value 0x40090000 size 8 name 'fwcfg.dma'
    void ReadRegionOp(ReadOnlySpan<byte> line, EventKind kind, ReadOnlySpan<byte> rest, ImportSink sink)
    {
        var f = new QemuLine(line, rest, sink);
        if (!f.Word("cpu"u8, out var cpuToken)) return;
        bool noCpu = cpuToken.SequenceEqual("-1"u8);
        ulong cpu = 0;
        if (!noCpu && !(LineText.TryDecimal(cpuToken, out cpu) && cpu <= MaxCpuIndex)) { f.Bad("cpu"u8, cpuToken, "a cpu index or -1"); return; }
        if (!f.Hex("mr"u8, out _) || !f.Hex("addr"u8, out ulong address) || !f.Hex("value"u8, out ulong value)
            || !f.Decimal("size"u8, 1, 8, out ulong size) || !f.QuotedToEnd("name"u8, out var name))
            return;
        if (noCpu) { sink.Skip("MMIO access made by no vCPU (cpu -1)"); return; }
        int agent = sink.Cpu((int)cpu);
        if (agent < 0) return;

        var access = new PendingMmio
        {
            Kind = kind,
            Agent = agent,
            Address = address,
            Size = (int)size,
            Value = value,
            FwCfgDma = name.SequenceEqual("fwcfg.dma"u8),
            Line = sink.Line,
        };
        if (!_pending.TryAdd((int)cpu, access))
        {
            WritePending((int)cpu, sink);
            _pending.TryAdd((int)cpu, access);
        }
    }

    /// <summary>Writes the cpu's held MMIO accesses without a site (no <c>tt_io_*</c> line came for them).</summary>
    void WritePending(int cpu, ImportSink sink) => WritePending(cpu, sink, -1, false, 0, 0);

    /// <summary>
    /// Writes the cpu's held MMIO accesses, in order, then what they ring; those the plugin's access
    /// (<paramref name="store"/>, <paramref name="address"/>..+<paramref name="size"/>) covers get <paramref name="site"/>.
    /// </summary>
    void WritePending(int cpu, ImportSink sink, int site, bool store, ulong address, int size)
    {
        int n = _pending.Count(cpu);
        if (n == 0) return;
        long line = sink.Line;
        for (int i = 0; i < n; i++)
        {
            ref var a = ref _pending[cpu, i];
            sink.Line = a.Line; // errors name the trace event's line, not the line that released it
            sink.AccessValue(0, a.Kind, a.Agent, a.Address, a.Size, a.Value, site >= 0 && a.CoveredBy(store, address, size) ? site : -1);
            if (a.FwCfgDma && a.Kind == EventKind.MmioWrite) _fwCfg.Rung(sink, a.Address, a.Size, a.Value);
        }
        sink.Line = line;
        _pending.Clear(cpu);
    }
}
