using System.Runtime.CompilerServices;
using TraceTools.Detectors.Writes;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.StaleCpuRead;

/// <summary>
/// <c>stale-cpu-read</c>: a cpu load L of data bytes whose last device write W is hb-before L but not
/// ordered for the cpu's loads (no adequate read barrier after the acquire). Related: <c>dma-write</c> W,
/// <c>acquire</c> the first plain acquire of L's cpu that made W hb-before it. One per L.
/// </summary>
public sealed class StaleCpuReadDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.StaleCpuRead;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.DmaWrite;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.WriteHistory | DetectorNeeds.LoadsClock;

    // Regions a device wrote: a load anywhere else has no device writer (DMA writes are only watched for this).
    readonly DmaWrittenRegions _written = new();

    /// <summary>W hb-before L and not in the cpu's LOADS.</summary>
    readonly struct Rule(int cpu) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Device;
        public CacheMark Mark => CacheMark.None;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Fails(DetectorView view, in LastWrite write) =>
            view.HbBefore(write.Writer, cpu) && !view.OrderedForLoads(write.Writer, cpu);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Inlined into the dispatch's loop: most loads are of regions no device wrote, and then this is one array
    /// read instead of a call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (access.Kind == EventKind.DmaWrite) _written.Add(access.Region, access.Agent);
        // Early out where no byte can fail: no device writer in the region.
        else if (_written.Contains(access.Region)) OnLoadOfWritten(view, access);
    }

    /// <summary>A load of a region some device wrote.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void OnLoadOfWritten(DetectorView view, in DataAccess access)
    {
        int cpu = access.Agent;
        // Early out where no byte can fail: every hb-before write of the region's device writers is in LOADS (only
        // they can have written its bytes last; most regions have one).
        if (view.LoadsCaughtUp(cpu, _written.WritersOf(access.Region))) return;
        if (!view.FindLastWriter(access, new Rule(cpu), out var found)) return;
        var write = found.Writer;
        view.Report(Kind, access.Index, write.Index, view.AcquireReaching(cpu, write));
    }
}
