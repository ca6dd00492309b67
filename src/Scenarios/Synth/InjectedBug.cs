using TraceTools.Scenarios.Internals;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Synth;

/// <summary>The protocols a cpu runs, one instance at a time (docs/synth.md, "Protocols").</summary>
internal enum Protocol : byte { NicTx, NicRx, Nvme, Pasid, PasidLiveUpdate, PasidLiveFetch, Dsp, EthRx, Kexec, Firmware }

/// <summary>
/// One way to break a protocol instance. Each variant yields an exactly known set of findings; the
/// comment names them (docs/synth.md, "Injections", gives the reasoning).
/// </summary>
internal enum InjectedBug : byte
{
    None,
    /// <summary>NVMe: no <c>wmb</c> between the SQE copy and the relaxed doorbell → stale-dma-read at the SQE read.</summary>
    NvmeNoWmb,
    /// <summary>NVMe: <c>smp_wmb</c> (inner / no o bit) instead of <c>wmb</c> → stale-dma-read at the SQE read.</summary>
    NvmeSmpWmb,
    /// <summary>NVMe: <c>wmb</c> placed after the doorbell instead of before (the hisi_qm bug) → stale-dma-read at the SQE read.</summary>
    NvmeWmbAfterDoorbell,
    /// <summary>NIC rx: no <c>dma_rmb</c> after the OWN poll → stale-cpu-read at the status load and the data load.</summary>
    RxNoRmb,
    /// <summary>NVMe: no <c>dma_rmb</c> after the phase poll → stale-cpu-read at the data load.</summary>
    NvmeNoRmb,
    /// <summary>NIC tx: buffer rewritten right after the NIC read it, before completion → dma-race at the store.</summary>
    TxReuse,
    /// <summary>NIC rx: the cpu reads the buffer right after the NIC wrote it, before OWN is cleared → dma-race at the load.</summary>
    RxEarlyRead,
    /// <summary>PASID: live single-qword update while the IOMMU fetches → torn-entry-fetch at granule 2.</summary>
    PasidLiveFetch,
    /// <summary>PASID: clear, no invalidation, update → missing-flush-after-clear at the first field store.</summary>
    PasidNoInvalidate,
    /// <summary>PASID: clear, no barrier before the invalidation → missing-flush-after-clear at the first field store.</summary>
    PasidNoClearBarrier,
    /// <summary>PASID: no <c>dma_wmb</c> before setting present → present-before-payload at the present store.</summary>
    PasidNoWmb,
    /// <summary>PASID: present set by another cpu without the lock → present-before-payload at that store.</summary>
    PasidOtherCpu,
    /// <summary>NIC tx: OWN set without <c>dma_wmb</c> → present-before-payload at the OWN store.</summary>
    TxOwnNoWmb,
    /// <summary>NIC rx refill: OWN set without <c>dma_wmb</c> → present-before-payload at the OWN store.</summary>
    RxOwnNoWmb,
    /// <summary>PASID: two in-place stores to a live entry → torn-entry-update at the second.</summary>
    PasidLiveBurst,
    /// <summary>dsp: no cache clean before the doorbell → missing-cache-clean at the dsp's read.</summary>
    DspNoClean,
    /// <summary>dsp: clean ordered by <c>dma_wmb</c> (no completion) → missing-cache-clean at the dsp's read.</summary>
    DspCleanNoCompletion,
    /// <summary>dsp: a header stored after the clean, not cleaned again → missing-cache-clean at the dsp's read.</summary>
    DspStoreAfterClean,
    /// <summary>dsp: result lines invalidated before the job instead of after the interrupt → missing-cache-invalidate at the load.</summary>
    DspInvalBeforeDma,
    /// <summary>dsp: no cache invalidate before reading the result → missing-cache-invalidate at the load.</summary>
    DspNoInval,
    /// <summary>kexec: eth not quiesced, SMMU in bypass → unquiesced-dma (error) at eth's rx write after the handover.</summary>
    KexecNoQuiesce,
    /// <summary>kexec: eth not quiesced, SMMU in abort → unquiesced-dma (a warning) at eth's rx write after the handover.</summary>
    KexecNoQuiesceAbort,
    /// <summary>kexec: the SMMU put in bypass before eth is quiesced (the IOMMU shut down before its client) → unquiesced-dma (error) at eth's rx write between them.</summary>
    KexecIommuBeforeQuiesce,
    /// <summary>eth rx: the device reads the buffer again right after dma_unmap → dma-outside-mapping at that read.</summary>
    EthDmaAfterUnmap,
    /// <summary>eth rx: the buffer mapped to_device, the device writes it → dma-outside-mapping at the write.</summary>
    EthWrongDirection,
    /// <summary>PASID: one in-place store to a fetched live entry, the iommu fetches it again before any invalidation → live-entry-write at the store.</summary>
    PasidLiveNoInvalidate,
    /// <summary>FF-A proxy: a 32-bit DIRECT_REQ's answer copied back as x0..x17 → smccc-clobber at the proxy's return.</summary>
    FirmwareBlindCopy,
    /// <summary>FF-A proxy: DIRECT_REQ2's DIRECT_RESP2 copied back as x0..x7 only → smccc-result-lost at the proxy's return.</summary>
    FirmwareNarrowCopy,
    /// <summary>
    /// FF-A proxy: FFA_RUN (SMC32) answered by DIRECT_RESP2, copy keyed on the call (x0..x7) → smccc-result-lost at the
    /// proxy's return, and smccc-clobber at the answer (it breaks the proxy's own SMC32 call).
    /// </summary>
    FirmwareRunKeyedOnCall,
    /// <summary>FF-A proxy: FFA_VERSION's version number read as a function ID, FFA_ERROR returned → smccc-result-lost.</summary>
    FirmwareVersionAsId,
    /// <summary>dsp: a sequence word stored after the doorbell in the output's first line, which the dsp writes around → shared-cacheline at the invalidation.</summary>
    DspSharedCacheline,
    /// <summary>dsp: a marker stored in the output, invalidated again without a clean, read back → discarded-store at that load.</summary>
    DspDiscardedStore,
}

/// <summary>Facts about <see cref="InjectedBug"/>: its kind, where it can fail, what it needs.</summary>
internal static class InjectedBugs
{
    public static FindingKind Kind(this InjectedBug bug) => bug switch
    {
        InjectedBug.NvmeNoWmb or InjectedBug.NvmeSmpWmb or InjectedBug.NvmeWmbAfterDoorbell => FindingKind.StaleDmaRead,
        InjectedBug.RxNoRmb or InjectedBug.NvmeNoRmb => FindingKind.StaleCpuRead,
        InjectedBug.TxReuse or InjectedBug.RxEarlyRead => FindingKind.DmaRace,
        InjectedBug.PasidLiveFetch => FindingKind.TornEntryFetch,
        InjectedBug.PasidNoInvalidate or InjectedBug.PasidNoClearBarrier => FindingKind.MissingFlushAfterClear,
        InjectedBug.PasidNoWmb or InjectedBug.PasidOtherCpu or InjectedBug.TxOwnNoWmb or InjectedBug.RxOwnNoWmb
            => FindingKind.PresentBeforePayload,
        InjectedBug.PasidLiveBurst => FindingKind.TornEntryUpdate,
        InjectedBug.DspNoClean or InjectedBug.DspCleanNoCompletion or InjectedBug.DspStoreAfterClean => FindingKind.MissingCacheClean,
        InjectedBug.DspNoInval or InjectedBug.DspInvalBeforeDma => FindingKind.MissingCacheInvalidate,
        InjectedBug.KexecNoQuiesce or InjectedBug.KexecNoQuiesceAbort or InjectedBug.KexecIommuBeforeQuiesce => FindingKind.UnquiescedDma,
        InjectedBug.EthDmaAfterUnmap or InjectedBug.EthWrongDirection => FindingKind.DmaOutsideMapping,
        InjectedBug.PasidLiveNoInvalidate => FindingKind.LiveEntryWrite,
        InjectedBug.FirmwareBlindCopy => FindingKind.SmcccClobber,
        InjectedBug.FirmwareNarrowCopy or InjectedBug.FirmwareRunKeyedOnCall or InjectedBug.FirmwareVersionAsId => FindingKind.SmcccResultLost,
        InjectedBug.DspSharedCacheline => FindingKind.SharedCacheline,
        InjectedBug.DspDiscardedStore => FindingKind.DiscardedStore,
        _ => ScenarioThrow.OutOfRange<FindingKind>(nameof(bug), bug),
    };

    public static Protocol Protocol(this InjectedBug bug) => bug switch
    {
        InjectedBug.NvmeNoWmb or InjectedBug.NvmeSmpWmb or InjectedBug.NvmeWmbAfterDoorbell or InjectedBug.NvmeNoRmb => Synth.Protocol.Nvme,
        InjectedBug.RxNoRmb or InjectedBug.RxOwnNoWmb or InjectedBug.RxEarlyRead => Synth.Protocol.NicRx,
        InjectedBug.TxReuse or InjectedBug.TxOwnNoWmb => Synth.Protocol.NicTx,
        InjectedBug.PasidLiveFetch => Synth.Protocol.PasidLiveFetch,
        InjectedBug.PasidLiveBurst or InjectedBug.PasidLiveNoInvalidate => Synth.Protocol.PasidLiveUpdate,
        InjectedBug.PasidNoInvalidate or InjectedBug.PasidNoClearBarrier or InjectedBug.PasidNoWmb
            or InjectedBug.PasidOtherCpu => Synth.Protocol.Pasid,
        InjectedBug.DspNoClean or InjectedBug.DspCleanNoCompletion or InjectedBug.DspStoreAfterClean
            or InjectedBug.DspNoInval or InjectedBug.DspInvalBeforeDma or InjectedBug.DspSharedCacheline
            or InjectedBug.DspDiscardedStore => Synth.Protocol.Dsp,
        InjectedBug.KexecNoQuiesce or InjectedBug.KexecNoQuiesceAbort or InjectedBug.KexecIommuBeforeQuiesce => Synth.Protocol.Kexec,
        InjectedBug.EthDmaAfterUnmap or InjectedBug.EthWrongDirection => Synth.Protocol.EthRx,
        InjectedBug.FirmwareBlindCopy or InjectedBug.FirmwareNarrowCopy or InjectedBug.FirmwareRunKeyedOnCall
            or InjectedBug.FirmwareVersionAsId => Synth.Protocol.Firmware,
        _ => ScenarioThrow.OutOfRange<Protocol>(nameof(bug), bug),
    };

    /// <summary>True when the bug needs a PASID entry that is present (live) before it starts.</summary>
    public static bool NeedsLiveEntry(this InjectedBug bug) =>
        bug is InjectedBug.PasidLiveFetch or InjectedBug.PasidLiveBurst or InjectedBug.PasidLiveNoInvalidate or InjectedBug.PasidNoInvalidate
            or InjectedBug.PasidNoClearBarrier;

    /// <summary>
    /// True when the bug can fail on <paramref name="arch"/>. A missing or too weak barrier fails only
    /// where the architecture does not already keep the pair (model.md §3): x86 keeps every pair but
    /// w→r, sc keeps all, cache maintenance included; riscv's <c>dma_wmb</c> (fence ow,ow) completes
    /// cache maintenance.
    /// </summary>
    public static bool CanFailOn(this InjectedBug bug, Arch arch) => bug switch
    {
        InjectedBug.NvmeNoWmb or InjectedBug.NvmeSmpWmb or InjectedBug.NvmeWmbAfterDoorbell or InjectedBug.RxNoRmb
            or InjectedBug.NvmeNoRmb or InjectedBug.PasidNoClearBarrier or InjectedBug.PasidNoWmb or InjectedBug.TxOwnNoWmb
            or InjectedBug.RxOwnNoWmb => arch is Arch.Arm64 or Arch.Riscv64,
        InjectedBug.DspCleanNoCompletion => arch is Arch.Arm64 or Arch.X86_64,
        InjectedBug.FirmwareBlindCopy or InjectedBug.FirmwareNarrowCopy or InjectedBug.FirmwareRunKeyedOnCall
            or InjectedBug.FirmwareVersionAsId => arch == Arch.Arm64, // smc/hvc are arm64 instructions (model.md §12)
        InjectedBug.None => false,
        _ => true,
    };

    /// <summary>For each finding kind, the variants that can fail on <paramref name="arch"/> (kinds with none are left out).</summary>
    public static InjectedBug[][] ByKindFor(Arch arch)
    {
        var byKind = new List<InjectedBug>[FindingKinds.All.Length];
        for (int i = 0; i < byKind.Length; i++) byKind[i] = [];
        foreach (var bug in Enum.GetValues<InjectedBug>())
        {
            if (bug != InjectedBug.None && bug.CanFailOn(arch)) byKind[(int)bug.Kind()].Add(bug);
        }
        return [.. byKind.Where(l => l.Count > 0).Select(l => l.ToArray())];
    }
}
