using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DiscardedStore;

/// <summary>
/// <c>discarded-store</c> (docs/model.md §9): a cpu load L of data bytes whose last write is a cpu store S,
/// when the first cache maintenance of S's line after S (any cpu, trace order) is a <c>cache_inval</c> I:
/// the line was dropped while S was still dirty in it, so L reads what memory held before S. Related:
/// <c>store</c> S, <c>invalidation</c> I. One per L.
/// </summary>
/// <remarks>
/// The detector keeps, per line, the last clean or flush, and the stores an invalidation discarded; a load looks
/// its bytes' last cpu stores up there (nothing to do until some store was discarded). A discarded store that is
/// no longer the last write of any byte of its line can never be named again (a load's last writer only changes
/// to a later write): each invalidation of the line drops those, so the pairs follow the lines' bytes, not the
/// stores (2 M rounds of store and invalidate on one line kept 2 M pairs, 170 MB).
/// </remarks>
public sealed class DiscardedStoreDetector : IDetector
{
    LastCleans? _lastClean; // made at the first cache maintenance, which knows the line size
    // Per line, the stores an invalidation discarded that still are the last write of some byte of the line, with
    // that invalidation; a load touching none of these lines cannot report, and skips the walk.
    readonly Dictionary<ulong, List<(ulong Store, long Invalidation)>> _discarded = [];
    bool[] _live = new bool[8]; // per pair of the line under invalidation: still some byte's last write

    /// <summary>Tests: the (line, store) pairs held.</summary>
    internal int DiscardedPairs => _discarded.Values.Sum(l => l.Count);

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DiscardedStore;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.CacheMaintenance;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.WriteHistory;

    /// <inheritdoc/>
    public void OnCacheMaintenance(DetectorView view, in CacheMaintenance op)
    {
        int line = view.CacheLineSize;
        var lastClean = _lastClean ??= new LastCleans(line);
        if (op.Cleans)
        {
            // A clean or flush writes the line back first: the stores in it survive any later invalidation.
            for (int k = 0; k < op.LineBytes; k += line) lastClean.Set(op.LineStart + (ulong)k, op.Index);
            return;
        }
        for (int k = 0; k < op.LineBytes; k += line)
        {
            ulong l = op.LineStart + (ulong)k;
            long cleaned = lastClean.Get(l);
            _discarded.TryGetValue(l, out var lost);
            int held = lost?.Count ?? 0; // the pairs from earlier invalidations: kept only while still some byte's last write
            if (_live.Length < held) _live = new bool[Math.Max(held, 2 * _live.Length)];
            var live = _live.AsSpan(0, held);
            live.Clear();
            ulong cursor = l;
            while (view.NextWriteRun(ref cursor, CacheLines.EndOf(l, line), out var b, out _))
            {
                if (!b.LastIsCpu) continue;
                ulong store = b.CpuWrite.At;
                int at = IndexOf(lost, held, store);
                if (at >= 0) live[at] = true;
                // Dirty since the store: no clean of the line after it. The first invalidation is the one that lost it.
                else if (b.CpuWrite.Index > cleaned && IndexOf(lost, lost?.Count ?? 0, store) < 0)
                {
                    if (lost is null) _discarded[l] = lost = [];
                    lost.Add((store, op.Index));
                }
            }
            if (lost is not null) DropOverwritten(l, lost, live);
        }
    }

    static int IndexOf(List<(ulong Store, long Invalidation)>? lost, int count, ulong store)
    {
        for (int i = 0; i < count; i++)
            if (lost![i].Store == store) return i;
        return -1;
    }

    /// <summary>Drops the pairs of <paramref name="l"/> held before this invalidation whose store no byte of the line has as its last write any more.</summary>
    void DropOverwritten(ulong l, List<(ulong Store, long Invalidation)> lost, ReadOnlySpan<bool> live)
    {
        int keep = 0;
        for (int i = 0; i < lost.Count; i++)
            if (i >= live.Length || live[i]) lost[keep++] = lost[i];
        lost.RemoveRange(keep, lost.Count - keep);
        if (keep == 0) _discarded.Remove(l);
    }

    /// <inheritdoc/>
    /// <remarks>Inlined into the dispatch's loop: until a store is discarded (on most traces, never) a load costs one compare.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (_discarded.Count != 0) OnLoadAfterDiscards(view, access);
    }

    /// <summary>A load once some store was discarded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void OnLoadAfterDiscards(DetectorView view, in DataAccess access)
    {
        int line = view.CacheLineSize;
        if (!TouchesDiscardedLine(access, line)) return;
        ulong cursor = access.Address;
        while (view.NextRun(access, ref cursor, out var run))
        {
            for (int k = run.Offset, stop = run.Offset + run.Length, n; k < stop; k += n)
            {
                n = run.Run(AccessColumn.CpuWrite, AccessColumn.DevWrite, k, stop, out ulong store, out ulong dev);
                if ((uint)store <= (uint)dev) continue; // never written, or last written by a device
                // One store's bytes may span lines: look up each line of the run.
                ulong from = run.Address + (ulong)(k - run.Offset), to = from + (ulong)n;
                for (ulong l = CacheLines.LineOf(from, line); l < to && l >= CacheLines.LineOf(from, line); l += (ulong)line)
                {
                    if (!_discarded.TryGetValue(l, out var lost)) continue;
                    foreach (var (s, inval) in lost)
                    {
                        if (s != store) continue;
                        view.Report(Kind, access.Index, Epoch.From(store).Index, inval);
                        return;
                    }
                }
            }
        }
    }

    /// <summary>True when a line of the access holds a discarded store (the lines are few: one or two for most loads).</summary>
    bool TouchesDiscardedLine(in DataAccess access, int line)
    {
        var (start, bytes) = CacheLines.Span(access.Address, access.Size, line);
        if (bytes / line > _discarded.Count)
        {
            // A large access: fewer discarded lines than lines touched, look each of them up instead.
            foreach (ulong l in _discarded.Keys)
                if (l - start < (ulong)bytes) return true;
            return false;
        }
        for (int k = 0; k < bytes; k += line)
            if (_discarded.ContainsKey(start + (ulong)k)) return true;
        return false;
    }
}
