using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;

namespace TraceTools.Detectors.MissingCacheClean;

/// <summary>
/// <c>missing-cache-clean</c>: a noncoherent device's DMA read R of data bytes whose last cpu store S is
/// hb-before R, when no clean (or flush) of the byte by S's cpu after S is ordered, with completion,
/// before a release of that cpu reaching R: the shadow keeps the first such clean's local time, the OB
/// clock for cache maintenance says how far completed maintenance of S's cpu reaches R. Related:
/// <c>store</c>. One per R.
/// </summary>
public sealed class MissingCacheCleanDetector : IDetector
{
    readonly bool _anyNoncoherent;

    /// <summary>Creates the detector; it stays idle (and costs nothing) when every device is coherent.</summary>
    public MissingCacheCleanDetector(bool anyNoncoherent = true) => _anyNoncoherent = anyNoncoherent;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingCacheClean;

    /// <inheritdoc/>
    public DetectorHooks Hooks => _anyNoncoherent ? DetectorHooks.DmaRead : DetectorHooks.None;

    /// <inheritdoc/>
    public DetectorNeeds Needs => _anyNoncoherent
        ? DetectorNeeds.WriteHistory | DetectorNeeds.CacheState | DetectorNeeds.ObClocks
        : DetectorNeeds.None;

    /// <summary>S hb-before R (otherwise only dma-race) without a completed clean reaching R.</summary>
    readonly struct Rule(int device) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Cpu;
        public CacheMark Mark => CacheMark.CleanTime;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Fails(DetectorView view, in LastWrite write) =>
            view.HbBefore(write.Writer, device) &&
            (write.CleanTime == 0 || !view.CacheMaintenanceReached(write.Writer.Agent, write.CleanTime, device));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (view.IsCoherent(access.Agent)) return;
        if (view.FindLastWriter(access, new Rule(access.Agent), out var found)) view.Report(Kind, access.Index, found.Writer.Index);
    }
}
