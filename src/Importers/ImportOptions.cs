using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>What <see cref="TraceImport.Run(ImportOptions)"/> imports, from where, to where.</summary>
public sealed class ImportOptions
{
    /// <summary>The format name (<see cref="ImportFormats"/>).</summary>
    public required string Format { get; init; }

    /// <summary>Input files, in command-line order; <c>-</c> reads stdin (once).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The layout file (a <c>.scn</c> with declarations only).</summary>
    public required string Layout { get; init; }

    /// <summary>The output trace; <c>-</c> writes to stdout.</summary>
    public required string Output { get; init; }

    /// <summary>An ELF with debug info whose <c>file:line</c> replace code-address sites (through addr2line), or null.</summary>
    public string? Symbols { get; init; }

    /// <summary>Skip events outside the layout (counted per reason) instead of stopping at the first.</summary>
    public bool SkipUnmapped { get; init; }

    /// <summary>Skip lines the format cannot read (counted) instead of stopping at the first.</summary>
    public bool SkipMalformed { get; init; }

    /// <summary>
    /// MMIO accessors are relaxed (<c>writel_relaxed</c>/<c>readl_relaxed</c>): for formats that see the access
    /// but not the barrier the accessor implies (ftrace's rwmmio events), import no implied barrier.
    /// </summary>
    public bool RelaxedMmio { get; init; }

    /// <summary>
    /// Names the trace prints for the layout's devices (<c>--device-name eth0-rx=nic</c>): a device's irq is
    /// requested under one name (<c>irq_handler_entry name=</c>) and its DMA is logged under its bus name
    /// (<c>0000:01:00.0</c>), and a layout declares the device once. Looked up before the name itself.
    /// </summary>
    public IReadOnlyDictionary<string, string> DeviceNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Codec and chunk size of the output.</summary>
    public TraceWriterOptions Writer { get; init; } = new();

    /// <summary>Directory for the temporary event spill (default: beside the output, or the system temp directory for stdout).</summary>
    public string? SpillDirectory { get; init; }
}
