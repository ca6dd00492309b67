using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.MissingCacheInvalidate;

/// <summary>
/// <c>missing-cache-invalidate</c>: a cpu load L of data bytes last written by a noncoherent device W,
/// when L's cpu did not invalidate (or flush) the byte hb-after W and po-before L (the shadow keeps, per
/// byte, the cpus that did since W). Related: <c>dma-write</c>. One per L.
/// </summary>
public sealed class MissingCacheInvalidateDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingCacheInvalidate;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load;

    /// <inheritdoc/>
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        ulong bit = 1UL << (access.Agent & 63);
        for (int i = 0; i < access.Size; i++)
        {
            ulong a = access.Address + (ulong)i;
            if (!state.IsDataByte(region, a)) continue;
            var page = state.Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask);
            if (!ShadowMemory.LastWriteIsDevice(page, off)) continue;
            var write = page.DevWrite[off];
            if (state.Coherent[write.Agent] || (page.InvalidatedBy[off] & bit) != 0) continue;
            state.Report(new Finding(Kind, access.Index, [new("dma-write", write.Index)]));
            return;
        }
    }
}
