namespace TraceTools.Tests.Qemu;

/// <summary>
/// QEMU log lines written exactly as QEMU 7.2 and the ttrecord plugin print them: the trace events'
/// format strings of softmmu/trace-events (log backend, <c>PID@SEC.USEC:</c> with <c>-msg timestamp=on</c>)
/// and the snprintf formats of recorder/qemu/ttrecord.c.
/// </summary>
static class QemuLogs
{
    /// <summary>The committed recordings (recorder/qemu/record.sh).</summary>
    public static string SamplesDir => Path.Combine(RepoRoot, "samples", "qemu");

    public static string RepoRoot { get; } = FindRoot();

    public const string Arm64Layout = """
        arch arm64
        cpu cpu0, cpu1
        device fwcfg
        device uart
        ram  buf       0x40090000 size 0x1000
        sync flag      0x40091000 size 0x8
        mmio fwcfg_dma 0x09020010 size 8 device fwcfg
        mmio pl011     0x09000000 size 0x1000 device uart
        """;

    public const string Header = "tt_info plugin ttrecord version 1 target aarch64 api 1 vcpus 2\n";

    // "memory_region_ops_write cpu %d mr %p addr 0x%"PRIx64" value 0x%"PRIx64" size %u name '%s'"
    public static string OpsWrite(int cpu, ulong addr, ulong value, int size, string name, string prefix = "") =>
        $"{prefix}memory_region_ops_write cpu {cpu} mr 0x55d0c7a4e8b0 addr 0x{addr:x} value 0x{value:x} size {size} name '{name}'\n";

    public static string OpsRead(int cpu, ulong addr, ulong value, int size, string name, string prefix = "") =>
        $"{prefix}memory_region_ops_read cpu {cpu} mr 0x55d0c7a4e8b0 addr 0x{addr:x} value 0x{value:x} size {size} name '{name}'\n";

    // ttrecord.c: "tt_%s%s cpu %u addr 0x%" PRIx64 " size %u pc 0x%" PRIx64 "\n"
    public static string Access(string kind, int cpu, ulong addr, int size, ulong pc) =>
        $"tt_{kind} cpu {cpu} addr 0x{addr:x} size {size} pc 0x{pc:x}\n";

    public static string Barrier(int cpu, string insn, ulong pc) => $"tt_barrier cpu {cpu} insn {insn} pc 0x{pc:x}\n";

    public static string Cache(int cpu, string op, ulong pc) => $"tt_cache cpu {cpu} op {op} pc 0x{pc:x}\n";

    /// <summary>QEMU's trace prefix with <c>-msg timestamp=on</c>: <c>%d@%zu.%06zu:</c>.</summary>
    public const string Timestamp = "16009@1796180337.596386:";

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TraceTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TraceTools.sln not found above " + AppContext.BaseDirectory);
    }
}
