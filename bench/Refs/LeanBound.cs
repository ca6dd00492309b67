using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Refs;

/// <summary>
/// The lean single-pass bound of issue 9: the dma-race work (model.md §4) and nothing else, over decoded
/// batches. Per-agent vector clocks follow the hb edges of model.md §2 (program order, doorbell, status
/// read, reads-from on sync words and table present words, interrupt, locks, device-cache invalidation);
/// data bytes (ram, table payload) get a FastTrack check per 8-byte word (<see cref="LeanShadow"/>): a cpu/device pair of accesses,
/// one a write, neither hb-before the other, counts as a trigger. It keeps no byte masks, no read-shared
/// clocks, no ob, no cache state and reports nothing but a count: a floor on the work, not a detector.
/// </summary>
sealed class LeanBound
{
    const int DataRegion = 0, SyncRegion = 1, MmioRegion = 2, TableRegion = 3;

    readonly int _agents;
    readonly bool[] _isDevice;
    readonly ulong[] _clocks;      // _agents rows of _agents clocks
    readonly ulong[] _irqPending;  // per device agent: its clock row at its last raise_irq
    readonly ulong[] _lockClocks;  // per lock: the clock row of its last unlock
    ulong[] _released = [];        // clock rows released by stores to sync words, one per word touched
    int _releasedRows;
    readonly ulong[] _regionBase, _regionEnd;
    readonly int[] _regionKind, _regionDevice;
    readonly ulong[] _entryMask;   // entry size - 1 when a power of two, else 0 (then the offset takes a division)
    readonly ulong[] _entrySize;
    readonly uint[] _presentOffset;
    readonly LeanShadow _shadow = new();
    readonly LeanShadow _syncWords = new(); // word -> 1 + its row in _released, in the cell's Write field
    int _lastRegion;

    /// <summary>Triggers found (cpu/device conflicts on a data word).</summary>
    public long Races { get; private set; }

    public LeanBound(TraceMetadata m)
    {
        _agents = m.Agents.Count;
        _isDevice = [.. m.Agents.Select(a => !a.IsCpu)];
        _clocks = new ulong[_agents * _agents];
        for (int a = 0; a < _agents; a++) _clocks[a * _agents + a] = 1;
        _irqPending = new ulong[_agents * _agents];
        _lockClocks = new ulong[Math.Max(1, m.Locks.Count) * _agents];
        var regions = m.Regions.OrderBy(r => r.Base).ToArray();
        _regionBase = [.. regions.Select(r => r.Base)];
        _regionEnd = [.. regions.Select(r => r.End)];
        _regionKind = [.. regions.Select(r => (int)r.Kind)];
        _regionDevice = [.. regions.Select(r => r.Device)];
        _entrySize = [.. regions.Select(r => Math.Max(1UL, r.EntrySize))];
        _entryMask = [.. regions.Select(r => r.Kind == RegionKind.Table && System.Numerics.BitOperations.IsPow2(r.EntrySize) ? r.EntrySize - 1UL : 0UL)];
        _presentOffset = [.. regions.Select(r => r.Kind == RegionKind.Table ? r.PresentWordOffset : 0u)];
    }

    /// <summary>Runs every event of <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(EventBatch batch)
    {
        var kinds = batch.Kinds;
        var agents = batch.Agents;
        var addresses = batch.Addresses;
        var sizes = batch.Sizes;
        var aux = batch.Aux;
        for (int i = 0; i < batch.Count; i++)
        {
            int agent = agents[i];
            switch (kinds[i])
            {
                case EventKind.Store:
                case EventKind.DmaWrite:
                    Access(agent, addresses[i], sizes[i], write: true);
                    break;
                case EventKind.Load:
                case EventKind.DmaRead:
                case EventKind.Fetch:
                    Access(agent, addresses[i], sizes[i], write: false);
                    break;
                case EventKind.MmioWrite:
                    int device = DeviceOf(addresses[i]);
                    if (device >= 0) { Join(device, _clocks, agent * _agents); Tick(agent); }
                    break;
                case EventKind.MmioRead:
                    device = DeviceOf(addresses[i]);
                    if (device >= 0) Join(agent, _clocks, device * _agents);
                    break;
                case EventKind.RaiseIrq:
                    Array.Copy(_clocks, agent * _agents, _irqPending, agent * _agents, _agents);
                    Tick(agent);
                    break;
                case EventKind.TakeIrq:
                    if (aux[i] < (uint)_agents) Join(agent, _irqPending, (int)aux[i] * _agents);
                    break;
                case EventKind.Unlock:
                    Array.Copy(_clocks, agent * _agents, _lockClocks, (int)aux[i] * _agents, _agents);
                    Tick(agent);
                    break;
                case EventKind.Lock:
                    Join(agent, _lockClocks, (int)aux[i] * _agents);
                    break;
                case EventKind.DevInvalidate:
                    int d = (int)aux[i];
                    if (d < _agents)
                    {
                        Join(d, _clocks, agent * _agents);
                        Join(agent, _clocks, d * _agents);
                        Tick(agent);
                        Tick(d);
                    }
                    break;
            }
        }
    }

    /// <summary>An access of <paramref name="size"/> bytes: sync words synchronize, data words are checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Access(int agent, ulong address, int size, bool write)
    {
        int r = RegionOf(address);
        if (r < 0) return;
        int kind = _regionKind[r];
        if (kind == MmioRegion) return;
        ulong first = address >> 3, last = (address + (ulong)Math.Max(size, 1) - 1) >> 3;
        for (ulong word = first; word <= last; word++)
        {
            bool sync = kind == SyncRegion || (kind == TableRegion && EntryOffset(r, (word << 3) - _regionBase[r]) == _presentOffset[r]);
            if (sync) SyncWord(agent, word, write);
            else CheckWord(agent, word, write);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ulong EntryOffset(int r, ulong offset) => _entryMask[r] != 0 ? offset & _entryMask[r] : offset % _entrySize[r];

    void SyncWord(int agent, ulong word, bool write)
    {
        ref var cell = ref _syncWords.Get(word);
        if (write)
        {
            if (cell.Write == 0)
            {
                if (_released.Length < (_releasedRows + 1) * _agents) Array.Resize(ref _released, Math.Max(64 * _agents, 2 * _released.Length));
                cell.Write = (ulong)++_releasedRows;
            }
            Array.Copy(_clocks, agent * _agents, _released, ((int)cell.Write - 1) * _agents, _agents);
            Tick(agent);
        }
        else if (cell.Write != 0)
        {
            Join(agent, _released, ((int)cell.Write - 1) * _agents);
        }
    }

    /// <summary>FastTrack's epoch checks on one data word; conflicts between a cpu and a device count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void CheckWord(int agent, ulong word, bool write)
    {
        ref var cell = ref _shadow.Get(word);
        int row = agent * _agents;
        if (Conflicts(cell.Write, agent, row)) Races++;
        if (write)
        {
            if (Conflicts(cell.Read, agent, row)) Races++;
            cell.Write = (_clocks[row + agent] << 16) | (uint)agent;
        }
        else
        {
            cell.Read = (_clocks[row + agent] << 16) | (uint)agent;
        }
    }

    /// <summary>True when <paramref name="epoch"/> is by an agent of the other class and not hb-before <paramref name="agent"/>'s clock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Conflicts(ulong epoch, int agent, int row)
    {
        if (epoch == 0) return false;
        int other = (int)(epoch & 0xFFFF);
        return _isDevice[other] != _isDevice[agent] && (epoch >> 16) > _clocks[row + other];
    }

    void Tick(int agent) => _clocks[agent * _agents + agent]++;

    void Join(int agent, ulong[] from, int at)
    {
        int row = agent * _agents;
        for (int k = 0; k < _agents; k++) _clocks[row + k] = Math.Max(_clocks[row + k], from[at + k]);
    }

    int DeviceOf(ulong address)
    {
        int r = RegionOf(address);
        return r >= 0 && _regionKind[r] == MmioRegion ? _regionDevice[r] : -1;
    }

    /// <summary>The region holding <paramref name="address"/>, or -1: the last one found, else a binary search over the sorted bases.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int RegionOf(ulong address)
    {
        if (_regionBase.Length == 0) return -1;
        int last = _lastRegion;
        if (address - _regionBase[last] < _regionEnd[last] - _regionBase[last]) return last;
        int found = Search(address);
        if (found >= 0) _lastRegion = found;
        return found;
    }

    int Search(ulong address)
    {
        int lo = 0, hi = _regionBase.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (_regionBase[mid] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found >= 0 && address < _regionEnd[found] ? found : -1;
    }
}

/// <summary>A <see cref="LeanBound"/> whose processing time is summed apart from the decoding around it.</summary>
sealed class LeanBoundTimer
{
    LeanBound? _bound;

    /// <summary>Stopwatch ticks spent in <see cref="Process"/>.</summary>
    public long Ticks { get; private set; }
    /// <summary>Triggers the bound found.</summary>
    public long Races => _bound?.Races ?? 0;

    public void Start(TraceMetadata metadata) => _bound = new LeanBound(metadata);

    public void Process(EventBatch batch)
    {
        long t0 = Clocks.Now();
        _bound!.Process(batch);
        Ticks += Clocks.Now() - t0;
    }
}
