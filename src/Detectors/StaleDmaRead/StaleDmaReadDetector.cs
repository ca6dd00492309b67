using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.StaleDmaRead;

/// <summary>
/// <c>stale-dma-read</c>: a device DMA read R of data bytes whose last cpu store S is hb-before R but
/// not ob-before it (the store is not ordered before the release that published it). Related:
/// <c>store</c> S, <c>publish</c> the first release of S's cpu at or after S. One per R, naming the first
/// failing byte's writer.
/// </summary>
public sealed class StaleDmaReadDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.StaleDmaRead;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.DmaRead;

    /// <inheritdoc/>
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        int device = access.Agent;
        for (int i = 0; i < access.Size; i++)
        {
            ulong a = access.Address + (ulong)i;
            if (!state.IsDataByte(region, a)) continue;
            var page = state.Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask);
            if (!ShadowMemory.LastWriteIsCpu(page, off)) continue;
            var store = page.CpuWrite[off];
            if (!state.HbBefore(store, device) || state.ObStoreOf(device, store.Agent) >= store.Time) continue;
            state.Report(new Finding(Kind, access.Index,
                [new("store", store.Index), new("publish", state.PublishAfter(store.Agent, store.Time))]));
            return;
        }
    }
}
