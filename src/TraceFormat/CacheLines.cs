namespace TraceTools.TraceFormat;

/// <summary>
/// Cache line sizes (docs/model.md §9): cache maintenance acts on whole lines, and a noncoherent device's
/// buffer may share a line with bytes the cpu writes. A trace declares its size (<c>cacheline N</c> in the
/// scenario language, metadata extension tag 2 in the trace header) or gets its arch's default.
/// </summary>
public static class CacheLines
{
    /// <summary>Smallest size accepted: no arch the model knows has lines below 16 bytes.</summary>
    public const int Min = 16;

    /// <summary>Largest size accepted: a page; an access is at most 4096 bytes too.</summary>
    public const int Max = 4096;

    /// <summary>
    /// The line size of <paramref name="arch"/> when the trace declares none: 64 bytes on arm64, riscv64 and
    /// x86_64 (the L1 line of the cores Linux runs on; arm64's ARCH_DMA_MINALIGN of 128 covers the larger
    /// system caches some parts have, which a trace declares with <c>cacheline 128</c>), and on sc.
    /// </summary>
    public static int Default(Arch arch) => arch switch
    {
        Arch.Arm64 or Arch.Riscv64 or Arch.X86_64 => 64,
        _ => 64,
    };

    /// <summary>Why <paramref name="size"/> is not a valid line size, or null when it is.</summary>
    public static string? Problem(ulong size) =>
        size is < Min or > Max ? $"cache line size {size} is out of range: expected a power of two from {Min} to {Max}"
        : (size & (size - 1)) != 0 ? $"cache line size {size} is not a power of two (expected {Min}, 32, 64, 128 ... {Max})"
        : null;

    /// <summary>The first byte of the line holding <paramref name="address"/>.</summary>
    public static ulong LineOf(ulong address, int lineSize) => address & ~((ulong)lineSize - 1);

    /// <summary>
    /// The exclusive end of <paramref name="length"/> bytes from <paramref name="start"/>, saturated: the top line
    /// of the address space ends at 2^64, which wraps to 0; its last byte (2^64-1) lies in no region (regions end
    /// at or below 2^64-1), so ending there loses nothing.
    /// </summary>
    public static ulong EndOf(ulong start, int length)
    {
        ulong end = start + (ulong)length;
        return end < start || (end == 0 && length > 0) ? ulong.MaxValue : end;
    }

    /// <summary>
    /// The whole lines that [<paramref name="address"/>, +<paramref name="size"/>) touches: their first byte and
    /// their total length (size ≥ 1).
    /// </summary>
    public static (ulong Start, int Length) Span(ulong address, int size, int lineSize)
    {
        ulong start = LineOf(address, lineSize);
        ulong last = LineOf(address + (ulong)(size - 1), lineSize);
        return (start, (int)(last - start) + lineSize);
    }
}
