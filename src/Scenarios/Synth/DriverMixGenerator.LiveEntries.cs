using TraceTools.Replay.Findings;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

// live-entry-write (model.md §8) in the live PASID variants: an in-place store to an entry the iommu fetched
// is excused by the invalidation after it (dma_wmb orders it first on every arch); when the event budget cuts
// the trace before that invalidation, nothing excuses it and the finding is part of the truth.
public sealed partial class DriverMixGenerator
{
    /// <summary>Per PASID entry: the iommu fetched it present since it last became present and was last invalidated.</summary>
    readonly bool[] _pasidHeld = new bool[Cpus * PasidPerCpu];

    /// <summary><c>dma_wmb</c> then the invalidation of entry <paramref name="e"/>: the trace index of the invalidation, or -1.</summary>
    long InvalidateLive(int cpu, int e)
    {
        Barrier(cpu, DmaWmb, Site.PasidLiveBarrier);
        return DevInvalidate(cpu, Iommu, PasidEntry(e), PasidEntrySize, Site.PasidInvalidate);
    }

    /// <summary>The in-place <paramref name="stores"/> of a live entry, then its invalidation at <paramref name="invalidation"/> (-1: cut off).</summary>
    void LiveStoresInvalidated(int e, long invalidation, params ReadOnlySpan<long> stores)
    {
        if (invalidation < 0 && _pasidHeld[e])
            foreach (long store in stores)
                Expect(FindingKind.LiveEntryWrite, store);
        _pasidHeld[e] = false;
    }

    /// <summary>
    /// PasidLiveNoInvalidate: the iommu fetches the live entry, the cpu rewrites qword 2 in place, and the iommu
    /// fetches the entry again before the invalidation: live-entry-write at the store, nothing else (one store is
    /// no burst; the second fetch begins after the store, so it is not torn). The invalidation after it restores
    /// a clean state.
    /// </summary>
    void PasidLiveNoInvalidate(int cpu, int e)
    {
        for (int g = 0; g < PasidEntrySize / PasidGranule; g++) Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, g, Site.IommuFetch);
        _pasidGen[e]++;
        Expect(InjectedBug.PasidLiveNoInvalidate, StorePasid(cpu, e, 2, Site.PasidLiveUpdate));
        for (int g = 0; g < PasidEntrySize / PasidGranule; g++) Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, g, Site.IommuFetch);
        InvalidateLive(cpu, e);
        _pasidHeld[e] = false;
    }
}
