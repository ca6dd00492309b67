using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.StaleCpuRead;

/// <summary>
/// <c>stale-cpu-read</c>: a cpu load L of data bytes whose last device write W is hb-before L but not in
/// the cpu's LOADS clock (no adequate read barrier after the acquire). Related: <c>dma-write</c> W,
/// <c>acquire</c> the first plain acquire of L's cpu that made W hb-before it. One per L.
/// </summary>
public sealed class StaleCpuReadDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.StaleCpuRead;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        int cpu = access.Agent;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len; k < stop; k += ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop))
            {
                if (!page.LastWriteIsDevice(k)) continue;
                var write = page.DevWrite(k);
                if (!state.HbBefore(write, cpu) || state.LoadsOf(cpu, write.Agent) >= write.Time) continue;
                state.Report(new Finding(Kind, access.Index,
                    [new("dma-write", write.Index), new("acquire", state.AcquireReaching(cpu, write.Agent, write.Time))]));
                return;
            }
        }
    }
}
