using System.Buffers.Binary;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth.Oracle;

/// <summary>The oracle against the seed cases of scenario-language.md, so that it is itself checked.</summary>
[TestClass]
public sealed class ModelOracleSeedTests
{
    static RecordedEvent Ev(EventKind kind, int agent, ulong address, int size, uint aux = 0, ulong? value = null)
    {
        byte[] data = [];
        if (value is { } v)
        {
            data = new byte[size];
            var tmp = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(tmp, v);
            tmp.AsSpan(0, Math.Min(8, size)).CopyTo(data);
        }
        else if (kind is EventKind.Store or EventKind.MmioWrite or EventKind.DmaWrite) data = new byte[size];
        return new(new TraceEvent(kind, (ushort)agent, address, size, aux), data);
    }

    static TraceMetadata Md(Arch arch, params RegionInfo[] regions) => new()
    {
        Arch = arch,
        Agents = [new("cpu0", AgentKind.Cpu), new("dev", AgentKind.Device)],
        Regions = regions,
    };

    static readonly RegionInfo Xqc = new() { Name = "xqc", Kind = RegionKind.Ram, Base = 0x8000_0000, Size = 0x40 };
    static readonly RegionInfo QmMb = new() { Name = "qm_mb", Kind = RegionKind.Mmio, Base = 0xfe00_0000, Size = 0x10, Device = 1 };

    static List<ExpectedFinding> Mailbox(Arch arch, bool barrierFirst, string barrier)
    {
        uint code = BarrierCode.TryParse(barrier, out var c) ? c!.Value.Value : throw new ArgumentException(barrier);
        var store = Ev(EventKind.Store, 0, Xqc.Base, 0x40, value: 7);
        var doorbell = Ev(EventKind.MmioWrite, 0, QmMb.Base, 16, value: 0x8000_0000);
        var bar = Ev(EventKind.Barrier, 0, 0, 0, code);
        List<RecordedEvent> events = barrierFirst ? [store, bar, doorbell] : [store, doorbell, bar];
        events.Add(Ev(EventKind.DmaRead, 1, Xqc.Base, 0x40));
        return new ModelOracle(Md(arch, Xqc, QmMb)).Run(events);
    }

    [TestMethod]
    public void Mailbox_BarrierAfterDoorbell_StaleDmaRead() =>
        CollectionAssert.AreEqual(new[] { new ExpectedFinding(SynthFindingKind.StaleDmaRead, 3) }, Mailbox(Arch.Arm64, false, "dma_wmb"));

    [TestMethod]
    [DataRow(Arch.Arm64, true, "dma_wmb")]
    [DataRow(Arch.X86_64, false, "dma_wmb")]
    [DataRow(Arch.Sc, false, "dma_wmb")]
    public void Mailbox_Fixed_Nothing(Arch arch, bool barrierFirst, string barrier) =>
        Assert.AreEqual(0, Mailbox(arch, barrierFirst, barrier).Count);

    static readonly RegionInfo Pasid = new()
    {
        Name = "pasid", Kind = RegionKind.Table, Base = 0x10_0000, Size = 64 * 64, Device = 1,
        Entries = 64, EntrySize = 64, Granule = 16, PresentBit = 0,
    };

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void VtdPasid_ClearAndMangle_TornAndMissingFlush(bool fixedVersion)
    {
        ulong e7 = Pasid.Base + 7 * 64;
        List<RecordedEvent> events =
        [
            Ev(EventKind.Store, 0, e7, 8, value: 1),
            Ev(EventKind.Store, 0, e7 + 16, 8, value: 0xaaaa),
            Ev(EventKind.Fetch, 1, e7, 16, aux: 0),
            Ev(EventKind.Store, 0, e7, 8, value: 0),
        ];
        if (fixedVersion)
        {
            events.Add(Ev(EventKind.Fetch, 1, e7 + 16, 16, aux: 1));
            events.Add(Ev(EventKind.DevInvalidate, 0, e7, 64, aux: 1));
            events.Add(Ev(EventKind.Store, 0, e7 + 16, 8, value: 0xbbbb));
        }
        else
        {
            events.Add(Ev(EventKind.Store, 0, e7 + 16, 8, value: 0xbbbb));
            events.Add(Ev(EventKind.Fetch, 1, e7 + 16, 16, aux: 1));
        }
        var found = new ModelOracle(Md(Arch.X86_64, Pasid)).Run(events);
        if (fixedVersion) Assert.AreEqual(0, found.Count, string.Join(" ", found));
        else CollectionAssert.AreEquivalent(new[] { new ExpectedFinding(SynthFindingKind.MissingFlushAfterClear, 4), new ExpectedFinding(SynthFindingKind.TornEntryFetch, 5) }, found);
    }

    [TestMethod]
    [DataRow(false, 1)]
    [DataRow(true, 0)]
    public void ContextEntry_PresentWithoutDmaWmb_PresentBeforePayload(bool barrier, int expected)
    {
        var ctx = new RegionInfo
        {
            Name = "ctx", Kind = RegionKind.Table, Base = 0x20_0000, Size = 256 * 16, Device = 1,
            Entries = 256, EntrySize = 16, Granule = 16, PresentBit = 0,
        };
        ulong e3 = ctx.Base + 3 * 16;
        List<RecordedEvent> events = [Ev(EventKind.Store, 0, e3 + 8, 8, value: 0x1234_5000)];
        if (barrier) events.Add(Ev(EventKind.Barrier, 0, 0, 0, BarrierCode.Linux("dma_wmb").Value));
        events.Add(Ev(EventKind.Store, 0, e3, 8, value: 1));
        events.Add(Ev(EventKind.Fetch, 1, e3, 16, aux: 0));
        var found = new ModelOracle(Md(Arch.Arm64, ctx)).Run(events);
        Assert.AreEqual(expected, found.Count(f => f.Kind == SynthFindingKind.PresentBeforePayload), string.Join(" ", found));
        Assert.AreEqual(expected, found.Count);
    }
}
