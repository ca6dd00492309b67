using System.Runtime.CompilerServices;
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
    readonly bool _anyNoncoherent;

    /// <summary>Creates the detector; it stays idle when every device is coherent.</summary>
    public MissingCacheInvalidateDetector(bool anyNoncoherent = true) => _anyNoncoherent = anyNoncoherent;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.MissingCacheInvalidate;

    /// <inheritdoc/>
    public DetectorHooks Hooks => _anyNoncoherent ? DetectorHooks.Load : DetectorHooks.None;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        ulong bit = 1UL << (access.Agent & 63);
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len; k < stop; k += Math.Min(ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop), ShadowPage.Run(page.InvalidatedBy, k, stop)))
            {
                if (!page.LastWriteIsDevice(k)) continue;
                var write = page.DevWrite(k);
                if (state.Coherent[write.Agent] || (page.InvalidatedBy[k] & bit) != 0) continue;
                state.Report(new Finding(Kind, access.Index, [new("dma-write", write.Index)]));
                return;
            }
        }
    }
}
