using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Ftrace;

// DMA API events (include/trace/events/dma.h) as cache maintenance by the cpu, on noncoherent devices only:
// towards the device (map, sync_for_device) the cpu cleans the buffer; towards the cpu (unmap, sync_for_cpu)
// it invalidates it unless the direction is TO_DEVICE. Addresses are physical: a map event prints phys_addr,
// and unmap/sync events (which print only dma_addr) are translated through the live mappings.
sealed partial class FtraceImporter
{
    /// <summary>Live mappings (device, dma address) → physical address; bounded by what the driver keeps mapped.</summary>
    readonly Dictionary<(int Device, ulong Dma), ulong> _mappings = [];
    const int MaxMappings = 1 << 20;
    readonly PendingMaintenance _pending = new();

    enum DmaOp { MapSingle, UnmapSingle, SyncForCpu, SyncForDevice, MapSg, UnmapSg, SyncSgForCpu, SyncSgForDevice }

    void Dma(ReadOnlySpan<byte> line, in FtraceLine l, ImportSink sink)
    {
        var e = l.Event;
        DmaOp op;
        if (e.SequenceEqual("dma_map_page"u8) || e.SequenceEqual("dma_map_resource"u8) || e.SequenceEqual("dma_map_phys"u8)) op = DmaOp.MapSingle;
        else if (e.SequenceEqual("dma_unmap_page"u8) || e.SequenceEqual("dma_unmap_resource"u8) || e.SequenceEqual("dma_unmap_phys"u8)) op = DmaOp.UnmapSingle;
        else if (e.SequenceEqual("dma_sync_single_for_cpu"u8)) op = DmaOp.SyncForCpu;
        else if (e.SequenceEqual("dma_sync_single_for_device"u8)) op = DmaOp.SyncForDevice;
        else if (e.SequenceEqual("dma_map_sg"u8)) op = DmaOp.MapSg;
        else if (e.SequenceEqual("dma_unmap_sg"u8)) op = DmaOp.UnmapSg;
        else if (e.SequenceEqual("dma_sync_sg_for_cpu"u8)) op = DmaOp.SyncSgForCpu;
        else if (e.SequenceEqual("dma_sync_sg_for_device"u8)) op = DmaOp.SyncSgForDevice;
        else { Other(e, sink); return; } // dma_alloc, dma_free, ...: coherent memory, no maintenance

        var args = l.Args;
        var rest = args;
        var deviceName = LineText.NextToken(ref rest);
        if (!LineText.TryField(rest, "dir="u8, out var dir) || deviceName.IsEmpty)
        {
            sink.Malformed($"{LineText.Show(e)}: expected 'DEVICE dir=DIRECTION ...'", LineText.Column(line, args));
            return;
        }
        bool toDevice = dir.SequenceEqual("TO_DEVICE"u8);
        if (!toDevice && !dir.SequenceEqual("FROM_DEVICE"u8) && !dir.SequenceEqual("BIDIRECTIONAL"u8))
        {
            if (dir.SequenceEqual("NONE"u8)) { sink.Skip("dma event with dir=NONE"); return; }
            sink.Malformed($"{LineText.Show(e)}: dir={LineText.Show(dir)} (expected TO_DEVICE, FROM_DEVICE, BIDIRECTIONAL or NONE)", LineText.Column(line, dir));
            return;
        }
        int device = Device(deviceName, LineText.Column(line, deviceName), sink);
        if (device < 0) return;
        bool forDevice = op is DmaOp.MapSingle or DmaOp.SyncForDevice or DmaOp.MapSg or DmaOp.SyncSgForDevice;
        bool noSync = LineText.TryField(rest, "attrs="u8, out var attrs) && attrs.IndexOf("SKIP_CPU_SYNC"u8) >= 0;
        EventKind kind = forDevice ? EventKind.CacheClean : EventKind.CacheInval;
        bool maintain = !noSync && (forDevice || !toDevice) && !sink.Layout.Metadata.Agents[device].Coherent;

        if (op is DmaOp.MapSg or DmaOp.UnmapSg or DmaOp.SyncSgForCpu or DmaOp.SyncSgForDevice)
        {
            Scatter(line, l, op, rest, device, kind, maintain, sink);
            return;
        }
        if (!Field(line, e, rest, "dma_addr="u8, sink, out ulong dma, out var dmaText) || !Field(line, e, rest, "size="u8, sink, out ulong size, out var sizeText, hex: false)) return;
        ulong phys;
        var physText = dmaText;
        if (op == DmaOp.MapSingle)
        {
            if (!Field(line, e, rest, "phys_addr="u8, sink, out phys, out physText)) return;
            if (_mappings.Count < MaxMappings) _mappings[(device, dma)] = phys;
        }
        else if (!_mappings.TryGetValue((device, dma), out phys)) phys = dma; // no traced map: no IOMMU assumed
        if (op == DmaOp.UnmapSingle) _mappings.Remove((device, dma));
        Maintain(l, kind, maintain, phys, size, LineText.Column(line, physText), LineText.Column(line, sizeText), sink);
    }

    /// <summary>
    /// The cache op over [phys, phys+size), checked whole against the layout, then left to <see cref="Continue"/>
    /// to produce in pieces of at most <see cref="TraceEvent.MaxSize"/> bytes (one piece is produced at once).
    /// </summary>
    void Maintain(in FtraceLine l, EventKind kind, bool maintain, ulong phys, ulong size, int physColumn, int sizeColumn, ImportSink sink)
    {
        if (!maintain) { sink.Skip("dma event needing no cache maintenance (coherent device, SKIP_CPU_SYNC, or TO_DEVICE towards the cpu)"); return; }
        if (size == 0) { sink.Skip("dma event of size 0"); return; }
        int agent = Agent(l, sink);
        if (agent < 0 || !sink.CheckRange(kind, phys, size, physColumn, sizeColumn)) return;
        if (!_pending.Any)
        {
            // One piece and nothing pending before it (a descriptor or a small buffer, most DMA lines): enqueued now,
            // where Continue would put it next, without a pass through the input's loop for it. The queue holds at
            // most one such event per range of the line, as the pending ranges would.
            if (size <= TraceEvent.MaxSize)
            {
                sink.CheckedPiece(l.Time, kind, agent, phys, (int)size);
                return;
            }
            // A line's ranges share its time, kind and cpu; the previous line's were all produced before it was read.
            _pending.Start(l.Time, kind, agent);
        }
        _pending.Add(phys, size);
    }

    // Asked before every line: the test first, without the call into Produce's frame.
    /// <inheritdoc/>
    public override bool Continue(ImportSink sink) => _pending.Any && _pending.Produce(sink);

    static bool Field(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, ReadOnlySpan<byte> args, ReadOnlySpan<byte> key, ImportSink sink, out ulong value, out ReadOnlySpan<byte> text, bool hex = true)
    {
        value = 0;
        if (LineText.TryField(args, key, out text) && (hex ? LineText.TryHex(text, out value) : LineText.TryDecimal(text, out value))) return true;
        return sink.Malformed($"{LineText.Show(name)}: expected '{LineText.Show(key)}{(hex ? "HEX" : "DECIMAL")}'", LineText.Column(line, args));
    }

    static bool ArrayField(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, ReadOnlySpan<byte> args, ReadOnlySpan<byte> key, ImportSink sink, out ReadOnlySpan<byte> items)
    {
        items = default;
        if (LineText.TryField(args, key, out var v) && v.Length >= 2 && v[0] == '{' && v[^1] == '}')
        {
            items = v[1..^1];
            if (new HexList(items).IsValid) return true;
        }
        return sink.Malformed($"{LineText.Show(name)}: expected '{LineText.Show(key)}{{0xHEX,...}}'", LineText.Column(line, args));
    }

    /// <summary>The items of a <c>__print_array</c> (<c>0x1000,0x2000</c>).</summary>
    readonly ref struct HexList(ReadOnlySpan<byte> items)
    {
        readonly ReadOnlySpan<byte> _items = items;

        public bool IsValid
        {
            get
            {
                foreach (var part in _items.Split((byte)','))
                    if (!LineText.TryHex(_items[part], out _)) return _items.IsEmpty;
                return true;
            }
        }

        /// <summary>How many items.</summary>
        public int Count => _items.IsEmpty ? 0 : _items.Count((byte)',') + 1;

        public Enumerator GetEnumerator() => new(_items);

        public ref struct Enumerator(ReadOnlySpan<byte> items)
        {
            ReadOnlySpan<byte> _rest = items;
            bool _done = items.IsEmpty;

            public ulong Current { get; private set; }

            /// <summary>The text of <see cref="Current"/> (for an error's column).</summary>
            public ReadOnlySpan<byte> CurrentText { get; private set; }

            public bool MoveNext()
            {
                if (_done) return false;
                int comma = _rest.IndexOf((byte)',');
                var item = comma < 0 ? _rest : _rest[..comma];
                _rest = comma < 0 ? default : _rest[(comma + 1)..];
                _done = comma < 0;
                LineText.TryHex(item, out ulong v);
                Current = v;
                CurrentText = item;
                return true;
            }
        }
    }
}
