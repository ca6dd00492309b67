using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Ftrace;

// The scatter-gather DMA events (include/trace/events/dma.h). dma_map_sg prints the physical address of each of
// the nents segments the driver passed (phys_addrs), and the dma address and length of each of the ents segments
// the mapping produced (dma_addrs, sizes); dma_unmap_sg the physical addresses again, dma_sync_sg_* the dma
// addresses and lengths. The physical segments' own lengths are never printed: they are known only where the
// mapping kept one dma segment per physical segment (ents == nents, no IOMMU merging), which pairs them by index.
sealed partial class FtraceImporter
{
    /// <summary>Live scatter-gather segments (device, physical address) → length and dma address, for dma_unmap_sg (which prints no sizes).</summary>
    readonly Dictionary<(int Device, ulong Phys), (ulong Length, ulong Dma)> _sgSegments = [];
    /// <summary>Live scatter-gather segments (device, dma address) → physical address, for dma_sync_sg_* (which print dma addresses).</summary>
    readonly Dictionary<(int Device, ulong Dma), ulong> _sgPhys = [];

    /// <summary>Newer kernels trace at most 128 segments of a dma_map_sg, saying "nents=128/300 ents=128/300 [TRUNCATED]".</summary>
    const string UntracedSegments = "not maintained: dma_map_sg segments past the 128 the kernel traces (DMA_TRACE_MAX_ENTRIES)";

    /// <summary>A line whose arrays are empty (<c>phys_addrs={}</c>) yields no event: counted, as a dma event of size 0 is.</summary>
    const string NoSegments = "scatter-gather dma event with no segments";

    void Scatter(ReadOnlySpan<byte> line, in FtraceLine l, DmaOp op, ReadOnlySpan<byte> rest, int device, EventKind kind, bool maintain, ImportSink sink)
    {
        if (op == DmaOp.UnmapSg) UnmapScatter(line, l, rest, device, kind, maintain, sink);
        else if (op == DmaOp.MapSg) MapScatter(line, l, rest, device, kind, maintain, sink);
        else SyncScatter(line, l, rest, device, kind, maintain, sink);
    }

    // "%s dir=%s [nents=%d/%d ents=%d/%d%s ]dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"
    void MapScatter(ReadOnlySpan<byte> line, in FtraceLine l, ReadOnlySpan<byte> rest, int device, EventKind kind, bool maintain, ImportSink sink)
    {
        var name = l.Event;
        if (!ArrayField(line, name, rest, "phys_addrs="u8, sink, out var physList) || !ArrayField(line, name, rest, "dma_addrs="u8, sink, out var dmaList)
            || !ArrayField(line, name, rest, "sizes="u8, sink, out var sizes)) return;
        int nents = new HexList(physList).Count, ents = new HexList(sizes).Count;
        if (new HexList(dmaList).Count != ents)
        {
            sink.Malformed($"{LineText.Show(name)}: {new HexList(dmaList).Count} dma_addrs but {ents} sizes (expected one size per dma address)", LineText.Column(line, sizes));
            return;
        }
        // Newer kernels print the traced and full counts, and trace at most 128 segments.
        bool nentsCounted = TryCounts(rest, "nents="u8, out int tracedNents, out int fullNents, out _);
        bool counted = TryCounts(rest, "ents="u8, out _, out int fullEnts, out var entsText) && nentsCounted;
        if (ents < nents || counted && fullEnts < fullNents)
        {
            var (n, e) = counted ? (fullNents, fullEnts) : (nents, ents);
            sink.Malformed($"{LineText.Show(name)}: the mapping merged {n} physical segments into {e} dma segment{(e == 1 ? "" : "s")} (an IOMMU): "
                + "the event prints the merged lengths, not each physical segment's, so the ranges to clean and invalidate are unknown",
                LineText.Column(line, counted ? entsText : sizes));
            return;
        }
        if (ents > nents) { sink.Malformed($"{LineText.Show(name)}: fewer addresses than sizes", LineText.Column(line, physList)); return; }
        if (nents == 0) { sink.Skip(NoSegments); return; }
        if (counted && fullNents > tracedNents)
            sink.Lost(l.Cpu, UntracedSegments, fullNents - tracedNents);

        var p = new HexList(physList).GetEnumerator();
        var d = new HexList(dmaList).GetEnumerator();
        var s = new HexList(sizes).GetEnumerator();
        while (p.MoveNext() && d.MoveNext() && s.MoveNext())
        {
            if (_sgSegments.Count < MaxMappings)
            {
                _sgSegments[(device, p.Current)] = (s.Current, d.Current);
                _sgPhys[(device, d.Current)] = p.Current;
            }
            Maintain(l, kind, maintain, p.Current, s.Current, LineText.Column(line, p.CurrentText), LineText.Column(line, s.CurrentText), sink);
        }
    }

    // "%s dir=%s phys_addrs=%s attrs=%s": the sizes come from the traced dma_map_sg.
    void UnmapScatter(ReadOnlySpan<byte> line, in FtraceLine l, ReadOnlySpan<byte> rest, int device, EventKind kind, bool maintain, ImportSink sink)
    {
        if (!ArrayField(line, l.Event, rest, "phys_addrs="u8, sink, out var physList)) return;
        if (physList.IsEmpty) { sink.Skip(NoSegments); return; }
        var segments = new HexList(physList).GetEnumerator();
        while (segments.MoveNext())
        {
            ulong p = segments.Current;
            if (!_sgSegments.Remove((device, p), out var segment)) { sink.Skip("dma_unmap_sg segment without a traced dma_map_sg"); continue; }
            _sgPhys.Remove((device, segment.Dma));
            Maintain(l, kind, maintain, p, segment.Length, LineText.Column(line, segments.CurrentText), 0, sink);
        }
    }

    // "%s dir=%s dma_addrs=%s sizes=%s": dma addresses, translated through the traced maps like dma_sync_single_*.
    void SyncScatter(ReadOnlySpan<byte> line, in FtraceLine l, ReadOnlySpan<byte> rest, int device, EventKind kind, bool maintain, ImportSink sink)
    {
        var name = l.Event;
        if (!ArrayField(line, name, rest, "dma_addrs="u8, sink, out var dmaList) || !ArrayField(line, name, rest, "sizes="u8, sink, out var sizes)) return;
        if (new HexList(dmaList).Count != new HexList(sizes).Count)
        {
            sink.Malformed($"{LineText.Show(name)}: {new HexList(dmaList).Count} dma_addrs but {new HexList(sizes).Count} sizes (expected one size per dma address)", LineText.Column(line, sizes));
            return;
        }
        if (dmaList.IsEmpty) { sink.Skip(NoSegments); return; }
        var d = new HexList(dmaList).GetEnumerator();
        var s = new HexList(sizes).GetEnumerator();
        while (d.MoveNext() && s.MoveNext())
        {
            // No traced map of this dma address: no IOMMU assumed, as for dma_sync_single_*.
            if (!_sgPhys.TryGetValue((device, d.Current), out ulong phys) && !_mappings.TryGetValue((device, d.Current), out phys)) phys = d.Current;
            Maintain(l, kind, maintain, phys, s.Current, LineText.Column(line, d.CurrentText), LineText.Column(line, s.CurrentText), sink);
        }
    }

    /// <summary>"KEY=TRACED/FULL" (dma_map_sg's nents= and ents=); false when absent (older kernels) or unreadable.</summary>
    static bool TryCounts(ReadOnlySpan<byte> args, ReadOnlySpan<byte> key, out int traced, out int full, out ReadOnlySpan<byte> text)
    {
        traced = full = 0;
        if (!LineText.TryField(args, key, out text)) return false;
        int slash = text.IndexOf((byte)'/');
        if (slash < 0 || !LineText.TryDecimal(text[..slash], out ulong t) || !LineText.TryDecimal(text[(slash + 1)..], out ulong f) || t > int.MaxValue || f > int.MaxValue) return false;
        (traced, full) = ((int)t, (int)f);
        return true;
    }
}
