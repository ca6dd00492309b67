namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>The kernel's MMIO accessors by name, to tell an rwmmio caller that is the accessor itself from the driver code calling it.</summary>
static class MmioAccessors
{
    /// <summary>
    /// True when the %pS symbol (<c>writel+0x4/0x60</c>, <c>writel_relaxed+0x8/0x20 [mod]</c>) is in one of
    /// read[bwlq]/write[bwlq] and their <c>_relaxed</c> forms, <c>ioread*</c>/<c>iowrite*</c>, <c>__raw_read*</c>/<c>__raw_write*</c>,
    /// also as a compiler's renamed copy (<c>writel.constprop.0</c>).
    /// </summary>
    public static bool IsAccessor(ReadOnlySpan<byte> symbol)
    {
        // Every line asks: the driver's own functions mostly start with another letter than an accessor's.
        if (symbol.IsEmpty || symbol[0] is not ((byte)'_' or (byte)'i' or (byte)'r' or (byte)'w')) return false;
        int end = symbol.IndexOfAny((byte)'+', (byte)' ');
        var name = end < 0 ? symbol : symbol[..end];
        // A copy the compiler made keeps its name with a suffix (GCC writel.constprop.0, .isra.0; Clang ThinLTO
        // writel_relaxed.llvm.1234): still the accessor. No accessor name holds a dot.
        int dot = name.IndexOf((byte)'.');
        if (dot > 0) name = name[..dot];
        if (name.StartsWith("__raw_"u8)) return IsSized(name["__raw_"u8.Length..], relaxed: false);
        if (name.StartsWith("ioread"u8) || name.StartsWith("iowrite"u8))
        {
            // ioread8, ioread32be, iowrite64_lo_hi, ...: a width follows.
            var rest = name[(name[2] == 'r' ? "ioread"u8.Length : "iowrite"u8.Length)..];
            return !rest.IsEmpty && rest[0] - (uint)'0' <= 9;
        }
        return IsSized(name, relaxed: true);
    }

    /// <summary>readb/readw/readl/readq or write... (with <c>_relaxed</c> when allowed).</summary>
    static bool IsSized(ReadOnlySpan<byte> name, bool relaxed)
    {
        if (relaxed && name.EndsWith("_relaxed"u8)) name = name[..^"_relaxed"u8.Length];
        var stem = name.StartsWith("read"u8) ? name["read"u8.Length..] : name.StartsWith("write"u8) ? name["write"u8.Length..] : default;
        return stem.Length == 1 && stem[0] is (byte)'b' or (byte)'w' or (byte)'l' or (byte)'q';
    }
}
