using System.Runtime.CompilerServices;
using TraceTools.Detectors.Writes;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.MissingCacheInvalidate;

/// <summary>
/// <c>missing-cache-invalidate</c>: a cpu load L of data bytes last written by a noncoherent device W,
/// when L's cpu did not invalidate (or flush) the byte hb-after W and po-before L (the shadow keeps, per
/// byte, the cpus that did since W). Related: <c>dma-write</c>. One per L.
/// </summary>
public sealed class MissingCacheInvalidateDetector : IDetector
{
    readonly bool _anyNoncoherent;

    /// <summary>Creates the detector; it stays idle (and costs nothing) when every device is coherent.</summary>
    public MissingCacheInvalidateDetector(bool anyNoncoherent = true) => _anyNoncoherent = anyNoncoherent;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingCacheInvalidate;

    /// <inheritdoc/>
    public DetectorHooks Hooks => _anyNoncoherent ? DetectorHooks.Load | DetectorHooks.DmaWrite : DetectorHooks.None;

    /// <inheritdoc/>
    public DetectorNeeds Needs => _anyNoncoherent ? DetectorNeeds.WriteHistory | DetectorNeeds.CacheState : DetectorNeeds.None;

    // Regions a noncoherent device wrote: a load anywhere else has no writer the rule judges (DMA writes are only watched for this).
    readonly DmaWrittenRegions _written = new();

    /// <summary>W by a noncoherent device, not invalidated by L's cpu since.</summary>
    readonly struct Rule(int cpu) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Device;
        public CacheMark Mark => CacheMark.InvalidatedBy;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Fails(DetectorView view, in LastWrite write) =>
            !view.IsCoherent(write.Writer.Agent) && (write.InvalidatedBy & (1UL << (cpu & 63))) == 0;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Inlined into the dispatch's loop: most loads are of regions no noncoherent device wrote, and then this is
    /// one array read instead of a call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (access.Kind == EventKind.DmaWrite)
        {
            if (!view.IsCoherent(access.Agent)) _written.Add(access.Region, access.Agent);
        }
        else if (_written.Contains(access.Region)) OnLoadOfWritten(view, access);
    }

    /// <summary>A load of a region some noncoherent device wrote.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void OnLoadOfWritten(DetectorView view, in DataAccess access)
    {
        if (view.FindLastWriter(access, new Rule(access.Agent), out var found)) view.Report(Kind, access.Index, found.Writer.Index);
    }
}
