using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// The step ops: the contract's canonical ops, the kernel spellings that compile to them (docs/scenario-language.md,
/// "Kernel spellings"), and the kernel names the language spells differently, for the unknown-op message.
/// </summary>
static class OpNames
{
    /// <summary>The contract's cpu ops: what <c>dump</c> prints.</summary>
    static readonly string[] CanonicalCpuOps =
    [
        "store", "load", "barrier", "mmio_write", "writel", "writeq", "mmio_read", "readl", "readq",
        "cache_clean", "cache_inval", "cache_flush", "dev_invalidate", "lock", "unlock", "take_irq",
        "store_release", "load_acquire", "xchg",
        "iommu_mode", "quiesce", "handover", "dma_map", "dma_unmap",
        "smc", "hvc", "ret",
    ];

    /// <summary>Kernel spellings of cpu ops, beside the Linux barrier kinds (each a step meaning <c>barrier KIND</c>).</summary>
    static readonly string[] SpelledCpuOps =
    [
        "writel_relaxed", "writeq_relaxed", "readl_relaxed", "readq_relaxed",
        "dma_sync_single_for_device", "dma_sync_single_for_cpu",
    ];

    /// <summary>Device ops.</summary>
    public static readonly string[] DeviceOps = ["dma_read", "dma_write", "fetch", "raise_irq"];

    /// <summary>Every cpu op, canonical or spelled.</summary>
    public static readonly string[] CpuOps = [.. CanonicalCpuOps, .. SpelledCpuOps, .. BarrierCode.LinuxNames];

    /// <summary>
    /// Kernel names the language spells differently → the language's spelling. A row may only name an op that
    /// exists (a test compiles every target), so a suggestion never names an op the parser would refuse.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KernelNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["WRITE_ONCE"] = "store",
        ["READ_ONCE"] = "load",
        ["__raw_writel"] = "mmio_write",
        ["__raw_writeq"] = "mmio_write",
        ["__raw_readl"] = "mmio_read",
        ["__raw_readq"] = "mmio_read",
        ["iowrite32"] = "writel",
        ["iowrite64"] = "writeq",
        ["ioread32"] = "readl",
        ["ioread64"] = "readq",
        ["virt_mb"] = "smp_mb",
        ["virt_rmb"] = "smp_rmb",
        ["virt_wmb"] = "smp_wmb",
        ["dma_sync_single_range_for_device"] = "dma_sync_single_for_device",
        ["dma_sync_single_range_for_cpu"] = "dma_sync_single_for_cpu",
        ["dcache_clean_poc"] = "cache_clean",
        ["dcache_inval_poc"] = "cache_inval",
        ["dcache_clean_inval_poc"] = "cache_flush",
        ["clflush"] = "cache_flush",
        ["spin_lock"] = "lock",
        ["spin_lock_irqsave"] = "lock",
        ["spin_lock_bh"] = "lock",
        ["raw_spin_lock"] = "lock",
        ["mutex_lock"] = "lock",
        ["spin_unlock"] = "unlock",
        ["spin_unlock_irqrestore"] = "unlock",
        ["spin_unlock_bh"] = "unlock",
        ["raw_spin_unlock"] = "unlock",
        ["mutex_unlock"] = "unlock",
        ["smp_store_release"] = "store_release",
        ["smp_load_acquire"] = "load_acquire",
        ["atomic_xchg"] = "xchg",
    };

    public static bool IsCpuOp(string op) => Array.IndexOf(CpuOps, op) >= 0;

    public static bool IsDeviceOp(string op) => Array.IndexOf(DeviceOps, op) >= 0;

    /// <summary>True for the Linux barrier kinds written as steps (<c>dma_wmb</c>, <c>smp_mb</c>, ...).</summary>
    public static bool IsBarrierSpelling(string op) => Array.IndexOf(BarrierCode.LinuxNames, op) >= 0;

    /// <summary>
    /// <c> (did you mean 'x'?)</c> for an unknown op: the language's spelling of a kernel name, else the nearest op.
    /// </summary>
    public static string UnknownOpHint(string op) =>
        KernelNames.TryGetValue(op, out var spelling) ? $" (did you mean '{spelling}'?)" : NearMiss.Suffix(op, CpuOps.Concat(DeviceOps));
}
