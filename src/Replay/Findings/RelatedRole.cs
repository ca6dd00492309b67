namespace TraceTools.Replay.Findings;

/// <summary>
/// The role of a related event (model.md §3 "Related events", cli.md). Detectors name roles through their
/// kind's <see cref="FindingDescriptor.Roles"/>; reports print <see cref="RelatedRoles.Name"/>.
/// </summary>
public enum RelatedRole : byte
{
    /// <summary><c>store</c>: the cpu store whose bytes were read.</summary>
    Store,
    /// <summary><c>publish</c>: the release that published the store.</summary>
    Publish,
    /// <summary><c>dma-write</c>: the device write whose bytes were read.</summary>
    DmaWrite,
    /// <summary><c>acquire</c>: the plain acquire that made the device write hb-before the load.</summary>
    Acquire,
    /// <summary><c>other</c>: the racing access.</summary>
    Other,
    /// <summary><c>first-granule</c>: the fetch's first granule read.</summary>
    FirstGranule,
    /// <summary><c>clear</c>: the store that cleared present.</summary>
    Clear,
    /// <summary><c>payload</c>: the payload store not ordered before present.</summary>
    Payload,
    /// <summary><c>earlier-store</c>: the first store of a torn update.</summary>
    EarlierStore,
    /// <summary><c>handover</c>: the kexec or reboot the device's DMA outlived.</summary>
    Handover,
    /// <summary><c>iommu-mode</c>: the iommu_mode that set how the IOMMU treats the device's DMA.</summary>
    IommuMode,
    /// <summary><c>mapping</c>: the dma_map whose direction the DMA goes against.</summary>
    Mapping,
    /// <summary><c>unmap</c>: the dma_unmap that ended the device's mapping of the bytes.</summary>
    Unmap,
    /// <summary><c>fetch</c>: the fetch that saw the live entry present before it was changed.</summary>
    Fetch,
    /// <summary><c>call</c>: the smc/hvc call a firmware return closes.</summary>
    Call,
    /// <summary><c>callee-return</c>: what the proxy's own call got back from its callee.</summary>
    CalleeReturn,
    /// <summary><c>invalidation</c>: the cache invalidation that discarded a store.</summary>
    Invalidation,
    /// <summary>
    /// <c>doorbell</c>: the device's doorbell the rule judges its DMA from (unquiesced-dma, docs/model.md §11): after a
    /// handover its last before the DMA, under a changed IOMMU mode the one that began its run.
    /// </summary>
    Doorbell,
}

/// <summary>Role names as cli.md spells them.</summary>
public static class RelatedRoles
{
    static readonly string[] Names =
        [
            "store", "publish", "dma-write", "acquire", "other", "first-granule", "clear", "payload", "earlier-store",
            "handover", "iommu-mode", "mapping", "unmap", "fetch", "call", "callee-return", "invalidation",
            "doorbell",
        ];

    /// <summary>The report name, e.g. <c>dma-write</c>.</summary>
    public static string Name(this RelatedRole role) => Names[(int)role];

    /// <summary>Parses a report name; false for anything else.</summary>
    public static bool TryParse(string name, out RelatedRole role)
    {
        int i = Array.IndexOf(Names, name);
        role = (RelatedRole)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>Parses a report name; throws <see cref="ArgumentException"/> for anything else.</summary>
    public static RelatedRole Parse(string name) =>
        TryParse(name, out var role) ? role : ReplayThrow.Argument<RelatedRole>($"unknown related-event role '{name}'", nameof(name));
}
