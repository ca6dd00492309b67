namespace TraceTools.Replay.Findings;

/// <summary>The detector kinds of model.md §4; each has one <see cref="FindingDescriptor"/> in <see cref="FindingKinds"/>.</summary>
public enum FindingKind : byte
{
    /// <summary>A device read data a cpu stored, without the store being ordered before the publish.</summary>
    StaleDmaRead,
    /// <summary>A cpu loaded data a device wrote, without a read barrier after the acquire.</summary>
    StaleCpuRead,
    /// <summary>A cpu and a device access the same data bytes unordered by hb, one writing.</summary>
    DmaRace,
    /// <summary>A fetch that observed present mixed two versions of the entry.</summary>
    TornEntryFetch,
    /// <summary>Fields rewritten after clearing present without a completed invalidation.</summary>
    MissingFlushAfterClear,
    /// <summary>Present set before a payload store is ordered before it.</summary>
    PresentBeforePayload,
    /// <summary>A live entry changed by several stores in one burst (warning).</summary>
    TornEntryUpdate,
    /// <summary>A noncoherent device read data still dirty in a cpu cache.</summary>
    MissingCacheClean,
    /// <summary>A cpu read noncoherent-DMA'd data through possibly stale cache lines.</summary>
    MissingCacheInvalidate,
    /// <summary>A device DMA after a handover by a device nobody quiesced (warning when its IOMMU aborts it).</summary>
    UnquiescedDma,
    /// <summary>A device DMA to bytes it has no live mapping for, or against the mapping's direction.</summary>
    DmaOutsideMapping,
    /// <summary>A cpu store changed a live entry after its fetcher fetched it, with no invalidation after the store.</summary>
    LiveEntryWrite,
    /// <summary>A firmware return changed a register the caller's SMCCC convention says is preserved.</summary>
    SmcccClobber,
    /// <summary>A proxy did not pass on the results its callee returned in registers.</summary>
    SmcccResultLost,
    /// <summary>A noncoherent device's DMA buffer shares a cache line with bytes a cpu wrote while the device owned it.</summary>
    SharedCacheline,
    /// <summary>A cache invalidation discarded a cpu store that was not cleaned first, and a load observed the loss.</summary>
    DiscardedStore,
}

/// <summary>How bad a finding is.</summary>
public enum Severity : byte
{
    /// <summary>May be benign; counted by <c>expect none</c>.</summary>
    Warning = 0,
    /// <summary>An ordering the code failed to guarantee.</summary>
    Error = 1,
}

/// <summary>The descriptor of every <see cref="FindingKind"/>, and the names reports and scenarios spell.</summary>
public static class FindingKinds
{
    /// <summary>One descriptor per kind, in <see cref="FindingKind"/> (model.md) order.</summary>
    static readonly FindingDescriptor[] Descriptors =
    [
        new(FindingKind.StaleDmaRead, "stale-dma-read", Findings.Severity.Error, [RelatedRole.Store, RelatedRole.Publish],
            "A device may read data a cpu stored before the store is ordered before the publish (doorbell, flag)."),
        new(FindingKind.StaleCpuRead, "stale-cpu-read", Findings.Severity.Error, [RelatedRole.DmaWrite, RelatedRole.Acquire],
            "A cpu may read data a device wrote without a read barrier after the acquire (flag, status, OWN bit)."),
        new(FindingKind.DmaRace, "dma-race", Findings.Severity.Error, [RelatedRole.Other],
            "A cpu and a device access the same data bytes, one writing, with neither ordered before the other."),
        new(FindingKind.TornEntryFetch, "torn-entry-fetch", Findings.Severity.Error, [RelatedRole.FirstGranule, RelatedRole.Store],
            "An entry fetch that saw present set mixes two versions of the entry."),
        new(FindingKind.MissingFlushAfterClear, "missing-flush-after-clear", Findings.Severity.Error, [RelatedRole.Clear],
            "A table entry is changed after clearing present without a completed invalidation of the fetcher's copy."),
        new(FindingKind.PresentBeforePayload, "present-before-payload", Findings.Severity.Error, [RelatedRole.Payload],
            "A table entry is made present before its payload stores are ordered before it."),
        new(FindingKind.TornEntryUpdate, "torn-entry-update", Findings.Severity.Warning, [RelatedRole.EarlierStore],
            "A live table entry is updated in place by several stores."),
        new(FindingKind.MissingCacheClean, "missing-cache-clean", Findings.Severity.Error, [RelatedRole.Store],
            "A noncoherent device reads data still dirty in a cpu cache (no clean completed before the publish)."),
        new(FindingKind.MissingCacheInvalidate, "missing-cache-invalidate", Findings.Severity.Error, [RelatedRole.DmaWrite],
            "A cpu reads data a noncoherent device wrote through cache lines not invalidated after the write."),
        new(FindingKind.UnquiescedDma, "unquiesced-dma", Findings.Severity.Error, [RelatedRole.Handover, RelatedRole.IommuMode, RelatedRole.Doorbell],
            "A device DMA after a handover (kexec, reboot), or after its IOMMU mode changed, by a device that no quiesce stopped after it was last started (a warning when its IOMMU aborts the transaction)."),
        new(FindingKind.DmaOutsideMapping, "dma-outside-mapping", Findings.Severity.Error, [RelatedRole.Mapping, RelatedRole.Unmap],
            "A device DMA to bytes the device has no live DMA-API mapping for, or against the mapping's direction."),
        new(FindingKind.LiveEntryWrite, "live-entry-write", Findings.Severity.Error, [RelatedRole.Fetch],
            "A cpu store changes a present table entry its fetcher already fetched, with no invalidation of the entry after the store."),
        new(FindingKind.SmcccClobber, "smccc-clobber", Findings.Severity.Error, [RelatedRole.Call],
            "A firmware return changed a register that the caller's SMC32/HVC32 convention says must be preserved."),
        new(FindingKind.SmcccResultLost, "smccc-result-lost", Findings.Severity.Error, [RelatedRole.Call, RelatedRole.CalleeReturn],
            "A proxy returned to its caller without the results its callee returned in registers."),
        new(FindingKind.SharedCacheline, "shared-cacheline", Findings.Severity.Error, [RelatedRole.Store, RelatedRole.DmaWrite],
            "A noncoherent device's DMA buffer shares a cache line with bytes a cpu wrote while the device owned the buffer: the invalidation drops the cpu's store or the line's write-back overwrites the device's data."),
        new(FindingKind.DiscardedStore, "discarded-store", Findings.Severity.Error, [RelatedRole.Store, RelatedRole.Invalidation],
            "A cache invalidation discarded a cpu store that was not cleaned first, and a later load reads the lost bytes."),
    ];

    /// <summary>Every kind, in model.md order.</summary>
    public static readonly FindingKind[] All = Enum.GetValues<FindingKind>();

    static readonly string[] Names = [.. Descriptors.Select(d => d.Name)];

    /// <summary>Every report name, in <see cref="All"/> order.</summary>
    public static IReadOnlyList<string> AllNames => Names;

    /// <summary>The descriptor of <paramref name="kind"/>.</summary>
    public static FindingDescriptor Describe(this FindingKind kind) => Descriptors[(int)kind];

    /// <summary>The report name, e.g. <c>stale-dma-read</c>.</summary>
    public static string Name(this FindingKind kind) => Descriptors[(int)kind].Name;

    /// <summary>
    /// Severity per model.md §4: warning for torn-entry-update, error otherwise. An instance may be less severe
    /// than its kind (<see cref="Finding.Severity"/>: unquiesced-dma in IOMMU abort mode is a warning).
    /// </summary>
    public static Severity Severity(this FindingKind kind) => Descriptors[(int)kind].Severity;

    /// <summary>Parses a report name; false for anything else.</summary>
    public static bool TryParse(string name, out FindingKind kind)
    {
        int i = Array.IndexOf(Names, name);
        kind = (FindingKind)Math.Max(i, 0);
        return i >= 0;
    }
}
