namespace TraceTools.Scenarios.Internals.Syntax;

/// <summary>
/// Each op's operands as docs/scenario-language.md writes them, for the error on a step written as a C call
/// (<c>cpu0: writel(regs, 1)</c>): the message shows the form to write instead.
/// </summary>
static class OpForms
{
    static readonly Dictionary<string, string> Operands = new(StringComparer.Ordinal)
    {
        ["store"] = "ADDR size N [= VALUE]",
        ["load"] = "ADDR size N",
        ["mmio_write"] = "REG[+OFF] size N = VALUE",
        ["writel"] = "REG[+OFF] = VALUE",
        ["writeq"] = "REG[+OFF] = VALUE",
        ["writel_relaxed"] = "REG[+OFF] = VALUE",
        ["writeq_relaxed"] = "REG[+OFF] = VALUE",
        ["mmio_read"] = "REG[+OFF] size N",
        ["readl"] = "REG[+OFF]",
        ["readq"] = "REG[+OFF]",
        ["readl_relaxed"] = "REG[+OFF]",
        ["readq_relaxed"] = "REG[+OFF]",
        ["cache_clean"] = "ADDR size N",
        ["cache_inval"] = "ADDR size N",
        ["cache_flush"] = "ADDR size N",
        ["dev_invalidate"] = "DEV TABLE[EXPR]",
        ["lock"] = "NAME",
        ["unlock"] = "NAME",
        ["take_irq"] = "DEV",
        ["store_release"] = "ADDR size N = VALUE",
        ["load_acquire"] = "ADDR size N",
        ["xchg"] = "ADDR size N = VALUE",
        ["iommu_mode"] = "DEV translate|bypass|abort",
        ["quiesce"] = "DEV",
        ["dma_map"] = "ADDR size N device DEV to_device|from_device|bidirectional",
        ["dma_unmap"] = "ADDR size N device DEV",
        ["smc"] = "FID [xN=VALUE ...]",
        ["hvc"] = "FID [xN=VALUE ...]",
        ["ret"] = "[same] [xN=VALUE ...]",
        ["dma_sync_single_for_device"] = "ADDR size N device DEV",
        ["dma_sync_single_for_cpu"] = "ADDR size N device DEV",
        ["dma_read"] = "ADDR size N",
        ["dma_write"] = "ADDR size N [= VALUE]",
        ["fetch"] = "TABLE[EXPR] granule G",
    };

    /// <summary>
    /// The step as it is written: <c>writel REG[+OFF] = VALUE</c>; the op alone when it takes no operand
    /// (<c>dma_wmb</c>, <c>raise_irq</c>, and <c>barrier</c>: the kernel's <c>barrier()</c> is the compiler barrier).
    /// </summary>
    public static string Of(string op) => Operands.TryGetValue(op, out var operands) ? $"{op} {operands}" : op;
}
