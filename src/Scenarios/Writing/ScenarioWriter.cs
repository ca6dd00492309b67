using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Writing;

/// <summary>
/// Prints a trace as a scenario (scenario-language.md): the declarations, then one step per event, so that
/// <c>gen</c> compiles the output back to the same events. Loads and reads print no value (the compiler
/// re-observes memory); written bytes print as <c>= 0x…</c> when they are a zero-extended little-endian u64,
/// else as <c>bytes "…"</c>, and not at all for the stores and DMA writes of a trace that did not record them.
/// </summary>
public sealed class ScenarioWriter
{
    readonly TraceMetadata _m;
    readonly RegionAddressNamer _addresses;
    readonly int _agentWidth;
    readonly StringBuilder _line = new(128);

    /// <summary>Creates a writer for traces with <paramref name="metadata"/>.</summary>
    public ScenarioWriter(TraceMetadata metadata)
    {
        _m = metadata;
        _addresses = new RegionAddressNamer(metadata.Regions);
        _agentWidth = metadata.Agents.Count == 0 ? 0 : metadata.Agents.Max(a => a.Name.Length);
    }

    /// <summary>The first line of a dump whose trace did not record its memory values (<see cref="TraceMetadata.MemoryValuesRecorded"/>).</summary>
    public const string NotRecordedComment =
        "# memory values not recorded: store and dma_write steps have no value, store_release and xchg a stand-in (only addresses and sizes are real)";

    /// <summary>Writes the declarations, agents in id order so that the compiler assigns the same ids.</summary>
    public void WriteDeclarations(TextWriter w)
    {
        if (!_m.MemoryValuesRecorded) w.WriteLine(NotRecordedComment);
        if (_m.Name.Length > 0) w.WriteLine($"scenario {Quote(_m.Name)}");
        w.WriteLine($"arch {_m.Arch.Name()}");
        if (_m.DeclaresCacheLine) w.WriteLine($"cacheline {_m.CacheLineSize}");
        var agents = _m.Agents;
        for (int i = 0; i < agents.Count;)
        {
            if (agents[i].IsCpu)
            {
                int j = i;
                while (j < agents.Count && agents[j].IsCpu) j++;
                w.WriteLine("cpu " + string.Join(", ", agents.Skip(i).Take(j - i).Select(a => a.Name)));
                i = j;
            }
            else
            {
                var a = agents[i];
                w.WriteLine($"device {a.Name}{(a.Coherent ? "" : " noncoherent")}{(a.IommuAtStart == IommuTreatment.Translate ? "" : " iommu " + a.IommuAtStart.Name())}");
                i++;
            }
        }
        foreach (var r in _m.Regions)
        {
            string head = $"{KindName(r.Kind),-5} {r.Name} 0x{r.Base:x}";
            w.WriteLine(r.Kind switch
            {
                RegionKind.Mmio => $"{head} size 0x{r.Size:x} device {AgentName(r.Device)}",
                RegionKind.Table => $"{head} entries {r.Entries} entry_size {r.EntrySize} granule {r.Granule} present bit {r.PresentBit} fetcher {AgentName(r.Device)}",
                _ => $"{head} size 0x{r.Size:x}",
            });
        }
        foreach (var r in _m.Regions)
            if (r.UsedBits is { } used)
                foreach (var rule in used.Rules) w.WriteLine(UsedLine(r.Name, rule));
        w.WriteLine();
    }

    /// <summary>A table's used rule as a <c>used</c> line with anonymous bit runs (the header keeps no field names).</summary>
    static string UsedLine(string table, UsedRule rule)
    {
        static string Bits(EntryBits b) => b.Low == b.High ? $"bit {b.Low}" : $"bits {b.High}:{b.Low}";
        var line = new StringBuilder($"used {table} ").AppendJoin(", ", rule.Bits.Select(Bits));
        for (int i = 0; i < rule.When.Count; i++)
        {
            var c = rule.When[i];
            ulong all = c.Field.Width >= 64 ? ulong.MaxValue : (1UL << (int)c.Field.Width) - 1;
            line.Append(i == 0 ? " when " : " and ").Append(Bits(c.Field));
            if (c.Mask != all) line.Append($" & 0x{c.Mask:x}");
            line.Append($" = 0x{c.Value:x}");
        }
        return line.ToString();
    }

    /// <summary>
    /// Ends each step with its trace index as a comment, <c>  # #42</c> (<c>dump</c>): reports name events by
    /// index, and the comment keeps the text compiling with <c>gen</c>.
    /// </summary>
    public bool IndexComments { get; init; }

    /// <summary>
    /// Writes events <paramref name="from"/>..<paramref name="from"/>+<paramref name="count"/>-1 of the batch,
    /// in writes of about 64 KiB: a console writer flushes every write, so one write per line would be a
    /// system call per event.
    /// </summary>
    public void WriteSteps(TextWriter w, EventBatch batch, int from, int count)
    {
        _line.Clear();
        for (int i = from; i < from + count; i++)
        {
            AppendStep(_line, batch, i);
            if (IndexComments) _line.Append("  # #").Append((batch.FirstIndex + i).ToString(CultureInfo.InvariantCulture));
            _line.Append('\n');
            if (_line.Length >= 1 << 16)
            {
                w.Write(_line);
                _line.Clear();
            }
        }
        w.Write(_line);
    }

    void AppendStep(StringBuilder sb, EventBatch b, int i)
    {
        var e = b[i];
        string agent = _m.Agents[e.Agent].Name;
        sb.Append(agent).Append(':').Append(' ', _agentWidth - agent.Length + 1).Append(FirmwareSteps.OpName(e));
        switch (e.Kind)
        {
            case EventKind.Store or EventKind.MmioWrite or EventKind.DmaWrite:
                sb.Append(' ');
                _addresses.Append(sb, e.Address);
                sb.Append(" size ").Append(e.Size.ToString(CultureInfo.InvariantCulture));
                AppendValue(sb, e.Kind, b.GetData(i));
                break;
            case EventKind.Load or EventKind.MmioRead or EventKind.CacheClean or EventKind.CacheInval
                or EventKind.CacheFlush or EventKind.DmaRead:
                sb.Append(' ');
                _addresses.Append(sb, e.Address);
                sb.Append(" size ").Append(e.Size.ToString(CultureInfo.InvariantCulture));
                break;
            case EventKind.Barrier:
                sb.Append(' ').Append(new BarrierCode((ushort)e.Aux).ToString());
                break;
            case EventKind.DevInvalidate:
                sb.Append(' ').Append(AgentName((int)e.Aux)).Append(' ');
                if (e.Size == 0) sb.Append("all");
                else if (!_addresses.AppendEntry(sb, e.Address)) _addresses.Append(sb, e.Address);
                break;
            case EventKind.Lock or EventKind.Unlock:
                sb.Append(' ').Append(_m.Locks[(int)e.Aux]);
                break;
            case EventKind.TakeIrq:
                sb.Append(' ').Append(AgentName((int)e.Aux));
                break;
            case EventKind.Fetch:
                sb.Append(' ');
                if (!_addresses.AppendEntry(sb, e.Address)) _addresses.Append(sb, e.Address);
                sb.Append(" granule ").Append(e.Aux.ToString(CultureInfo.InvariantCulture));
                break;
            case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                FirmwareSteps.AppendRegisters(sb, e.Kind, b.GetData(i));
                break;
            default:
                AppendV3Operands(sb, b, i, e);
                break;
        }
        if (e.Site >= 0) sb.Append(" @ ").Append(Quote(_m.Sites[e.Site]));
    }

    /// <summary>
    /// The operands of the v3 kinds (16..25) in the spellings of issues 10 and 11 (<c>store_release ADDR size N = V</c>,
    /// <c>iommu_mode DEV bypass</c>, <c>dma_map ADDR size N device DEV to_device</c>, ...); firmware calls and returns are
    /// <see cref="FirmwareSteps"/>'. Generic: the language helpers refine them where their syntax differs.
    /// </summary>
    void AppendV3Operands(StringBuilder sb, EventBatch b, int i, in TraceEvent e)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (e.Kind)
        {
            case EventKind.StoreRelease or EventKind.LoadAcquire or EventKind.Xchg or EventKind.DmaMap or EventKind.DmaUnmap:
                sb.Append(' ');
                _addresses.Append(sb, e.Address);
                sb.Append(" size ").Append(e.Size.ToString(inv));
                // Their steps need a value, so a stand-in is written as it is (the first line says the values were not recorded).
                if (e.Kind is EventKind.StoreRelease or EventKind.Xchg) AppendBytes(sb, b.GetData(i));
                else if (e.Kind == EventKind.DmaMap)
                    sb.Append(" device ").Append(AgentName(EventOperands.Device(e.Aux))).Append(' ').Append(EventOperands.Direction(e.Aux).Name());
                else if (e.Kind == EventKind.DmaUnmap) sb.Append(" device ").Append(AgentName((int)e.Aux));
                break;
            case EventKind.IommuMode:
                sb.Append(' ').Append(AgentName(EventOperands.Device(e.Aux))).Append(' ').Append(EventOperands.Treatment(e.Aux).Name());
                break;
            case EventKind.Quiesce:
                sb.Append(' ').Append(AgentName((int)e.Aux));
                break;
        }
    }

    /// <summary>
    /// The written value, unless the trace did not record it (<see cref="TraceMetadata.RecordsValueOf"/>): its bytes are
    /// then the scenario pattern, which a step without a value regenerates, so <c>gen</c> still gives the same events.
    /// </summary>
    void AppendValue(StringBuilder sb, EventKind kind, ReadOnlySpan<byte> data)
    {
        if (_m.RecordsValueOf(kind)) AppendBytes(sb, data);
    }

    static void AppendBytes(StringBuilder sb, ReadOnlySpan<byte> data)
    {
        if (data.Length != 0) sb.Append(' ').Append(FormatValue(data));
    }

    /// <summary>
    /// How written bytes are spelled, in dumps and reports alike: <c>= 0x…</c> when every byte from 8 up is
    /// zero (a zero-extended little-endian u64), else <c>bytes "…"</c> in memory order.
    /// </summary>
    public static string FormatValue(ReadOnlySpan<byte> data)
    {
        if (data.Length <= 8 || !data[8..].ContainsAnyExcept((byte)0))
        {
            Span<byte> word = stackalloc byte[8];
            word.Clear();
            data[..Math.Min(8, data.Length)].CopyTo(word);
            return "= 0x" + BinaryPrimitives.ReadUInt64LittleEndian(word).ToString("x", CultureInfo.InvariantCulture);
        }
        return "bytes \"" + Convert.ToHexStringLower(data) + "\"";
    }

    string AgentName(int id) => id >= 0 && id < _m.Agents.Count ? _m.Agents[id].Name : $"agent{id}";

    static string KindName(RegionKind kind) => kind switch
    {
        RegionKind.Ram => "ram",
        RegionKind.Sync => "sync",
        RegionKind.Mmio => "mmio",
        _ => "table",
    };

    /// <summary>A scenario string literal: only <c>\"</c> and <c>\\</c> need escapes (the format refuses control characters).</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The whole of <paramref name="events"/> as scenario text: declarations, a blank line, one step per event.</summary>
    public static string Write(TraceMetadata metadata, EventBatch events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var writer = new ScenarioWriter(metadata);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        writer.WriteDeclarations(text);
        writer.WriteSteps(text, events, 0, events.Count);
        return text.ToString();
    }
}
