using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Mmiotrace;

/// <summary>
/// <c>mmiotrace</c>: the kernel's mmiotrace tracer output (Documentation/trace/mmiotrace.rst, version
/// 20070824), as read from <c>trace_pipe</c>: <c>R</c>/<c>W</c> records become MMIO reads/writes with their
/// value on the layout's first cpu (mmiotrace runs with one cpu online), the PC as the site.
/// <c>MAP</c>, <c>UNMAP</c>, <c>MARK</c>, <c>VERSION</c>, <c>LSPCI</c>, <c>PCIDEV</c> and <c>UNKNOWN</c> are counted;
/// the kernel's <c>MARK 0.000000 Lost N events.</c> is also reported as lost events (a warning).
/// </summary>
sealed class MmiotraceFormat : ImportFormat
{
    public override string Name => "mmiotrace";

    public override string Summary => "the kernel's mmiotrace text (R, W, MAP, UNMAP, ... records)";

    public override LineImporter Open(ImportSink sink) => new MmiotraceImporter();

    sealed class MmiotraceImporter : LineImporter
    {
        int _cpu = -2;

        public override void ReadLine(ReadOnlySpan<byte> line, ImportSink sink)
        {
            var rest = line;
            var keyword = LineText.NextToken(ref rest);
            switch (keyword)
            {
                case [(byte)'R'] or [(byte)'W']:
                    ReadAccess(line, keyword[0] == 'W', rest, sink);
                    return;
                case []:
                    sink.Skip("blank line");
                    return;
            }
            if (keyword.SequenceEqual("MAP"u8)) sink.Skip("MAP (ioremap)");
            else if (keyword.SequenceEqual("UNMAP"u8)) sink.Skip("UNMAP (iounmap)");
            else if (keyword.SequenceEqual("MARK"u8)) Mark(rest, sink);
            else if (keyword.SequenceEqual("VERSION"u8)) sink.Skip("VERSION");
            else if (keyword.SequenceEqual("LSPCI"u8)) sink.Skip("LSPCI");
            else if (keyword.SequenceEqual("PCIDEV"u8)) sink.Skip("PCIDEV");
            else if (keyword.SequenceEqual("UNKNOWN"u8)) sink.Skip("UNKNOWN (undecoded instruction)");
            else sink.Malformed($"unknown mmiotrace record '{LineText.Show(keyword)}' (expected R, W, MAP, UNMAP, MARK, VERSION, LSPCI, PCIDEV or UNKNOWN)", LineText.Column(line, keyword));
        }

        // "MARK 0.000000 Lost %lu events." is the kernel's overrun marker (kernel/trace/trace_mmiotrace.c); other marks are the user's.
        static void Mark(ReadOnlySpan<byte> rest, ImportSink sink)
        {
            LineText.NextToken(ref rest); // the timestamp
            var text = rest.TrimStart((byte)' ').TrimEnd((byte)' ');
            if (text.StartsWith("Lost "u8) && text.EndsWith(" events."u8) && text.Length > "Lost  events."u8.Length
                && LineText.TryDecimal(text["Lost "u8.Length..^" events."u8.Length], out ulong lost))
            {
                sink.Lost(-1, "lost", lost > long.MaxValue ? -1 : (long)lost);
                sink.Skip("MARK Lost N events. (lost-events marker)");
                return;
            }
            sink.Skip("MARK (marker)");
        }

        // R|W width timestamp map-id physical value pc pid
        void ReadAccess(ReadOnlySpan<byte> line, bool write, ReadOnlySpan<byte> rest, ImportSink sink)
        {
            var width = LineText.NextToken(ref rest);
            var time = LineText.NextToken(ref rest);
            var mapId = LineText.NextToken(ref rest);
            var phys = LineText.NextToken(ref rest);
            var value = LineText.NextToken(ref rest);
            var pc = LineText.NextToken(ref rest);
            var pid = LineText.NextToken(ref rest);
            if (pid.IsEmpty || !rest.TrimStart((byte)' ').IsEmpty)
            {
                sink.Malformed($"expected '{(write ? 'W' : 'R')} width timestamp map-id physical value pc pid' (7 fields after the keyword)");
                return;
            }
            if (!LineText.TryDecimal(width, out ulong w) || w is not (1 or 2 or 4 or 8)) { sink.Malformed($"width '{LineText.Show(width)}' (expected 1, 2, 4 or 8)", LineText.Column(line, width)); return; }
            if (!LineText.TrySeconds(time, out ulong ns)) { sink.Malformed($"timestamp '{LineText.Show(time)}' (expected SECONDS.MICROSECONDS)", LineText.Column(line, time)); return; }
            if (!LineText.TryDecimal(mapId, out _)) { sink.Malformed($"map id '{LineText.Show(mapId)}' (expected a decimal number)", LineText.Column(line, mapId)); return; }
            if (!LineText.TryHex(phys, out ulong address)) { sink.Malformed($"physical address '{LineText.Show(phys)}' (expected 0x hex)", LineText.Column(line, phys)); return; }
            if (!LineText.TryHex(value, out ulong v)) { sink.Malformed($"value '{LineText.Show(value)}' (expected 0x hex)", LineText.Column(line, value)); return; }
            if (!LineText.TryHex(pc, out ulong at)) { sink.Malformed($"pc '{LineText.Show(pc)}' (expected 0x hex)", LineText.Column(line, pc)); return; }
            if (_cpu == -2) _cpu = sink.Cpu(0);
            if (_cpu < 0) { _cpu = -2; return; }
            sink.AccessValue(ns, write ? EventKind.MmioWrite : EventKind.MmioRead, _cpu, address, (int)w, v, sink.SiteAt(at),
                LineText.Column(line, phys), LineText.Column(line, value));
        }
    }
}
