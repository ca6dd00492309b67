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
/// (later releases must not excuse it): the detector keeps, per line, the (W, S) pairs that were not.
/// </remarks>
public sealed class SharedCachelineDetector : IDetector
{
    readonly bool _anyNoncoherent;
    // A set per line: repeated device writes to a line nobody takes back must not make each add a linear scan.
    readonly Dictionary<ulong, HashSet<(ulong Write, ulong Store)>> _notHandedOff = [];
    readonly List<(ulong Write, ulong Store)> _done = []; // scratch of Forget

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
            if (!_notHandedOff.TryGetValue(key, out var pairs)) _notHandedOff[key] = pairs = [];
            pairs.Add((write, store.At));
        }
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
    bool Conflict(DetectorView view, int cpu, ulong l, int line, HashSet<(ulong Write, ulong Store)>? pairs, out Epoch store, out Epoch write)
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
                if (s.Time > w.Time || (pairs is not null && pairs.Contains((w.At, s.At))))
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

    /// <summary>Pairs whose device write this invalidation takes back (hb-before it) are done.</summary>
    void Forget(DetectorView view, int cpu, ulong l, HashSet<(ulong Write, ulong Store)> pairs)
    {
        _done.Clear();
        foreach (var p in pairs)
            if (view.HbBefore(Epoch.From(p.Write), cpu)) _done.Add(p);
        foreach (var p in _done) pairs.Remove(p);
        if (pairs.Count == 0) _notHandedOff.Remove(l);
    }
}
