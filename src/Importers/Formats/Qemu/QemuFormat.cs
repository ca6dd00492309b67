namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// <c>qemu</c>: QEMU's log (<c>-D FILE</c>) with the cpu MMIO of its <c>memory_region_ops_read/write</c>
/// trace events and the <c>tt_*</c> lines of the ttrecord TCG plugin (recorder/qemu): loads, stores,
/// barriers, cache maintenance, and the pc of each MMIO access. fw_cfg's DMA, which no QEMU trace event
/// shows, is inferred from its doorbell (<see cref="FwCfgDmaDoorbell"/>). docs/recording.md, "qemu".
/// </summary>
sealed class QemuFormat : ImportFormat
{
    public override string Name => "qemu";

    public override string Summary => "QEMU's log: memory_region_ops_read/write trace events and the ttrecord plugin's tt_* lines";

    /// <summary>File order is execution order, and the plugin's lines carry no timestamp: inputs are concatenated.</summary>
    public override bool MergesByTime => false;

    public override LineImporter Open(ImportSink sink) => new QemuLogImporter(sink.Layout);
}
