using System.Globalization;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// The DMA of QEMU's fw_cfg device, which no trace event of QEMU 7.2 shows, rebuilt from its doorbell.
/// Writing an address A to the register QEMU names <c>fwcfg.dma</c> (8 bytes at offset 0, or the low 4
/// bytes at offset 4 after the high 4 at offset 0) makes fw_cfg, inside that MMIO write, read the 16-byte
/// <c>FWCfgDmaAccess</c> at A and, when done, write its 4-byte control word back (hw/nvram/fw_cfg.c,
/// fw_cfg_dma_transfer). Both accesses are emitted right after the doorbell, as the device that owns the
/// register's layout region. The transfer's data phase is not: where it goes is in the descriptor's
/// values, which the plugin cannot read on QEMU 7.2. Nor is the control word fw_cfg writes back: the
/// <c>dma_write</c> carries the scenario pattern (<see cref="MemoryWrites.Write"/>), and the trace says its memory
/// values were not recorded.
/// </summary>
sealed class FwCfgDmaDoorbell
{
    /// <summary>sizeof(FWCfgDmaAccess): be32 control, be32 length, be64 address.</summary>
    public const int DescriptorSize = 16;

    /// <summary>The control word's size; it is the descriptor's first field.</summary>
    public const int ControlSize = 4;

    readonly MemoryWrites _writes;
    ulong _high;
    int _readSite = -2;
    int _writeSite = -2;

    public FwCfgDmaDoorbell(MemoryWrites writes) => _writes = writes;

    /// <summary>Handles a cpu write of <paramref name="value"/> to fw_cfg's DMA register, already written to the trace.</summary>
    public void Rung(ImportSink sink, ulong address, int size, ulong value)
    {
        var layout = sink.Layout;
        int r = layout.RegionAt(address);
        if (r < 0) return; // the mmio_write itself was reported or counted as unmapped
        var region = layout.Metadata.Regions[r];
        if (region.Kind != RegionKind.Mmio || region.Size != 8)
        {
            sink.Malformed($"QEMU's fw_cfg DMA register at 0x{address.ToString("x", CultureInfo.InvariantCulture)} is in layout region '{region.Name}' " +
                $"of {region.Size} bytes: declare it as its own 8-byte mmio region of the fw_cfg device, so that its DMA can be inferred");
            return;
        }
        ulong offset = address - region.Base;
        if (size == 8 && offset == 0) Transfer(sink, region.Device, value);
        else if (size == 4 && offset == 0) _high = value << 32;
        else if (size == 4 && offset == 4) Transfer(sink, region.Device, _high | value);
        else sink.Skip("fw_cfg DMA register write QEMU ignores (not 8 bytes at 0 or 4 bytes at 0/4)");
    }

    void Transfer(ImportSink sink, int device, ulong descriptor)
    {
        _high = 0; // QEMU clears its address register before every transfer
        if (_readSite == -2)
        {
            _readSite = sink.Site("fw_cfg DMA: FWCfgDmaAccess read (inferred from the doorbell)");
            _writeSite = sink.Site("fw_cfg DMA: control write-back (inferred from the doorbell)");
        }
        ReadSplitAtRegions(sink, device, descriptor, DescriptorSize);
        _writes.Write(sink, EventKind.DmaWrite, device, descriptor, ControlSize, _writeSite);
    }

    /// <summary>One dma_read per layout region the descriptor spans (a control word declared sync, the rest ram).</summary>
    void ReadSplitAtRegions(ImportSink sink, int device, ulong address, int size)
    {
        var layout = sink.Layout;
        while (size > 0)
        {
            int r = layout.RegionAt(address);
            int piece = size;
            if (r >= 0)
            {
                ulong room = layout.Metadata.Regions[r].End - address;
                if (room < (ulong)piece) piece = (int)room;
            }
            // Outside every region: the whole rest is reported (or counted) as unmapped at once.
            sink.Access(0, EventKind.DmaRead, device, address, piece, _readSite);
            address += (ulong)piece;
            size -= piece;
        }
    }
}
