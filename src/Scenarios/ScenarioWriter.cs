using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// Writes a trace back as scenario text (what <c>dump</c> prints): the declarations from the metadata, then
/// one step per event. The output compiles again with <see cref="ScenarioCompiler"/> to the same event
/// stream: writes carry their bytes (<c>= VALUE</c> when they are a zero-extended little-endian u64,
/// <c>bytes "HEX"</c> otherwise); reads are regenerated from the memory image.
/// </summary>
public static class ScenarioWriter
{
    /// <summary>Writes <c>scenario</c>, <c>arch</c>, agents and regions, one per line.</summary>
    public static void WriteHeader(TraceMetadata metadata, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(writer);
        if (metadata.Name.Length > 0) writer.WriteLine($"scenario {Quote(metadata.Name)}");
        writer.WriteLine($"arch {metadata.Arch.Name()}");
        foreach (var a in metadata.Agents)
            writer.WriteLine(a.IsCpu ? $"cpu {a.Name}" : $"device {a.Name} {(a.Coherent ? "coherent" : "noncoherent")}");
        foreach (var r in metadata.Regions)
        {
            writer.WriteLine(r.Kind switch
            {
                RegionKind.Ram => $"ram {r.Name} {Hex(r.Base)} size {Hex(r.Size)}",
                RegionKind.Sync => $"sync {r.Name} {Hex(r.Base)} size {Hex(r.Size)}",
                RegionKind.Mmio => $"mmio {r.Name} {Hex(r.Base)} size {Hex(r.Size)} device {metadata.Agents[r.Device].Name}",
                _ => $"table {r.Name} {Hex(r.Base)} entries {r.Entries} entry_size {r.EntrySize} granule {r.Granule} present bit {r.PresentBit} fetcher {metadata.Agents[r.Device].Name}",
            });
        }
    }

    /// <summary>Writes one event as a step line (<c>cpu0: store xqc + 0x10 size 8 = 0x1 @ "site"</c>).</summary>
    public static void WriteEvent(TraceMetadata metadata, in TraceEvent e, ReadOnlySpan<byte> data, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(writer);
        var sb = new StringBuilder(64);
        sb.Append(metadata.Agents[e.Agent].Name).Append(": ").Append(e.Kind.OpName());
        switch (e.Kind)
        {
            case EventKind.Barrier:
                sb.Append(' ').Append(new BarrierCode((ushort)e.Aux).ToString());
                break;
            case EventKind.Lock or EventKind.Unlock:
                sb.Append(' ').Append(metadata.Locks[(int)e.Aux]);
                break;
            case EventKind.TakeIrq:
                sb.Append(' ').Append(metadata.Agents[(int)e.Aux].Name);
                break;
            case EventKind.RaiseIrq:
                break;
            case EventKind.DevInvalidate:
                sb.Append(' ').Append(metadata.Agents[(int)e.Aux].Name).Append(' ');
                if (e.Size == 0) sb.Append("all");
                else if (!AppendEntry(sb, metadata, e.Address)) { writer.WriteLine($"# unrepresentable: {sb}"); return; }
                break;
            case EventKind.Fetch:
                sb.Append(' ');
                if (!AppendEntry(sb, metadata, e.Address - e.Aux * (ulong)e.Size)) { writer.WriteLine($"# unrepresentable: {sb}"); return; }
                sb.Append(" granule ").Append(e.Aux);
                break;
            default:
                sb.Append(' ');
                if (!AppendAddress(sb, metadata, e.Address)) { writer.WriteLine($"# unrepresentable: {sb} {Hex(e.Address)}"); return; }
                sb.Append(" size ").Append(e.Size);
                if (e.Kind.MustCarryData() && data.Length == e.Size) AppendValue(sb, data);
                break;
        }
        if (e.Site >= 0) sb.Append(" @ ").Append(Quote(metadata.Sites[e.Site]));
        writer.WriteLine(sb.ToString());
    }

    /// <summary>The whole batch as scenario text: header, a blank line, then the steps.</summary>
    public static string Write(TraceMetadata metadata, EventBatch events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        WriteHeader(metadata, w);
        w.WriteLine();
        for (int i = 0; i < events.Count; i++) WriteEvent(metadata, events[i], events.GetData(i), w);
        return w.ToString();
    }

    static bool AppendAddress(StringBuilder sb, TraceMetadata m, ulong address)
    {
        var r = m.RegionAt(address);
        if (r is null) return false;
        ulong off = address - r.Base;
        if (r.Kind == RegionKind.Table)
        {
            sb.Append(r.Name).Append('[').Append(off / r.EntrySize).Append(']');
            off %= r.EntrySize;
        }
        else
        {
            sb.Append(r.Name);
        }
        if (off != 0) sb.Append(" + ").Append(Hex(off));
        return true;
    }

    static bool AppendEntry(StringBuilder sb, TraceMetadata m, ulong entryBase)
    {
        var r = m.RegionAt(entryBase);
        if (r is null || r.Kind != RegionKind.Table || (entryBase - r.Base) % r.EntrySize != 0) return false;
        sb.Append(r.Name).Append('[').Append((entryBase - r.Base) / r.EntrySize).Append(']');
        return true;
    }

    static void AppendValue(StringBuilder sb, ReadOnlySpan<byte> data)
    {
        if (data.Length <= 8 || !data[8..].ContainsAnyExcept((byte)0))
        {
            Span<byte> u = stackalloc byte[8];
            u.Clear();
            data[..Math.Min(8, data.Length)].CopyTo(u);
            sb.Append(" = ").Append(Hex(BinaryPrimitives.ReadUInt64LittleEndian(u)));
        }
        else
        {
            sb.Append(" bytes \"").Append(Convert.ToHexStringLower(data)).Append('"');
        }
    }

    static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
