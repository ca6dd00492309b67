using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Exporting;

// Events and the hb edges between them, one batch at a time.
public sealed partial class PerfettoExport
{
    readonly Dictionary<uint, string> _barrierNames = [];

    /// <summary>Starts a batch: the replay is about to take its edges.</summary>
    void StartBatch(EventBatch batch)
    {
        _batch = batch;
        _written = 0;
    }

    /// <summary>
    /// The replay's edge observer: keeps an edge until its event is written. Past <see cref="_edgesHeld"/> kept, writes
    /// the batch's events up to this edge's: the replay takes edges in trace order, so every kept one is at or before it.
    /// </summary>
    void TakeLater(HbEdge edge)
    {
        // After the last batch no event is left for an edge to follow (the replay takes none there).
        if (_batch is not { } batch) return;
        _edges.Add(edge);
        _mostKept = Math.Max(_mostKept, _edges.Count);
        if (_edges.Count >= _edgesHeld) WriteThrough((int)Math.Clamp(edge.At - batch.FirstIndex + 1, _written, batch.Count));
    }

    /// <summary>Writes what is left of the batch just replayed.</summary>
    void WriteBatch()
    {
        WriteThrough(_batch!.Count);
        _batch = null;
    }

    /// <summary>
    /// Writes the batch's events inside the window, up to position <paramref name="end"/>, in trace order, each followed by
    /// the edges the replay took at it. Edges kept for an event already written (the replay took more at it after the
    /// last call) come first, so the file is the same however many edges are kept.
    /// </summary>
    void WriteThrough(int end)
    {
        var batch = _batch!;
        long first = batch.FirstIndex;
        int e = 0;
        for (; e < _edges.Count && _edges[e].At < first + _written; e++) TakeEdge(_edges[e]);
        for (; _written < end; _written++)
        {
            long index = first + _written;
            int agent = batch.Agents[_written];
            var pending = _pending[agent];
            if (pending.Count > 0) LandPending(pending, agent, index);
            if (_pendingFromOutside[agent] != 0) LandFromOutside(agent, index);
            if (_window.Contains(index)) WriteEvent(batch, _written, index);
            for (; e < _edges.Count && _edges[e].At == index; e++) TakeEdge(_edges[e]);
            FlushIfFull();
        }
        _edges.Clear();
    }

    /// <summary>Doorbell-like edges waiting for <paramref name="agent"/>'s next event: this one.</summary>
    void LandPending(List<(long From, int FromAgent)> pending, int agent, long index)
    {
        foreach (var (from, fromAgent) in pending)
        {
            if (_window.Contains(index)) WriteFlow(fromAgent, from, agent, index);
            else _cut++;
        }
        pending.Clear();
    }

    /// <summary>
    /// Edges from before the window waiting for <paramref name="agent"/>'s next event: this one. They are cut when it
    /// lies inside the window (one end in), dropped unseen when it does not. Only their number is kept.
    /// </summary>
    void LandFromOutside(int agent, long index)
    {
        if (_window.Contains(index)) _cut += _pendingFromOutside[agent];
        _pendingFromOutside[agent] = 0;
    }

    void TakeEdge(in HbEdge edge)
    {
        bool fromIn = _window.Contains(edge.From);
        if (edge.ToNextEvent)
        {
            var pending = _pending[edge.ToAgent];
            if (!fromIn) _pendingFromOutside[edge.ToAgent]++;
            else if (pending.Count < PendingCap) pending.Add((edge.From, edge.FromAgent));
            else _cut++;
            return;
        }
        if (fromIn && _window.Contains(edge.At)) WriteFlow(edge.FromAgent, edge.From, edge.ToAgent, edge.At);
        else if (fromIn || _window.Contains(edge.At)) _cut++;
    }

    /// <summary>An hb arrow: flow start in the release's slice, flow end in the acquiring slice.</summary>
    void WriteFlow(int fromAgent, long from, int toAgent, long to)
    {
        long id = _nextFlow++;
        WriteFlowPoint(ExportNames.FlowStart, ExportNames.Hb, ExportNames.Hb, AgentsPid, fromAgent + 1, from, id);
        WriteFlowPoint(ExportNames.FlowEnd, ExportNames.Hb, ExportNames.Hb, AgentsPid, toAgent + 1, to, id);
        _flows++;
        // One event may take thousands of edges: the writer's buffer must not wait for its end.
        FlushIfFull();
    }

    void WriteFlowPoint(JsonEncodedText phase, JsonEncodedText name, JsonEncodedText category, int pid, int tid, long at, long id)
    {
        StartRecord(phase, name, pid, tid);
        WriteFlowFields(phase, category, at, id);
    }

    /// <summary>A flow point whose name is not a constant (a finding's role).</summary>
    void WriteFlowPoint(JsonEncodedText phase, string name, JsonEncodedText category, int pid, int tid, long at, long id)
    {
        StartRecord(phase, name, pid, tid);
        WriteFlowFields(phase, category, at, id);
    }

    void WriteFlowFields(JsonEncodedText phase, JsonEncodedText category, long at, long id)
    {
        _json.WriteString(ExportNames.Cat, category);
        _json.WriteNumber(ExportNames.Ts, at + FlowOffset);
        _json.WriteNumber(ExportNames.Id, id);
        if (phase.Equals(ExportNames.FlowEnd)) _json.WriteString(ExportNames.Bp, ExportNames.EnclosingSlice);
        _json.WriteEndObject();
    }

    /// <summary>One event as a slice on its agent's track, named like a report line, its fields in args.</summary>
    void WriteEvent(EventBatch batch, int i, long index)
    {
        var e = batch[i];
        var data = batch.GetData(i);
        int n = FormatName(_text, e, data);
        StartRecord(ExportNames.Slice, _text.AsSpan(0, n), AgentsPid, e.Agent + 1);
        _json.WriteString(ExportNames.Cat, ExportNames.EventCategory);
        _json.WriteNumber(ExportNames.Ts, index);
        _json.WriteNumber(ExportNames.Dur, SliceLength);
        _json.WriteStartObject(ExportNames.Args);
        _json.WriteNumber(ExportNames.Index, index);
        _json.WriteString(ExportNames.Op, e.Kind.OpName());
        if (e.Kind.HasAddress())
        {
            _json.WriteString(ExportNames.Addr, Hex(e.Address));
            _json.WriteNumber(ExportNames.Size, e.Size);
        }
        switch (e.Kind)
        {
            case EventKind.Barrier: _json.WriteString(ExportNames.Barrier, BarrierName(e.Aux)); break;
            case EventKind.Lock or EventKind.Unlock: _json.WriteString(ExportNames.Lock, _md.Locks[(int)e.Aux]); break;
            case EventKind.TakeIrq or EventKind.DevInvalidate: _json.WriteString(ExportNames.Device, _md.Agents[(int)e.Aux].Name); break;
            case EventKind.Fetch: _json.WriteNumber(ExportNames.Granule, e.Aux); break;
            // v3 kinds: their operands, generically (the issue helpers refine their own kinds).
            case EventKind.Quiesce or EventKind.DmaUnmap: _json.WriteString(ExportNames.Device, _md.Agents[(int)e.Aux].Name); break;
            case EventKind.IommuMode:
                _json.WriteString(ExportNames.Device, _md.Agents[EventOperands.Device(e.Aux)].Name);
                _json.WriteString(ExportNames.Treatment, EventOperands.Treatment(e.Aux).Name());
                break;
            case EventKind.DmaMap:
                _json.WriteString(ExportNames.Device, _md.Agents[EventOperands.Device(e.Aux)].Name);
                _json.WriteString(ExportNames.Direction, EventOperands.Direction(e.Aux).Name());
                break;
            case EventKind.FirmwareCall or EventKind.FirmwareReturn: _json.WriteString(ExportNames.Conduit, ((FirmwareConduit)e.Aux).Name()); break;
        }
        // A trace that did not record its memory values holds the scenario pattern there: not a value to show.
        if (!data.IsEmpty && _md.RecordsValueOf(e.Kind)) WriteBytes(data);
        if (e.Site >= 0) _json.WriteString(ExportNames.Site, _md.Sites[e.Site]);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _events++;
    }

    /// <summary>Up to 8 bytes as their little-endian value; longer bytes as hex (the first 64) and their length.</summary>
    void WriteBytes(ReadOnlySpan<byte> data)
    {
        if (data.Length <= 8)
        {
            _json.WriteString(ExportNames.Value, Hex(LittleEndianValue(data)));
            return;
        }
        var shown = data[..Math.Min(64, data.Length)];
        Span<char> hex = stackalloc char[128];
        Convert.TryToHexStringLower(shown, hex, out int written);
        _json.WriteString(ExportNames.Bytes, hex[..written]);
        _json.WriteNumber(ExportNames.Length, data.Length);
    }

    ReadOnlySpan<char> Hex(ulong value)
    {
        value.TryFormat(_text.AsSpan(2), out int n, "x", CultureInfo.InvariantCulture);
        _text[0] = '0';
        _text[1] = 'x';
        return _text.AsSpan(0, n + 2);
    }

    string BarrierName(uint code)
    {
        if (!_barrierNames.TryGetValue(code, out var name)) _barrierNames[code] = name = new BarrierCode((ushort)code).ToString();
        return name;
    }

    /// <summary>The slice name: <c>store txring[0]+0x8</c>, <c>mmio_write nicregs+0x10 = 0x2</c>, <c>barrier dma_wmb</c>.</summary>
    int FormatName(Span<char> dest, in TraceEvent e, ReadOnlySpan<byte> data)
    {
        var inv = CultureInfo.InvariantCulture;
        string op = e.Kind.OpName();
        op.CopyTo(dest);
        int n = op.Length;
        dest[n++] = ' ';
        switch (e.Kind)
        {
            case EventKind.Barrier: return Append(dest, n, BarrierName(e.Aux));
            case EventKind.Lock or EventKind.Unlock: return Append(dest, n, _md.Locks[(int)e.Aux]);
            case EventKind.TakeIrq: return Append(dest, n, _md.Agents[(int)e.Aux].Name);
            case EventKind.RaiseIrq: return n - 1;
            case EventKind.DevInvalidate:
                n = Append(dest, n, _md.Agents[(int)e.Aux].Name);
                dest[n++] = ' ';
                return e.Size == 0 ? Append(dest, n, "all") : n + _regions.FormatEntry(dest[n..], e.Address);
            case EventKind.Fetch:
                n += _regions.FormatEntry(dest[n..], e.Address);
                return dest[n..].TryWrite(inv, $" granule {e.Aux}", out int g) ? n + g : n;
            // v3 kinds without an address: op and operands, generically.
            case EventKind.Handover: return n - 1;
            case EventKind.Quiesce: return Append(dest, n, _md.Agents[(int)e.Aux].Name);
            case EventKind.IommuMode:
                n = Append(dest, n, _md.Agents[EventOperands.Device(e.Aux)].Name);
                dest[n++] = ' ';
                return Append(dest, n, EventOperands.Treatment(e.Aux).Name());
            case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                // The call's instruction (smc or hvc) and x0, the function id or the first result.
                n = e.Kind == EventKind.FirmwareCall ? 0 : n;
                n = Append(dest, n, ((FirmwareConduit)e.Aux).Name());
                return data.Length >= 8 && dest[n..].TryWrite(inv, $" x0=0x{LittleEndianValue(data[..8]):x}", out int x) ? n + x : n;
        }
        n += _regions.Format(dest[n..], e.Address);
        if (e.Kind is EventKind.DmaMap or EventKind.DmaUnmap)
        {
            dest[n++] = ' ';
            n = Append(dest, n, _md.Agents[EventOperands.Device(e.Aux)].Name);
            if (e.Kind == EventKind.DmaMap)
            {
                dest[n++] = ' ';
                n = Append(dest, n, EventOperands.Direction(e.Aux).Name());
            }
        }
        if (e.Kind is EventKind.MmioWrite or EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg && data.Length is > 0 and <= 8
            && _md.RecordsValueOf(e.Kind)
            && dest[n..].TryWrite(inv, $" = 0x{LittleEndianValue(data):x}", out int w))
            n += w;
        return n;
    }

    /// <summary>1..8 bytes as their little-endian value.</summary>
    static ulong LittleEndianValue(ReadOnlySpan<byte> data)
    {
        Span<byte> v = stackalloc byte[8];
        v.Clear();
        data.CopyTo(v);
        return BinaryPrimitives.ReadUInt64LittleEndian(v);
    }

    static int Append(Span<char> dest, int n, string text)
    {
        int k = Math.Min(text.Length, dest.Length - n);
        text.AsSpan(0, k).CopyTo(dest[n..]);
        return n + k;
    }
}
