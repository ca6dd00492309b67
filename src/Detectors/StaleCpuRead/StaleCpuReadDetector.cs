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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        if (access.Kind == EventKind.DmaWrite)
        {
            _written.Add(access.Region);
            return;
        }
        int cpu = access.Agent;
        // Early outs where no byte can fail: no device writer in the region, or every hb-before device write is in LOADS.
        if (!_written.Contains(access.Region) || view.LoadsCaughtUp(cpu)) return;
        if (!view.FindLastWriter(access, new Rule(cpu), out var found)) return;
        var write = found.Writer;
        view.Report(Kind, access.Index, write.Index, view.AcquireReaching(cpu, write));
    }
}
