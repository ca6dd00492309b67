namespace TraceTools.Scenarios.Synth;

/// <summary>Code locations the synthetic events name (interned in the trace header).</summary>
internal enum Site
{
    TxLock, TxTailLoad, TxCopy, TxDescWrite, TxOwnBarrier, TxOwnSet, TxTailStore, TxDoorbellBarrier, TxDoorbell, TxUnlock,
    NicDescFetch, NicTxDmaRead, NicWriteBack, NicOwnClear, NicIrq,
    TxIrq, TxCleanLock, TxOwnLoad, TxCleanRmb, TxStatusLoad, TxCleanUnlock, TxReuse,
    RxDescWrite, RxOwnBarrier, RxOwnSet, RxDoorbellBarrier, RxDoorbell, RxPoll, NicRxDmaWrite, RxRmb, RxStatusLoad, RxCopy,
    SqLock, SqTailLoad, SqeCopy, SqTailStore, SqBarrier, SqDoorbell, SqUnlock,
    NvmeSqeRead, NvmeDataWrite, NvmeCqeWrite, CqPoll, CqRmb, CqResultLoad, NvmeDataLoad, CqDoorbell,
    PasidLock, PasidClear, PasidClearBarrier, PasidInvalidate, PasidSetField, PasidPresentBarrier, PasidSetPresent, PasidUnlock,
    IommuFetch, PasidLiveUpdate, PasidOtherCpuPresent,
    DspCopy, DspClean, DspBarrier, DspDoorbell, DspDmaRead, DspDmaWrite, DspIrq, DspTakeIrq, DspStatusRead, DspStatusRmb,
    DspInval, DspResultLoad, DspHeader, DspSeqStore, DspMarkerStore, DspResync, DspMarkerLoad,
    TxPrepare, TxComplete, RxPrepare, RxComplete, NvmePrepare, NvmeComplete, DspPrepare, DspComplete,
    EthMap, EthDoorbellBarrier, EthDoorbell, EthRxDmaWrite, EthIrq, EthTakeIrq, EthUnmap, EthRxLoad, EthLateRead,
    KexecQuiesce, KexecIommuMode, KexecHandover,
    PasidLiveBarrier,
    FwCall, FwForward, FwAnswer, FwReturn,
    EthMapToDevice,
    KexecIommuReset,
}

/// <summary>The site strings of synthetic traces, indexed by the site ids events carry.</summary>
public static class SynthSites
{
    /// <summary>Site strings in id order.</summary>
    public static readonly string[] Names =
    [
        "xmit: spin_lock(tx_lock)", "xmit: tail = ring->tail", "xmit: skb_copy_bits", "xmit: desc->addr_len = ...",
        "xmit: dma_wmb() before OWN", "xmit: desc->own = 1", "xmit: ring->tail = tail + 1", "xmit: writel (dma_wmb)",
        "xmit: writel(tail, TDT)", "xmit: spin_unlock(tx_lock)",
        "nic: descriptor fetch", "nic: tx payload read", "nic: descriptor write-back", "nic: clear OWN", "nic: raise irq",
        "tx_irq: handler", "tx_clean: spin_lock(tx_lock)", "tx_clean: own = desc->own", "tx_clean: dma_rmb()",
        "tx_clean: status = desc->status", "tx_clean: spin_unlock(tx_lock)", "xmit: buffer reused before completion",
        "rx_refill: desc->addr_len = ...", "rx_refill: dma_wmb() before OWN", "rx_refill: desc->own = 1",
        "rx_refill: writel (dma_wmb)", "rx_refill: writel(tail, RDT)", "napi_poll: own = desc->own",
        "nic: rx payload write", "napi_poll: dma_rmb()", "napi_poll: status = desc->status", "napi_poll: memcpy(skb, buf)",
        "nvme_submit: spin_lock(sq_lock)", "nvme_submit: tail = sq->tail", "nvme_submit: sqe->field = ...",
        "nvme_submit: sq->tail = tail + 1", "nvme_submit: wmb()", "nvme_submit: writel_relaxed(tail, SQ0TDBL)",
        "nvme_submit: spin_unlock(sq_lock)",
        "nvme: sqe fetch", "nvme: data write", "nvme: cqe write", "nvme_poll: cqe->status & phase", "nvme_poll: dma_rmb()",
        "nvme_poll: result = cqe->result", "nvme_poll: memcpy(req, data)", "nvme_poll: writel_relaxed(head, CQ0HDBL)",
        "pasid_update: spin_lock(pasid_lock)", "pasid_clear_entry", "pasid_clear_entry: wmb before flush",
        "pasid_flush_caches", "pasid_set_field", "pasid_set_present: dma_wmb()", "pasid_set_present",
        "pasid_update: spin_unlock(pasid_lock)",
        "iommu: pasid entry fetch", "pasid_update_in_place", "pasid_set_present (other path, no lock)",
        "dsp_submit: memcpy(in, job)", "dsp_submit: dma_sync_single_for_device (clean)", "dsp_submit: wmb()",
        "dsp_submit: writel_relaxed(slot, DOORBELL)",
        "dsp: input read", "dsp: output write", "dsp: raise irq", "dsp_irq: handler", "dsp_irq: readl(STATUS)",
        "dsp_irq: readl (dma_rmb)", "dsp_irq: dma_sync_single_for_cpu (invalidate)", "dsp_irq: memcpy(result, out)",
        "dsp_submit: job->hdr = ... (after the sync)",
        "dsp_submit: out->seq = ... (shares the output's line)", "dsp_irq: out->consumed = 1",
        "dsp_irq: dma_sync_single_for_cpu again", "dsp_irq: consumed = out->consumed",
        "xmit: tx_info[i] = ...", "tx_clean: tx_info[i], stats", "rx_refill: rx_info[i] = ...", "napi_poll: rx_info[i], stats",
        "nvme_submit: req = ...", "nvme_complete: req, stats", "dsp_submit: job_info = ...", "dsp_irq: job_info, stats",
        "eth_rx_refill: dma_map_single(FROM_DEVICE)", "eth_rx_refill: writel (dma_wmb)", "eth_rx_refill: writel(tail, RDT)",
        "eth: rx payload write", "eth: raise irq", "eth_irq: handler", "eth_rx_clean: dma_unmap_single", "eth_rx_clean: memcpy(skb, buf)",
        "eth: late rx buffer read",
        "kernel_restart_prepare: device_shutdown (.shutdown: stop, wait for idle)", "arm_smmu_device_shutdown",
        "machine_kexec",
        "pasid_update_in_place: dma_wmb() before flush",
        "host: ffa call (smc)", "hyp: ffa forward (arm_smccc_1_2_smc)", "EL3/SPMC: ffa answer", "hyp: return to the host",
        "eth_rx_refill: dma_map_single(TO_DEVICE)",
        "new kernel: arm_smmu_device_reset (translation on)",
    ];
}
