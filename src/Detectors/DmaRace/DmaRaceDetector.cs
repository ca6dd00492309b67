using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// <c>dma-race</c>: a cpu access (load, store) and a device access (dma_read, dma_write; never fetch) to
/// the same data byte, at least one a write, neither hb-before the other. Reported at the later one;
/// <c>other</c> is the most recent racing conflicting access of the first racing byte. FastTrack-style:
/// per byte the last write and the last read of each side.
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
        for (int i = 0; i < access.Size; i++)
        {
            ulong a = access.Address + (ulong)i;
            if (!state.IsDataByte(region, a)) continue;
            var page = state.Shadow.Page(a);
            int off = (int)(a & ShadowPage.Mask);
            // The other side's accesses that conflict with this one.
            var otherWrite = cpu ? page.DevWrite[off] : page.CpuWrite[off];
            var otherRead = write ? (cpu ? page.DevRead[off] : page.CpuRead[off]) : Epoch.None;
            long other = -1;
            if (otherWrite.Exists && !state.HbBefore(otherWrite, agent)) other = otherWrite.Index;
            if (otherRead.Exists && otherRead.Index > other && !state.HbBefore(otherRead, agent)) other = otherRead.Index;
            if (other < 0) continue;
            state.Report(new Finding(Kind, access.Index, [new("other", other)]));
            return;
        }
    }
}
