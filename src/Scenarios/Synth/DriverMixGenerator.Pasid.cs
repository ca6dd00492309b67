using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// PASID entries (64 bytes, granule 16, present bit 0, fetched by the iommu). The update protocol is
/// clear → barrier → invalidate → update fields → <c>dma_wmb</c> → set present, under pasid_lock; the
/// iommu then fetches granules 0..3. Fields are qwords 1, 2 and 4, each written with a value that
/// holds the entry's generation, so every field store changes the entry.
/// </summary>
public sealed partial class DriverMixGenerator
{
    readonly uint[] _pasidGen = new uint[Cpus * PasidPerCpu];

    static ulong FieldValue(int entry, uint generation, int field) =>
        ((ulong)generation << 24) | ((ulong)(uint)entry << 8) | (uint)field;

    long StorePasid(int cpu, int e, int field, Site site) =>
        StoreEntry(cpu, Pasid, PasidEntrySize, e, field * 8, FieldValue(e, _pasidGen[e], field), site);

    ulong PasidEntry(int e) => Pasid + (ulong)(e * PasidEntrySize);

    void PasidStep(int cpu, ref Lane lane)
    {
        int e = lane.Slot;
        var bug = lane.Bug;
        if (lane.Step++ == 0)
        {
            Lock(cpu, PasidLock, Site.PasidLock);
            StoreEntry(cpu, Pasid, PasidEntrySize, e, 0, 0, Site.PasidClear);
            _pasidHeld[e] = false; // the clear left the entry non-present
            if (bug != InjectedBug.PasidNoClearBarrier) Barrier(cpu, DmaWmb, Site.PasidClearBarrier);
            if (bug != InjectedBug.PasidNoInvalidate) DevInvalidate(cpu, Iommu, PasidEntry(e), PasidEntrySize, Site.PasidInvalidate);
            _pasidGen[e]++;
            long first = StorePasid(cpu, e, 1, Site.PasidSetField);
            if (bug is InjectedBug.PasidNoInvalidate or InjectedBug.PasidNoClearBarrier) Expect(bug, first);
            StorePasid(cpu, e, 2, Site.PasidSetField);
            StorePasid(cpu, e, 4, Site.PasidSetField);
            if (bug != InjectedBug.PasidNoWmb) Barrier(cpu, DmaWmb, Site.PasidPresentBarrier);
            if (bug == InjectedBug.PasidOtherCpu)
            {
                // Another cpu sets present right away, without the lock: nothing of this cpu reaches it.
                Expect(bug, StoreEntry((cpu + 1) & (Cpus - 1), Pasid, PasidEntrySize, e, 0, 1, Site.PasidOtherCpuPresent));
            }
            else
            {
                long present = StoreEntry(cpu, Pasid, PasidEntrySize, e, 0, 1, Site.PasidSetPresent);
                if (bug == InjectedBug.PasidNoWmb) Expect(bug, present);
            }
            Unlock(cpu, PasidLock, Site.PasidUnlock);
            _pasidLast[cpu] = e;
        }
        else
        {
            // One fetch: granules 0..3 back to back, so no store can land inside it.
            for (int g = 0; g < PasidEntrySize / PasidGranule; g++)
                Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, g, Site.IommuFetch);
            _pasidHeld[e] = true; // the fetch saw the entry present
            Finish(ref lane);
        }
    }

    /// <summary>Two in-place field stores to a live entry, then the invalidation that ends the burst.</summary>
    void PasidLiveUpdateStep(int cpu, ref Lane lane)
    {
        int e = lane.Slot;
        Lock(cpu, PasidLock, Site.PasidLock);
        if (lane.Bug == InjectedBug.PasidLiveNoInvalidate)
        {
            PasidLiveNoInvalidate(cpu, e);
            Unlock(cpu, PasidLock, Site.PasidUnlock);
            Finish(ref lane);
            return;
        }
        _pasidGen[e]++;
        long first = StorePasid(cpu, e, 2, Site.PasidLiveUpdate);
        long second = StorePasid(cpu, e, 4, Site.PasidLiveUpdate);
        // The truth streams in trigger order: the cut-off live-entry-writes at the stores go before the bug's.
        LiveStoresInvalidated(e, InvalidateLive(cpu, e), first, second);
        Expect(lane.Bug, second);
        Unlock(cpu, PasidLock, Site.PasidUnlock);
        Finish(ref lane);
    }

    /// <summary>
    /// A single in-place store to granule 2 of a live entry while the iommu is between granules 1 and
    /// 2 of a fetch: one store is no burst, but the fetch mixes two versions.
    /// </summary>
    void PasidLiveFetchStep(int cpu, ref Lane lane)
    {
        int e = lane.Slot;
        Lock(cpu, PasidLock, Site.PasidLock);
        Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, 0, Site.IommuFetch);
        Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, 1, Site.IommuFetch);
        _pasidHeld[e] = true; // granule 0 saw present
        _pasidGen[e]++;
        long store = StorePasid(cpu, e, 4, Site.PasidLiveUpdate);
        long torn = Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, 2, Site.IommuFetch);
        Fetch(Iommu, Pasid, PasidEntrySize, PasidGranule, e, 3, Site.IommuFetch);
        // The truth streams in trigger order: a cut-off live-entry-write at the store goes before the torn fetch.
        LiveStoresInvalidated(e, InvalidateLive(cpu, e), store);
        Expect(lane.Bug, torn);
        Unlock(cpu, PasidLock, Site.PasidUnlock);
        Finish(ref lane);
    }
}
