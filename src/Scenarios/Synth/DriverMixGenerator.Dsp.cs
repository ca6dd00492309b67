using static TraceTools.Scenarios.Synth.DriverMixLayout;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// The noncoherent dsp: the cpu copies a job in, cleans it out of its cache, <c>wmb</c> (a completion
/// barrier), relaxed doorbell; the dsp reads the job, writes the result, raises its interrupt; the
/// handler reads the status (<c>readl</c>), invalidates the result lines, then reads the result.
/// </summary>
public sealed partial class DriverMixGenerator
{
    void DspStep(int cpu, ref Lane lane)
    {
        int s = lane.Slot;
        ulong input = DspIn + (ulong)s * BufferSize;
        ulong output = DspOut + (ulong)s * BufferSize;
        switch (lane.Step++)
        {
            case 0:
                PrepareRequest(cpu, RequestKind.Dsp, s, lane.Length, Site.DspPrepare);
                Copy(cpu, input, lane.Length, Site.DspCopy);
                if (lane.Bug != InjectedBug.DspNoClean) Cache(EventKind.CacheClean, cpu, input, lane.Length, Site.DspClean);
                if (lane.Bug == InjectedBug.DspStoreAfterClean) Copy(cpu, input, 64, Site.DspHeader);
                if (lane.Bug == InjectedBug.DspInvalBeforeDma) Cache(EventKind.CacheInval, cpu, output, lane.Length2, Site.DspInval);
                Barrier(cpu, lane.Bug == InjectedBug.DspCleanNoCompletion ? DmaWmb : Wmb, Site.DspBarrier);
                MmioWrite(cpu, DspRegs, (uint)s, Site.DspDoorbell);
                if (lane.Bug == InjectedBug.DspSharedCacheline) Copy(cpu, output, 8, Site.DspSeqStore);
                break;
            case 1:
                long read = DmaRead(Dsp, input, lane.Length, Site.DspDmaRead);
                if (lane.Bug is InjectedBug.DspNoClean or InjectedBug.DspCleanNoCompletion or InjectedBug.DspStoreAfterClean) Expect(lane.Bug, read);
                DmaCopy(Dsp, output + SharedSkip(lane), lane.Length2 - (int)SharedSkip(lane), Site.DspDmaWrite);
                break;
            case 2:
                RaiseIrq(Dsp, Site.DspIrq);
                TakeIrq(cpu, Dsp, Site.DspTakeIrq);
                break;
            default:
                MmioRead(cpu, DspRegs + 8, Site.DspStatusRead);
                Barrier(cpu, DmaRmb, Site.DspStatusRmb);
                bool inval = lane.Bug is not (InjectedBug.DspNoInval or InjectedBug.DspInvalBeforeDma);
                if (inval)
                {
                    long sync = Cache(EventKind.CacheInval, cpu, output, lane.Length2, Site.DspInval);
                    if (lane.Bug == InjectedBug.DspSharedCacheline) Expect(lane.Bug, sync);
                }
                long load = Load(cpu, output + SharedSkip(lane), lane.Length2 - (int)SharedSkip(lane), Site.DspResultLoad);
                if (!inval) Expect(lane.Bug, load);
                if (lane.Bug == InjectedBug.DspDiscardedStore) DiscardMarker(cpu, output);
                CompleteRequest(cpu, RequestKind.Dsp, s, Site.DspComplete);
                Finish(ref lane);
                break;
        }
    }

    /// <summary>The shared-line variant leaves the output's first word to the cpu's sequence store.</summary>
    static ulong SharedSkip(in Lane lane) => lane.Bug == InjectedBug.DspSharedCacheline ? 8ul : 0;

    /// <summary>The discarded-store variant: a marker stored, its line invalidated again without a clean, the marker read back.</summary>
    void DiscardMarker(int cpu, ulong output)
    {
        Copy(cpu, output, 8, Site.DspMarkerStore);
        Cache(EventKind.CacheInval, cpu, output, 8, Site.DspResync);
        Expect(InjectedBug.DspDiscardedStore, Load(cpu, output, 8, Site.DspMarkerLoad));
    }
}
