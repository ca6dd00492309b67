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
/// The detector keeps, per line, the last clean or flush, and the (line, store) pairs an invalidation
/// discarded; a load looks its bytes' last cpu stores up there (nothing to do until some store was discarded).
/// </remarks>
public sealed class DiscardedStoreDetector : IDetector
{
    readonly Dictionary<ulong, long> _lastClean = [];
    readonly Dictionary<(ulong Line, ulong Store), long> _discarded = [];

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
        if (op.Cleans)
        {
            // A clean or flush writes the line back first: the stores in it survive any later invalidation.
            for (int k = 0; k < op.LineBytes; k += line) _lastClean[op.LineStart + (ulong)k] = op.Index;
            return;
        }
        for (int k = 0; k < op.LineBytes; k += line)
        {
            ulong l = op.LineStart + (ulong)k;
            long cleaned = _lastClean.GetValueOrDefault(l, -1);
            ulong cursor = l;
            while (view.NextWriteRun(ref cursor, CacheLines.EndOf(l, line), out var b, out _))
            {
                // Dirty since the store: no clean of the line after it. The first invalidation is the one that lost it.
                if (b.LastIsCpu && b.CpuWrite.Index > cleaned) _discarded.TryAdd((l, b.CpuWrite.At), op.Index);
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (_discarded.Count == 0) return;
        int line = view.CacheLineSize;
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
                    if (!_discarded.TryGetValue((l, store), out long inval)) continue;
                    view.Report(Kind, access.Index, Epoch.From(store).Index, inval);
                    return;
                }
            }
        }
    }
}
