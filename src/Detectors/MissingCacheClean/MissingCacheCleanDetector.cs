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

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.DmaRead;

    /// <inheritdoc/>
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        int device = access.Agent;
        if (state.Coherent[device]) return;
        var region = state.RegionOf(access.Region);
        for (int i = 0; i < access.Size; i++)
        {
            ulong a = access.Address + (ulong)i;
            if (!state.IsDataByte(region, a)) continue;
            var page = state.Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask);
            if (!ShadowMemory.LastWriteIsCpu(page, off)) continue;
            var store = page.CpuWrite[off];
            if (!state.HbBefore(store, device)) continue; // only dma-race then
            uint clean = page.CleanTime[off];
            if (clean != 0 && clean <= state.ObCacheOf(device, store.Agent)) continue;
            state.Report(new Finding(Kind, access.Index, [new("store", store.Index)]));
            return;
        }
    }
}
