using TraceTools.Cli.Reports;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>How reports describe events of the format v3 kinds (generic: op and operands).</summary>
[TestClass]
public sealed class EventTextTests
{
    static readonly TraceMetadata M = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("nic", AgentKind.Device)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 }],
    };

    static byte[] Registers(ulong x0)
    {
        var regs = new byte[EventKinds.RegisterBytes];
        BitConverter.TryWriteBytes(regs, x0);
        return regs;
    }

    public static IEnumerable<object[]> Cases() =>
    [
        [new TraceEvent(EventKind.StoreRelease, 0, 0x1010, 4), new byte[] { 1, 0, 0, 0 }, "#7 store_release buf+0x10 size 4 = 0x1"],
        [new TraceEvent(EventKind.LoadAcquire, 0, 0x1010, 4), Array.Empty<byte>(), "#7 load_acquire buf+0x10 size 4"],
        [new TraceEvent(EventKind.Xchg, 0, 0x1018, 8), new byte[] { 2, 0, 0, 0, 0, 0, 0, 0 }, "#7 xchg buf+0x18 size 8 = 0x2"],
        [new TraceEvent(EventKind.IommuMode, 0, 0, 0, EventOperands.Pack(1, (byte)IommuTreatment.Bypass)), Array.Empty<byte>(), "#7 iommu_mode nic bypass"],
        [new TraceEvent(EventKind.Quiesce, 0, 0, 0, 1), Array.Empty<byte>(), "#7 quiesce nic"],
        [new TraceEvent(EventKind.Handover, 0, 0, 0), Array.Empty<byte>(), "#7 handover"],
        [new TraceEvent(EventKind.DmaMap, 0, 0x1000, 0x100, EventOperands.Pack(1, (byte)DmaDirection.ToDevice)), Array.Empty<byte>(), "#7 dma_map buf+0x0 size 256 device nic to_device"],
        [new TraceEvent(EventKind.DmaUnmap, 0, 0x1000, 0x100, 1), Array.Empty<byte>(), "#7 dma_unmap buf+0x0 size 256 device nic"],
        [new TraceEvent(EventKind.FirmwareCall, 0, 0, EventKinds.RegisterBytes, (uint)FirmwareConduit.Hvc), Registers(0x84000063), "#7 hvc 0x84000063 FFA_VERSION"],
        [new TraceEvent(EventKind.FirmwareReturn, 0, 0, EventKinds.RegisterBytes, (uint)FirmwareConduit.Smc), Registers(0x10002), "#7 ret x0=0x10002"],
        [new TraceEvent(EventKind.FirmwareReturn, 0, 0, EventKinds.RegisterBytes, (uint)FirmwareConduit.Smc), Registers(0xC400008E), "#7 ret x0=0xc400008e FFA_MSG_SEND_DIRECT_RESP2"],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Describe_V3Kind_NamesOpAndOperands(TraceEvent e, byte[] data, string expected) =>
        Assert.AreEqual(expected, EventText.Describe(M, 7, e, data));

    static readonly TraceMetadata NotRecorded = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("nic", AgentKind.Device)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 },
                   new RegionInfo { Name = "db", Kind = RegionKind.Mmio, Base = 0x9000, Size = 8, Device = 1 }],
        MemoryValuesRecorded = false,
    };

    [TestMethod]
    [DataRow(EventKind.Store, 0, "#7 store buf+0x10 size 4")]
    [DataRow(EventKind.StoreRelease, 0, "#7 store_release buf+0x10 size 4")]
    [DataRow(EventKind.Xchg, 0, "#7 xchg buf+0x10 size 4")]
    [DataRow(EventKind.DmaWrite, 1, "#7 dma_write buf+0x10 size 4")]
    public void Describe_MemoryValuesNotRecorded_WriteShowsNoValue(EventKind kind, int agent, string expected) =>
        Assert.AreEqual(expected, EventText.Describe(NotRecorded, 7, new TraceEvent(kind, (ushort)agent, 0x1010, 4), [0x1a, 0x3e, 0x02, 0x56]));

    [TestMethod]
    public void Describe_MemoryValuesNotRecorded_MmioWriteKeepsItsValue() =>
        Assert.AreEqual("#7 mmio_write db = 0x40090000",
            EventText.Describe(NotRecorded, 7, new TraceEvent(EventKind.MmioWrite, 0, 0x9000, 4), [0, 0, 0x09, 0x40]));

    [TestMethod]
    [DataRow(0x10L, 8, "pasid[7]+0x10..0x18")]
    [DataRow(0x38L, 8, "pasid[7]+0x38..0x40")]   // ends at the entry's last byte: still within the entry
    [DataRow(0x0L, 64, "pasid[7]+0x0..0x40")]    // the whole entry
    [DataRow(0x38L, 16, "pasid+0x1f8..0x208")]   // runs into entry 8: region-relative (7 * 64 + 0x38 = 0x1f8)
    public void Range_TableBytes_EntryRelativeWhileInsideOneEntry(long offset, int size, string expected)
    {
        // A byte range is entry-relative when it lies inside one table entry, end exclusive (EventText.Range).
        var md = new TraceMetadata
        {
            Arch = Arch.X86_64,
            Agents = [new("cpu0", AgentKind.Cpu), new("iommu", AgentKind.Device)],
            Regions = [new RegionInfo { Name = "pasid", Kind = RegionKind.Table, Base = 0x10_0000, Size = 64 * 64, Device = 1, Entries = 64, EntrySize = 64, Granule = 16, PresentBit = 0 }],
        };
        Assert.AreEqual(expected, EventText.Range(md, 0x10_0000 + 7 * 64 + (ulong)offset, (ulong)size));
    }

    [TestMethod]
    [DataRow(EventKind.IommuMode, false)]
    [DataRow(EventKind.FirmwareCall, false)]
    [DataRow(EventKind.Handover, false)]
    [DataRow(EventKind.DmaMap, true)]
    [DataRow(EventKind.StoreRelease, true)]
    public void HasAddress_V3Kind_FollowsTheFormat(EventKind kind, bool expected) =>
        Assert.AreEqual(expected, EventText.HasAddress(new TraceEvent(kind, 0, 0x1000, 4)));
}
