namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>
/// <c>ftrace</c>: the text of the tracefs <c>trace</c> file and of <c>trace-cmd report</c>. Imports the
/// rwmmio events (MMIO with caller, width, value, address), the DMA API events (cache maintenance on
/// noncoherent devices) and <c>irq_handler_entry</c> (take_irq); lines of other events are counted.
/// </summary>
sealed class FtraceFormat : ImportFormat
{
    public override string Name => "ftrace";

    public override string Summary => "tracefs 'trace' or 'trace-cmd report' text: rwmmio_*, dma_map/unmap/sync_*, irq_handler_entry";

    public override bool NamesDevices => true;

    public override LineImporter Open(ImportSink sink) => new FtraceImporter(sink);
}
