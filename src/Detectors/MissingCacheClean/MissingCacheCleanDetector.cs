using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;

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
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingCacheClean;

    readonly bool _anyNoncoherent;

    /// <summary>Creates the detector; it stays idle when every device is coherent.</summary>
    public MissingCacheCleanDetector(bool anyNoncoherent = true) => _anyNoncoherent = anyNoncoherent;

    /// <inheritdoc/>
    public DetectorHooks Hooks => _anyNoncoherent ? DetectorHooks.DmaRead : DetectorHooks.None;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        int device = access.Agent;
        if (state.Coherent[device]) return;
        var region = state.RegionOf(access.Region);
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len; k < stop; k += Math.Min(ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop), ShadowPage.Run(page.CleanTime, k, stop)))
            {
                if (!page.LastWriteIsCpu(k)) continue;
                var store = page.CpuWrite(k);
                if (!state.HbBefore(store, device)) continue; // only dma-race then
                uint clean = page.CleanTime[k];
                if (clean != 0 && clean <= state.ObCacheOf(device, store.Agent)) continue;
                state.Report(new Finding(Kind, access.Index, [new("store", store.Index)]));
                return;
            }
        }
    }
}
