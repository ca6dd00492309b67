using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The slow, literal reference of model.md: the explicit event graph (nodes = events, hb edges of §2),
/// reachability by search, ob (§3) decided per pair of events by looking for a qualifying hb path, and the
/// nine detector rules of §4 applied to the whole trace at once. No clocks, no streaming, no cleverness:
/// O(n²)–O(n³) on traces of tens of events. Memory values are reconstructed from the stores and DMA writes
/// themselves (memory starts zeroed); the bytes that reads carry are ignored.
/// </summary>
public sealed partial class ReferenceModel
{
    readonly RefTrace _t;
    readonly TraceMetadata _md;
    readonly Arch _arch;
    readonly int _n;
    readonly ReferenceReadings _readings;

    public ReferenceModel(RefTrace trace, ReferenceReadings? readings = null)
    {
        _t = trace;
        _readings = readings ?? ReferenceReadings.Literal;
        _md = trace.Metadata;
        _arch = _md.Arch;
        _n = trace.Count;
        BuildGraph();
    }

    /// <summary>Runs every detector and returns the findings ordered by trigger index, then kind.</summary>
    public static List<Finding> Run(RefTrace trace, ReferenceReadings? readings = null) => new ReferenceModel(trace, readings).Findings();

    public List<Finding> Findings()
    {
        var all = new List<Finding>();
        StaleDmaRead(all);
        StaleCpuRead(all);
        DmaRace(all);
        TornEntryFetch(all);
        MissingFlushAfterClear(all);
        PresentBeforePayload(all);
        TornEntryUpdate(all);
        MissingCacheClean(all);
        MissingCacheInvalidate(all);
        DeviceLifetimeRules(all);
        LiveEntryWrite(all);
        SmcccClobber(all);
        SmcccResultLost(all);
        SharedCacheline(all);
        DiscardedStore(all);
        return [.. all.OrderBy(f => f.Trigger).ThenBy(f => f.Kind)];
    }

    // ---- event facts ----

    TraceEvent Ev(int i) => _t.Events[i].E;
    int AgentOf(int i) => _t.Events[i].E.Agent;
    bool IsCpu(int i) => _md.Agents[AgentOf(i)].IsCpu;
    bool IsCpuAgent(int agent) => _md.Agents[agent].IsCpu;
    /// <summary>The kind the rules see: store_release and xchg are stores, load_acquire a load (their ordering: ReferenceModel.AcquireRelease.cs).</summary>
    EventKind KindOf(int i) => AsPlainAccess(_t.Events[i].E.Kind);
    bool IsWrite(int i) => KindOf(i) is EventKind.Store or EventKind.DmaWrite;

    /// <summary>Events that touch memory bytes Address..Address+Size (dev_invalidate names an entry, not bytes).</summary>
    bool Covers(int i, ulong addr)
    {
        var e = Ev(i);
        if (e.Kind is EventKind.DevInvalidate || !e.Kind.HasAddress()) return false;
        return addr >= e.Address && addr - e.Address < (ulong)e.Size;
    }

    IEnumerable<ulong> Bytes(int i)
    {
        var e = Ev(i);
        for (ulong k = 0; k < (ulong)e.Size; k++) yield return e.Address + k;
    }

    // ---- memory ----

    RegionInfo? RegionOf(ulong addr) => _md.RegionAt(addr);

    /// <summary>Sync bytes: sync regions and the present words of table entries.</summary>
    bool IsSyncByte(ulong addr)
    {
        var r = RegionOf(addr);
        if (r is null) return false;
        if (r.Kind == RegionKind.Sync) return true;
        if (r.Kind != RegionKind.Table) return false;
        ulong off = (addr - r.Base) % r.EntrySize;
        return off >= r.PresentWordOffset && off < r.PresentWordOffset + r.PresentWordLength;
    }

    /// <summary>Data bytes: ram and table payload (model.md §1).</summary>
    bool IsDataByte(ulong addr)
    {
        var r = RegionOf(addr);
        if (r is null) return false;
        return r.Kind == RegionKind.Ram || (r.Kind == RegionKind.Table && !IsSyncByte(addr));
    }

    /// <summary>The last write (store or DMA write, any agent) to <paramref name="addr"/> strictly before event <paramref name="before"/>, or -1.</summary>
    int LastWriter(ulong addr, int before)
    {
        for (int j = before - 1; j >= 0; j--)
            if (IsWrite(j) && Covers(j, addr)) return j;
        return -1;
    }

    /// <summary>The memory byte at <paramref name="addr"/> just before event <paramref name="before"/> (0 when never written).</summary>
    byte ValueBefore(ulong addr, int before)
    {
        int w = LastWriter(addr, before);
        return w < 0 ? (byte)0 : _t.Events[w].Data[(int)(addr - Ev(w).Address)];
    }

    byte WrittenByte(int i, ulong addr) => _t.Events[i].Data[(int)(addr - Ev(i).Address)];

    /// <summary>True when write <paramref name="i"/> changes the byte at <paramref name="addr"/>.</summary>
    bool ChangesByte(int i, ulong addr) => IsWrite(i) && Covers(i, addr) && WrittenByte(i, addr) != ValueBefore(addr, i);
}
