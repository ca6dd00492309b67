using System.Globalization;
using System.Text;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>Prints a trace as scenario-like text (declarations, then one numbered step per event) for failure messages.</summary>
public static class ScenarioText
{
    public static string Print(RefTrace t)
    {
        var md = t.Metadata;
        var sb = new StringBuilder();
        if (md.Name.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"scenario \"{md.Name}\"\n");
        sb.Append(CultureInfo.InvariantCulture, $"arch {md.Arch.Name()}\n");
        foreach (var a in md.Agents)
            sb.Append(a.IsCpu ? $"cpu {a.Name}\n" : $"device {a.Name}{(a.Coherent ? "" : " noncoherent")}\n");
        foreach (var r in md.Regions)
        {
            sb.Append(r.Kind switch
            {
                RegionKind.Ram => $"ram {r.Name} 0x{r.Base:x} size 0x{r.Size:x}",
                RegionKind.Sync => $"sync {r.Name} 0x{r.Base:x} size 0x{r.Size:x}",
                RegionKind.Mmio => $"mmio {r.Name} 0x{r.Base:x} size 0x{r.Size:x} device {md.Agents[r.Device].Name}",
                _ => $"table {r.Name} 0x{r.Base:x} entries {r.Entries} entry_size {r.EntrySize} granule {r.Granule} present bit {r.PresentBit} fetcher {md.Agents[r.Device].Name}",
            }).Append('\n');
        }
        for (int i = 0; i < t.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"{Step(md, t.Events[i])}   # {i}\n");
        return sb.ToString();
    }

    /// <summary>REGION+off, or TABLE[e]+off for tables.</summary>
    public static string Where(TraceMetadata md, ulong addr)
    {
        var r = md.RegionAt(addr);
        if (r is null) return $"0x{addr:x}";
        ulong off = addr - r.Base;
        if (r.Kind == RegionKind.Table)
        {
            ulong e = off / r.EntrySize, o = off % r.EntrySize;
            return o == 0 ? $"{r.Name}[{e}]" : $"{r.Name}[{e}] + 0x{o:x}";
        }
        return off == 0 ? r.Name : $"{r.Name} + 0x{off:x}";
    }

    static string Step(TraceMetadata md, RefEvent re)
    {
        var e = re.E;
        string who = md.Agents[e.Agent].Name;
        string bytes = Convert.ToHexStringLower(re.Data);
        string op = e.Kind switch
        {
            EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite => $"{e.Kind.OpName()} {Where(md, e.Address)} size {e.Size} bytes \"{bytes}\"",
            EventKind.Barrier => $"barrier {new BarrierCode((ushort)e.Aux)}",
            EventKind.DevInvalidate => $"dev_invalidate {md.Agents[(int)e.Aux].Name} {(e.Size == 0 ? "all" : Where(md, e.Address))}",
            EventKind.Lock or EventKind.Unlock => $"{e.Kind.OpName()} {md.Locks[(int)e.Aux]}",
            EventKind.TakeIrq => $"take_irq {md.Agents[(int)e.Aux].Name}",
            EventKind.RaiseIrq => "raise_irq",
            EventKind.Fetch => $"fetch {Where(md, e.Address - e.Aux * (ulong)e.Size)} granule {e.Aux}",
            _ => $"{e.Kind.OpName()} {Where(md, e.Address)} size {e.Size}",
        };
        string site = e.Site >= 0 ? $" @ \"{md.Sites[e.Site]}\"" : "";
        return $"{who}: {op}{site}";
    }
}
