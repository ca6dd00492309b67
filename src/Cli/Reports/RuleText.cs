using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// What a report says about a finding kind as a whole (SARIF rules, the JSON report's help): a one-line
/// summary, the rule as docs/model.md §4 states it, the fix in general terms, and the section of
/// docs/model.md that explains it. A finding's own fix, worded for its events and arch, is
/// <see cref="FindingText.Help"/>.
/// </summary>
/// <param name="Short">One line: what goes wrong.</param>
/// <param name="Full">The rule: when the detector reports, and which events it names.</param>
/// <param name="Fix">What fixes it, with the usual Linux spellings.</param>
/// <param name="Anchor">The heading anchor of the kind's section in docs/model.md.</param>
public sealed record RuleText(string Short, string Full, string Fix, string Anchor)
{
    /// <summary>Where the model docs live: the repository URL the Cli project declares (RepositoryUrl), then docs/model.md.</summary>
    public static string ModelDocs => $"{ToolInfo.RepositoryUrl}/blob/main/docs/model.md";

    /// <summary>The absolute link to the kind's section of docs/model.md.</summary>
    public string HelpUri => $"{ModelDocs}#{Anchor}";

    /// <summary>The rule of <paramref name="kind"/>.</summary>
    public static RuleText Of(FindingKind kind) =>
        (int)kind < Rules.Length ? Rules[(int)kind] : new(kind.Name(), kind.Name(), "see the model", kind.Name());

    /// <summary>The help as plain text: the rule, then the fix.</summary>
    public string HelpText => $"{Full}\n\nFix: {Fix}";

    /// <summary>The help as GitHub-flavoured markdown: the rule, the fix, and a link to the model.</summary>
    public string HelpMarkdown => $"{Full}\n\n**Fix:** {Fix}\n\nSee [the model]({HelpUri}) for the exact rule and an example.";

    static readonly RuleText[] Rules =
    [
        new("A device may read data a cpu stored before the store is ordered before the publish (doorbell, flag).",
            "A device `dma_read` reads data whose last writer is a cpu store that happens-before the read (the code published it) but is not ordered before it by the architecture: no store barrier of the right class and domain lies between the store and the `publish`, the first event of the storing cpu whose hop leaves the cpu on the way to the read (the doorbell, the flag store). The device may see the old bytes.",
            "put a store barrier for the publish's observer between the store and the publish: for a device `dma_wmb()` (arm64 `dmb oshst`, riscv `fence ow,ow`, or the narrower `fence w,o` before a doorbell), or `writel()` (which is `dma_wmb` + the relaxed write) for the doorbell; for a hand-off to another cpu `smp_wmb()`, or write the flag with `smp_store_release()`.",
            "stale-dma-read-error"),
        new("A cpu may read data a device wrote without a read barrier after the acquire (flag, status, OWN bit).",
            "A cpu `load` reads data whose last writer is a device write that happens-before the load (the cpu saw the flag, status or OWN bit) but is not ordered before it: no read barrier lies between the `acquire` (the plain load or `readl_relaxed` that carried the write) and the load. The cpu may read the old bytes.",
            "put a read barrier that reaches the releaser between the acquire and the data load: for a device `dma_rmb()` (arm64 `dmb oshld`, riscv `fence ir,ir`), or read an MMIO status with `readl()`; `smp_rmb()` and `smp_load_acquire()` are not enough on arm64 and riscv: they do not reach the device. When another cpu handed the data over, `smp_rmb()` or reading its flag with `smp_load_acquire()` suffice.",
            "stale-cpu-read-error"),
        new("A cpu and a device access the same data bytes, one writing, with neither ordered before the other.",
            "A cpu access (`load`, `store`) and a device access (`dma_read`, `dma_write`) of the same data bytes, at least one a write, with neither happening-before the other: the buffer is reused before the device is done with it, or handed to the device before the cpu is done with it.",
            "wait for the device's completion (interrupt, status read, completion flag) before the cpu reuses the buffer, and hand the buffer to the device (doorbell, flag, lock) only after the cpu is done with it.",
            "dma-race-error"),
        new("An entry fetch that saw present set mixes two versions of the entry.",
            "The fetcher reads a table entry granule by granule. A fetch that saw present set reads a later granule that a cpu store changed after the fetch's first granule: the fetch combines two versions of the entry.",
            "change a live entry only with the protocol clear present → `dev_invalidate` the entry → update the fields → set present, or with one atomic store of the whole entry.",
            "torn-entry-fetch-error"),
        new("A table entry is changed after clearing present without a completed invalidation of the fetcher's copy.",
            "After a cpu store clears present, the first store that changes another bit of the entry needs a completed `dev_invalidate` of the entry by its fetcher in between, ordered after the clear and happening-before the change. Without it the device may still use its cached copy while the fields change.",
            "invalidate the entry in the device (IOTLB / PASID cache / context cache flush, waited for) between the clear and the new fields, with a store barrier between the clear and the invalidation request.",
            "missing-flush-after-clear-error"),
        new("A table entry is made present before its payload stores are ordered before it.",
            "A cpu store sets present on a table entry while a store that changed another bit of the entry since it was last non-present (the `payload`) is not ordered before it: the device may fetch a present entry with old fields.",
            "put a store barrier between the payload stores and the store that sets present: `dma_wmb()` (arm64 `dmb oshst`); `smp_store_release()` does not reach the device on arm64 and riscv. A payload stored by another cpu must reach this one through an ordered hand-off (`smp_wmb()` or `smp_store_release()`).",
            "present-before-payload-error"),
        new("A live table entry is updated in place by several stores.",
            "Two or more value-changing cpu stores to a table entry that stays present: a fetch between them sees an entry that is neither the old nor the new one. Reported once per burst, at the second store (a warning: the device may never fetch in between).",
            "update live entries with clear → invalidate → update → set, or with one atomic store of the entry.",
            "torn-entry-update-warning"),
        new("A noncoherent device reads data still dirty in a cpu cache (no clean completed before the publish).",
            "A noncoherent device reads data a cpu stored (happening-before the read) without a `cache_clean` or `cache_flush` of those bytes after the store, completed before a release that reaches the device: the device reads memory while the new bytes are still in the cpu's cache.",
            "clean the bytes after the last store (`dma_sync_single_for_device()`, `dcache_clean_poc`), then a completion barrier (`wmb()`, arm64 `dsb st`; `dma_wmb` is not one) before the doorbell.",
            "missing-cache-clean-error"),
        new("A cpu reads data a noncoherent device wrote through cache lines not invalidated after the write.",
            "A cpu load reads data last written by a noncoherent device without a `cache_inval` or `cache_flush` of those bytes by the loading cpu that happens-after the write and before the load: the cpu may read stale lines from its cache.",
            "invalidate the bytes after the device's completion is observed and before reading them (`dma_sync_single_for_cpu()`, `dcache_inval_poc`).",
            "missing-cache-invalidate-error"),
        new("A device DMA after a handover (kexec, reboot), or after its IOMMU's mode changed, by a device that no quiesce stopped after it was last started.",
            "A device `dma_read` or `dma_write` by a device that no `quiesce` stopped since its last doorbell before the DMA (or the trace's start), when a `handover` (kexec or a reboot into a new owner of memory) lies between that doorbell and the DMA, or when the device's IOMMU mode at the DMA differs from its mode when its run began (its first doorbell after a `quiesce` or a `handover`): an IOMMU shut down under a running client. What the DMA does depends on the device's IOMMU mode: in bypass its writes land untranslated in memory they were not meant for (the new owner's, or the old kernel's and the next kernel's staged image), in translate the old owner's stale mappings live on; in abort mode the transactions fault, and the finding is a warning.",
            "stop the device and wait until it is idle in its driver's `.shutdown` (the `quiesce`) before the kexec and before its IOMMU is put in bypass or abort.",
            "unquiesced-dma-error-warning-in-abort-mode"),
        new("A device DMA to bytes the device has no live DMA-API mapping for, or against the mapping's direction.",
            "A device `dma_read` or `dma_write`, by a device that has a `dma_map` earlier in the trace, touching bytes that no live mapping of that device covers with a direction that permits the access (a read needs `to_device` or `bidirectional`, a write `from_device` or `bidirectional`): what CONFIG_DMA_API_DEBUG checks of the driver, here with the device's accesses.",
            "keep the buffer mapped, with the direction it is used in, until the device's completion is observed; unmap only after it.",
            "dma-outside-mapping-error"),
        new("A cpu store changes a present table entry its fetcher already fetched, with no invalidation of the entry after the store.",
            "A cpu store changes bits of a present table entry that the fetcher uses (all bits, unless the table declares used bits) after a fetch of the entry saw it present, with no invalidation of the entry or write making it non-present since; and no invalidation of the entry by its fetcher, that the store is ordered before, comes before the fetcher's next fetch of it (or the end of the trace). The device may keep using the old entry, or consume one the cpu is still writing.",
            "write the whole entry before setting present (descriptor rings); for IOMMU tables invalidate the entry after the store (a store barrier such as `dma_wmb()` before the invalidation on arm64 and riscv64), or clear present → invalidate → update → set, or a hitless update (unused bits, sync, one critical qword, sync, clear unused bits, sync) on tables that declare used bits.",
            "live-entry-write-error"),
        new("A firmware return changed a register that the caller's SMC32/HVC32 convention says must be preserved.",
            "At an `smc`/`hvc` return, a register differs from its value at the call although the caller's convention promises it back: x4..x17 unless they carry results of the function (as FF-A defines them), which an SMC32/HVC32 function (bit 30 of the function ID clear) can only return in x4..x7. Typical cause: a firmware proxy copying x0..x17 of its callee's answer back to its caller.",
            "give the caller back the registers its call passed, and copy from the callee's answer only the registers that carry its results (FFA_MSG_SEND_DIRECT_RESP_32: x0..x7). A 32-bit FFA_RUN answered by FFA_MSG_SEND_DIRECT_RESP2 has no such copy: use FF-A 1.3's 64-bit FFA_RUN.",
            "smccc-clobber-error"),
        new("A proxy returned to its caller without the results its callee returned in registers.",
            "A firmware proxy (the code between a caller's `smc`/`hvc` and its return, which makes its own call one level down) returns to its caller with a register that differs from its callee's answer although the answer's function ID says it carries a result (FFA_MSG_SEND_DIRECT_RESP2: x4..x17; FFA_VERSION's answer is a version number in w0, not a function ID).",
            "pass every result register of the callee's answer on to the caller: decide from the answer (its function ID, or FFA_VERSION's version number), not from the call alone. A 32-bit FFA_RUN answered by FFA_MSG_SEND_DIRECT_RESP2 cannot be passed on without clobbering x8..x17: use FF-A 1.3's 64-bit FFA_RUN.",
            "smccc-result-lost-error"),
        new("A noncoherent device's DMA buffer shares a cache line with bytes a cpu wrote while the device owned the buffer.",
            "A cpu `cache_inval` or `cache_flush` (e.g. `dma_sync_single_for_cpu`) of a line that holds data a noncoherent device wrote (the `dma-write`, happening-before the invalidation, not yet taken back) and a byte a cpu stored (the `store`) while the device owned the buffer: after the device's write, or before it without a completed clean of the line ordered before the hand-off. The invalidation drops the cpu's store, or the dirty line's write-back overwrites the device's data. Cache maintenance works on whole lines (docs/model.md §9).",
            "keep DMA buffers of noncoherent devices in cache lines of their own: align and pad them to `ARCH_DMA_MINALIGN` (`____cacheline_aligned`, a separate allocation), and do not write any byte of those lines from the hand-off (`dma_sync_single_for_device`, doorbell) until `dma_sync_single_for_cpu`.",
            "shared-cacheline-error"),
        new("A cache invalidation discarded a cpu store that was not cleaned first, and a later load reads the lost bytes.",
            "A cpu `load` reads data whose last write is a cpu `store` when the first cache maintenance of the store's line after it (any cpu) is a `cache_inval` (the `invalidation`), not a clean or flush: the dirty line was dropped, and the load reads what memory held before the store. Cache maintenance works on whole lines (docs/model.md §9).",
            "clean before invalidating (`dma_sync_single_for_device`, `dcache_clean_poc`) or use a clean+invalidate (`dcache_clean_inval_poc`, `clflush`); do not store into a buffer between its hand-off and `dma_sync_single_for_cpu`, and keep other data out of its lines.",
            "discarded-store-error"),
    ];
}
