using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.SharedCacheline;

/// <summary>
/// <c>shared-cacheline</c> (docs/model.md §9): a cpu's invalidation or flush I of a line that holds data a
/// noncoherent device wrote (W, hb-before I, not yet taken back by an earlier invalidation) and a byte whose
/// last write is a cpu store S made while the device owned the buffer: S after W in trace order, or S before
/// W but not handed off (not hb-before W with a clean of its line completed before a release reaching W).
/// Related: <c>store</c> S, <c>dma-write</c> W. One per I.
/// </summary>
/// <remarks>
/// Whether a store before W was handed off is decided at W, where the device's clocks say what reached it
/// (later releases must not excuse it): the detector keeps, per line, the (W, S) pairs that were not, while W and
/// S are still the last writes of some byte of the line.
/// </remarks>
public sealed class SharedCachelineDetector : IDetector
{
    readonly bool _anyNoncoherent;
    readonly Dictionary<ulong, LinePairs> _notHandedOff = [];

    /// <summary>
    /// A line's (W, S) pairs not handed off: a set, so that repeated device writes to a line nobody takes back do not
    /// make each add a scan; and per device its pairs in the order of its writes, from <see cref="DevicePairs.Head"/>.
    /// An invalidation takes back the pairs whose W is hb-before it, and for one device those are a prefix (its writes
    /// come in time order, and hb-before a cpu is a time bound per device): it pops them instead of scanning every
    /// pair, which a cpu polling with <c>cache_inval</c> and no irq (taking nothing back) paid at each poll: 80,000
    /// polls 8.7 s, now 0.13 s.
    /// </summary>
    sealed class LinePairs
    {
        public readonly HashSet<(ulong Write, ulong Store)> Set = [];
        public readonly List<DevicePairs> Devices = [];

        /// <summary>Pairs held when they are next checked for writes overwritten since (<see cref="DropOverwritten"/>).</summary>
        public int CheckAt = MinCheck;

        /// <summary>The pairs of <paramref name="device"/>'s writes (a line has a device or two).</summary>
        public DevicePairs Of(int device)
        {
            foreach (var d in Devices)
                if (d.Device == device) return d;
            Devices.Add(new DevicePairs(device));
            return Devices[^1];
        }
    }

    sealed class DevicePairs(int device)
    {
        public readonly int Device = device;
        public readonly List<(ulong Write, ulong Store)> Pairs = [];
        public int Head;
    }

    /// <summary>Creates the detector; it stays idle (and costs nothing) when every device is coherent.</summary>
    public SharedCachelineDetector(bool anyNoncoherent = true) => _anyNoncoherent = anyNoncoherent;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.SharedCacheline;

    /// <inheritdoc/>
    public DetectorHooks Hooks => _anyNoncoherent ? DetectorHooks.DmaWrite | DetectorHooks.CacheMaintenance : DetectorHooks.None;

    /// <inheritdoc/>
    public DetectorNeeds Needs => _anyNoncoherent
        ? DetectorNeeds.WriteHistory | DetectorNeeds.CacheState | DetectorNeeds.ObClocks
        : DetectorNeeds.None;

    /// <summary>A noncoherent device's write: remember the stores sharing its lines that were not handed off before it.</summary>
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        int device = access.Agent;
        if (view.IsCoherent(device)) return;
        int line = view.CacheLineSize;
        var (start, bytes) = CacheLines.Span(access.Address, access.Size, line);
        ulong write = Epoch.Pack(device, access.Time), end = access.Address + (ulong)access.Size;
        // Only the bytes of W's lines outside W: W overwrites its own.
        Remember(view, device, write, start, access.Address, line);
        Remember(view, device, write, end, CacheLines.EndOf(start, bytes), line);
    }

    void Remember(DetectorView view, int device, ulong write, ulong from, ulong to, int line)
    {
        ulong cursor = from;
        while (view.NextWriteRun(ref cursor, to, out var b, out _))
        {
            if (!b.LastIsCpu) continue;
            var store = b.CpuWrite;
            bool handedOff = view.HbBefore(store, device) && b.CleanTime != 0
                && view.CacheMaintenanceReached(store.Agent, b.CleanTime, device);
            if (handedOff) continue;
            // Runs stay inside a page, and [from, to) inside one line: the run's line is from's.
            ulong key = CacheLines.LineOf(from, line);
            if (!_notHandedOff.TryGetValue(key, out var pairs)) _notHandedOff[key] = pairs = new LinePairs();
            if (!pairs.Set.Add((write, store.At))) continue;
            pairs.Of(device).Pairs.Add((write, store.At));
            if (pairs.Set.Count >= pairs.CheckAt) DropOverwritten(view, key, line, pairs, write);
        }
    }

    /// <summary>Pairs held before a line is first checked for overwritten writes.</summary>
    const int MinCheck = 16;

    readonly HashSet<ulong> _liveWrites = [], _liveStores = [];

    /// <summary>
    /// Drops the pairs whose device write or store no byte of line <paramref name="l"/> has as its last write of that
    /// side any more: a later write of the same side replaced it for good, so no invalidation can find the pair again
    /// (<see cref="Conflict"/> looks pairs up by the bytes' last writes). A device writing a line a cpu polls with
    /// <c>cache_inval</c> and no irq (which takes nothing back) added a pair per write, kept to the end. Checked when
    /// the pairs double since the last check, so the walk costs each pair O(1).
    /// </summary>
    void DropOverwritten(DetectorView view, ulong l, int line, LinePairs pairs, ulong current)
    {
        _liveWrites.Clear();
        _liveStores.Clear();
        _liveWrites.Add(current); // the device write under way: its own bytes may not show it yet
        ulong cursor = l;
        while (view.NextWriteRun(ref cursor, CacheLines.EndOf(l, line), out var b, out _))
        {
            if (b.DevWrite.Time != 0) _liveWrites.Add(b.DevWrite.At);
            if (b.CpuWrite.Time != 0) _liveStores.Add(b.CpuWrite.At);
        }
        foreach (var queue in pairs.Devices)
        {
            var list = queue.Pairs;
            int keep = 0;
            for (int i = queue.Head; i < list.Count; i++)
            {
                var pair = list[i];
                if (_liveWrites.Contains(pair.Write) && _liveStores.Contains(pair.Store)) list[keep++] = pair;
                else pairs.Set.Remove(pair);
            }
            list.RemoveRange(keep, list.Count - keep);
            queue.Head = 0;
        }
        pairs.CheckAt = Math.Max(MinCheck, 2 * pairs.Set.Count);
    }

    /// <inheritdoc/>
    public void OnCacheMaintenance(DetectorView view, in CacheMaintenance op)
    {
        if (!op.Invalidates) return;
        int line = view.CacheLineSize;
        bool reported = false;
        for (int k = 0; k < op.LineBytes; k += line)
        {
            ulong l = op.LineStart + (ulong)k;
            // One lookup for both uses, none while no pair is held (most invalidations).
            var pairs = _notHandedOff.Count == 0 ? null : _notHandedOff.GetValueOrDefault(l);
            if (!reported && Conflict(view, op.Agent, l, line, pairs, out var store, out var write))
            {
                view.Report(Kind, op.Index, store.Index, write.Index);
                reported = true;
            }
            if (pairs is not null) Forget(view, op.Agent, l, pairs);
        }
    }

    /// <summary>The first unreturned noncoherent device byte of the line (address order) with a cpu byte written while the device owned it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool Conflict(DetectorView view, int cpu, ulong l, int line, LinePairs? pairs, out Epoch store, out Epoch write)
    {
        ulong tried = 0, end = CacheLines.EndOf(l, line), cursor = l;
        while (view.NextWriteRun(ref cursor, end, out var b, out int n))
        {
            if (!b.LastIsDevice || b.DevWrite.At == tried || b.InvalidatedBy != 0) continue;
            var w = b.DevWrite;
            if (view.IsCoherent(w.Agent) || !view.HbBefore(w, cpu) || !view.HasDataByte(cursor - (ulong)n, cursor)) continue;
            tried = w.At;
            ulong x = l;
            while (view.NextWriteRun(ref x, end, out var c, out _))
            {
                if (!c.LastIsCpu) continue;
                var s = c.CpuWrite;
                if (s.Time > w.Time || (pairs is not null && pairs.Set.Contains((w.At, s.At))))
                {
                    store = s;
                    write = w;
                    return true;
                }
            }
        }
        store = write = default;
        return false;
    }

    /// <summary>Tests: the pairs held.</summary>
    internal int HeldPairs => _notHandedOff.Values.Sum(p => p.Set.Count);

    /// <summary>Pairs whose device write this invalidation takes back (hb-before it) are done: per device, a prefix.</summary>
    void Forget(DetectorView view, int cpu, ulong l, LinePairs pairs)
    {
        foreach (var queue in pairs.Devices)
        {
            var list = queue.Pairs;
            while (queue.Head < list.Count && view.HbBefore(Epoch.From(list[queue.Head].Write), cpu)) pairs.Set.Remove(list[queue.Head++]);
            if (queue.Head == list.Count)
            {
                list.Clear();
                queue.Head = 0;
            }
            else if (queue.Head > 64 && queue.Head > list.Count / 2)
            {
                list.RemoveRange(0, queue.Head);
                queue.Head = 0;
            }
        }
        if (pairs.Set.Count == 0) _notHandedOff.Remove(l);
    }
}
