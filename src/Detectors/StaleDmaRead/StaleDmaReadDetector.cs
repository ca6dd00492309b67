using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.StaleDmaRead;

/// <summary>
/// <c>stale-dma-read</c>: a device DMA read R of data bytes whose last cpu store S is hb-before R but
/// not ob-before it (the store is not ordered before the release that published it). Related:
/// <c>store</c> S, <c>publish</c> the first release of S's cpu at or after S on the path to R
/// (a direct edge to R's device when there is one, see <see cref="ReplayState"/>). One per R, naming the first
/// failing byte's writer. Bytes are judged per run of equal last writers.
/// </summary>
public sealed class StaleDmaReadDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.StaleDmaRead;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.DmaRead;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        int device = access.Agent;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len; k < stop; k += ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop))
            {
                if (!page.LastWriteIsCpu(k)) continue;
                var store = page.CpuWrite(k);
                if (!state.HbBefore(store, device) || state.StoreReached(store, device)) continue;
                state.Report(new Finding(Kind, access.Index,
                    [new("store", store.Index), new("publish", state.PublishAfter(store, device))]));
                return;
            }
        }
    }
}
