using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// <c>dma-race</c>: a cpu access (load, store) and a device access (dma_read, dma_write; never fetch) to
/// the same data byte, at least one a write, neither hb-before the other. Reported at the later one;
/// <c>other</c> is the most recent racing conflicting access of the first racing byte. FastTrack-style:
/// per byte the last write and the last read of each side, judged per run of equal epochs.
/// </summary>
public sealed class DmaRaceDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DmaRace;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite;

    /// <inheritdoc/>
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        int agent = access.Agent;
        bool cpu = access.Kind is EventKind.Load or EventKind.Store;
        bool write = access.Kind is EventKind.Store or EventKind.DmaWrite;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            // The other side's accesses that conflict with this one: its writes, and its reads when this writes.
            ulong[] writes = cpu ? page.DevWriteAt : page.CpuWriteAt;
            long[] writeIndex = cpu ? page.DevWriteIndex : page.CpuWriteIndex;
            ulong[] reads = cpu ? page.DevReadAt : page.CpuReadAt;
            long[] readIndex = cpu ? page.DevReadIndex : page.CpuReadIndex;
            for (int k = off, stop = off + len; k < stop; k += write ? ShadowPage.Run(writes, reads, k, stop) : ShadowPage.Run(writes, k, stop))
            {
                long other = -1;
                ulong w = writes[k];
                if (w != 0 && !state.HbBefore(Epoch.From(writeIndex[k], w), agent)) other = writeIndex[k];
                if (write)
                {
                    ulong r = reads[k];
                    if (r != 0 && readIndex[k] > other && !state.HbBefore(Epoch.From(readIndex[k], r), agent)) other = readIndex[k];
                }
                if (other < 0) continue;
                state.Report(new Finding(Kind, access.Index, [new("other", other)]));
                return;
            }
        }
    }
}
