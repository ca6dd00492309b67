using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth.Oracle;

internal sealed partial class ModelOracle
{
    /// <summary>One 8-byte unit of memory: sync (a message) or data (writers, readers, cache state).</summary>
    sealed class Unit
    {
        public bool Sync;
        public Message? Last;               // sync: the last store's release (to cpus, to devices)
        public Message? LastToDevice;
        public int LastAgent;
        public int WriterAgent = -1, WriterTime;
        public long WriterIndex = -1;
        public int[] ReadTime = [];
        public int CleanTime;               // by the writer cpu, after the write
        public int InvalidatedBy;           // cpus that invalidated hb-after a noncoherent device write
    }

    readonly Dictionary<ulong, Unit> _units = [];
    readonly Dictionary<RegionInfo, byte[]> _tables = [];

    void InitMemory()
    {
        foreach (var r in _md.Regions) if (r.Kind == RegionKind.Table) _tables[r] = new byte[r.Size];
    }

    Unit UnitAt(ulong address, RegionInfo region)
    {
        ulong key = address & ~7UL;
        if (!_units.TryGetValue(key, out var u))
        {
            bool sync = region.Kind == RegionKind.Sync ||
                (region.Kind == RegionKind.Table && (key - region.Base) % region.EntrySize == region.PresentWordOffset);
            u = new Unit { Sync = sync, ReadTime = new int[_n] };
            _units[key] = u;
        }
        return u;
    }

    void Access(long index, TraceEvent e, byte[] data)
    {
        var region = _md.RegionAt(e.Address)!;
        int a = e.Agent;
        bool cpu = IsCpu(a);
        if (region.Kind == RegionKind.Table) EntryRules(index, e, data, region);

        Message? release = null, releaseToDevice = null;
        bool reportedStale = false, reportedRace = false, reportedClean = false, reportedInval = false;
        var acquired = new HashSet<Message>();
        for (ulong at = e.Address & ~7UL; at < e.Address + (ulong)e.Size; at += 8)
        {
            var u = UnitAt(at, region);
            if (!u.Sync && (at < e.Address || at + 8 > e.Address + (ulong)e.Size))
                throw new InvalidOperationException($"#{index}: data access not in whole 8-byte units");
            switch (e.Kind)
            {
                case EventKind.Store or EventKind.DmaWrite when u.Sync:
                    release ??= Release(a, Cls.W, false);
                    releaseToDevice ??= Release(a, Cls.W, true);
                    u.Last = release;
                    u.LastToDevice = releaseToDevice;
                    u.LastAgent = a;
                    break;
                case EventKind.Load or EventKind.DmaRead or EventKind.Fetch when u.Sync:
                    var m = cpu ? u.Last : u.LastToDevice;
                    if (m is not null && acquired.Add(m)) Acquire(a, m, cpu ? Cls.R : Cls.None, !IsCpu(u.LastAgent));
                    break;
                case EventKind.Fetch:
                    break; // payload reads by the fetcher are checked by the entry rules only
                case EventKind.Store or EventKind.DmaWrite:
                    if (!reportedRace && Races(a, u, write: true)) { Report(SynthFindingKind.DmaRace, index); reportedRace = true; }
                    u.WriterAgent = a; u.WriterTime = _time[a]; u.WriterIndex = index;
                    u.CleanTime = 0; u.InvalidatedBy = 0;
                    Array.Clear(u.ReadTime);
                    break;
                case EventKind.Load or EventKind.DmaRead:
                    if (!reportedRace && Races(a, u, write: false)) { Report(SynthFindingKind.DmaRace, index); reportedRace = true; }
                    if (u.WriterAgent >= 0 && IsCpu(u.WriterAgent) != cpu)
                    {
                        int w = u.WriterAgent, t = u.WriterTime;
                        bool hb = _hb[a][w] >= t;
                        if (cpu)
                        {
                            if (!reportedStale && hb && _loads[a][w] < t) { Report(SynthFindingKind.StaleCpuRead, index); reportedStale = true; }
                            if (!reportedInval && !_md.Agents[w].Coherent && (u.InvalidatedBy & (1 << a)) == 0)
                            { Report(SynthFindingKind.MissingCacheInvalidate, index); reportedInval = true; }
                        }
                        else
                        {
                            if (!reportedStale && hb && _ob[a][w] < t) { Report(SynthFindingKind.StaleDmaRead, index); reportedStale = true; }
                            if (!reportedClean && hb && !_md.Agents[a].Coherent && (u.CleanTime == 0 || _obc[a][w] < u.CleanTime))
                            { Report(SynthFindingKind.MissingCacheClean, index); reportedClean = true; }
                        }
                    }
                    u.ReadTime[a] = _time[a];
                    break;
                case EventKind.CacheClean or EventKind.CacheFlush or EventKind.CacheInval:
                    if (e.Kind != EventKind.CacheInval && u.WriterAgent == a) u.CleanTime = _time[a];
                    if (e.Kind != EventKind.CacheClean && u.WriterAgent >= 0 && !IsCpu(u.WriterAgent) && _hb[a][u.WriterAgent] >= u.WriterTime)
                        u.InvalidatedBy |= 1 << a;
                    break;
            }
        }
    }

    /// <summary>dma-race: a conflicting earlier access of the other side (cpu vs device) that is not hb-before.</summary>
    bool Races(int a, Unit u, bool write)
    {
        bool cpu = IsCpu(a);
        if (u.WriterAgent >= 0 && IsCpu(u.WriterAgent) != cpu && _hb[a][u.WriterAgent] < u.WriterTime) return true;
        if (!write) return false;
        for (int r = 0; r < _n; r++)
            if (IsCpu(r) != cpu && u.ReadTime[r] > 0 && _hb[a][r] < u.ReadTime[r]) return true;
        return false;
    }
}
