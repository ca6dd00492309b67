using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;

namespace TraceTools.Detectors.StaleDmaRead;

/// <summary>
/// <c>stale-dma-read</c>: a device DMA read R of data bytes whose last cpu store S is hb-before R but
/// not ob-before it (the store is not ordered before the release that published it). Related:
/// <c>store</c> S, <c>publish</c> the first release of S's cpu at or after S on the path to R
/// (<see cref="DetectorView.PublishAfter"/>). One per R, naming the first failing byte's writer.
/// </summary>
public sealed class StaleDmaReadDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.StaleDmaRead;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.DmaRead;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.WriteHistory | DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog;

    /// <summary>S hb-before R (otherwise only dma-race) and not ob-before it.</summary>
    readonly struct Rule(int device) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Cpu;
        public CacheMark Mark => CacheMark.None;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Fails(DetectorView view, in LastWrite write) =>
            view.HbBefore(write.Writer, device) && !view.StoreReached(write.Writer, device);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        // Every cpu's latest store to the access's pages already reached R: no byte can fail, skip the walk
        // (on the driver mix every DMA read; missing-cache-clean then walks the few noncoherent ones itself).
        if (view.StoresReached(access)) return;
        if (!view.FindLastWriter(access, new Rule(access.Agent), out var found)) return;
        var store = found.Writer;
        view.Report(Kind, access.Index, store.Index, view.PublishAfter(store, access.Agent));
    }
}
