using System.Globalization;

namespace TraceTools.Tests;

/// <summary>
/// Trace text written exactly as the kernel prints it: the tracefs context is
/// <c>"%16s-%-7d " "[%03d] " FLAGS " %5lu.%06lu: " "%s: "</c> (kernel/trace/trace_output.c), then each
/// event's TP_printk; mmiotrace records follow kernel/trace/trace_mmiotrace.c.
/// </summary>
static class Samples
{
    public const string NicLayout = """
        scenario "nic"
        arch arm64
        cpu cpu0, cpu1
        device nic noncoherent
        ram ring 0x80000000 size 0x10000
        mmio regs 0xffff800010000000 size 0x1000 device nic
        """;

    public const string TraceHeader = """
        # tracer: nop
        #
        # entries-in-buffer/entries-written: 9/9   #P:2
        #
        #                                _-----=> irqs-off/BH-disabled
        #                               / _----=> need-resched
        #                              | / _---=> hardirq/softirq
        #                              || / _--=> preempt-depth
        #                              ||| / _-=> migrate-disable
        #                              |||| /     delay
        #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
        #              | |         |   |||||     |         |

        """;

    /// <summary>One line of the tracefs trace file.</summary>
    public static string Trace(string comm, int pid, int cpu, string flags, ulong micros, string @event, string args) =>
        string.Format(CultureInfo.InvariantCulture, "{0,16}-{1,-7} [{2:000}] {3} {4,5}.{5:000000}: {6}: {7}\n",
            comm, pid, cpu, flags, micros / 1_000_000, micros % 1_000_000, @event, args);

    /// <summary>One line of trace-cmd report (<c>"%16s-%-5d [%03d] %s %llu.%06llu: %-20s "</c> style).</summary>
    public static string TraceCmd(string comm, int pid, int cpu, string flags, ulong micros, string @event, string args) =>
        string.Format(CultureInfo.InvariantCulture, "{0,16}-{1,-5} [{2:000}] {3} {4,5}.{5:000000}: {6,-20} {7}\n",
            comm, pid, cpu, flags, micros / 1_000_000, micros % 1_000_000, @event + ":", args);

    // include/trace/events/rwmmio.h
    public static string RwmmioWrite(string caller0, string caller, int widthBits, ulong val, ulong addr) =>
        $"{caller0} -> {caller} width={widthBits} val=0x{val:x} addr=0x{addr:x}";

    public static string RwmmioRead(string caller0, string caller, int widthBits, ulong addr) =>
        $"{caller0} -> {caller} width={widthBits} addr=0x{addr:x}";

    // include/trace/events/dma.h: "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s"
    public static string DmaMap(string dev, string dir, ulong dma, ulong size, ulong phys, string attrs = "") =>
        $"{dev} dir={dir} dma_addr={dma:x} size={size} phys_addr={phys:x} attrs={attrs}";

    // "%s dir=%s dma_addr=%llx size=%zu attrs=%s"
    public static string DmaUnmap(string dev, string dir, ulong dma, ulong size, string attrs = "") =>
        $"{dev} dir={dir} dma_addr={dma:x} size={size} attrs={attrs}";

    // "%s dir=%s dma_addr=%llx size=%zu"
    public static string DmaSync(string dev, string dir, ulong dma, ulong size) =>
        $"{dev} dir={dir} dma_addr={dma:x} size={size}";

    // include/trace/events/irq.h: "irq=%d name=%s"
    public static string IrqEntry(int irq, string name) => $"irq={irq} name={name}";
}
