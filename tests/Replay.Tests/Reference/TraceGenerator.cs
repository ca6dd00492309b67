using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Random small valid traces (10–60 events) for the differential test: one or two cpus, one or two devices
/// (coherent or not), a ram buffer, a sync flag block, an mmio block per device and a table fetched by one
/// device. Steps are drawn mostly from protocol-like sequences (store, barrier or not, doorbell, device read;
/// flag handoffs; device completions; table clear/update/set with fetches) on a few hot addresses, so that
/// findings occur often; the rest are single random ops. The constructs of contract v1.1 and issue 9's five
/// deviations are drawn too: wide loads covering an entry's present word and payload, round trips of a
/// store out to another agent and back, device writes that set or clear present (OWN write-backs), tables of
/// more than 64 granules per entry, and several invalidations (by several cpus) inside one flush window; and the two
/// constructs a run past the seeds found (TraceGenerator.Readings.cs). Validity follows the scenario language: cpu ops by
/// cpus, device ops by devices, fetch only by the table's fetcher, mmio ops on mmio only, accesses inside one region.
/// </summary>
public sealed partial class TraceGenerator
{
    public const ulong Buf = 0x1000, Flag = 0x2000, RegBase = 0xf000, Tbl = 0x10_0000;

    /// <summary>
    /// The kinds the generator draws: 0..15 and the parts' kinds (TraceGenerator.AcquireRelease.cs: 16..18,
    /// TraceGenerator.DeviceLifetime.cs: 19..23,
    /// TraceGenerator.Firmware.cs: 24, 25 on arm64). A part
    /// that draws more kinds adds them here; GeneratorTests checks the seeds draw exactly these.
    /// </summary>
    public static readonly IReadOnlySet<EventKind> Kinds = Enumerable.Range(0, EventKinds.CountBeforeV3).Select(k => (EventKind)k)
        .Concat(DeviceLifetimeKinds).Concat(AcquireReleaseKinds).Concat(FirmwareKinds).ToHashSet();

    readonly Random _rng;
    readonly TraceBuilder _b;
    readonly Arch _arch;
    readonly List<ushort> _cpus = [], _devs = [];
    readonly List<BarrierCode> _barriers;
    readonly RegionInfo _table;
    readonly int _target;

    TraceGenerator(int seed)
    {
        _rng = new Random(seed);
        _arch = ArchNames.All[_rng.Next(ArchNames.All.Length)];
        _b = new TraceBuilder(_arch, $"random #{seed}");
        int nCpu = _rng.Next(1, 4), nDev = _rng.Next(1, 3);
        for (int i = 0; i < nCpu; i++) _cpus.Add(_b.Cpu($"cpu{i}"));
        // A device's IOMMU mode at the start from a generator of its own, so that every seed's events stay as they were
        // before start modes were drawn: one device in four starts in bypass or abort.
        var startModes = new Random(~seed);
        for (int i = 0; i < nDev; i++)
            _devs.Add(_b.Device($"dev{i}", coherent: _rng.Next(5) < 3, iommuAtStart: startModes.Next(4) == 0 ? (IommuTreatment)startModes.Next(1, 3) : IommuTreatment.Translate));
        _b.Ram("buf", Buf, 0x40);
        _b.Sync("flag", Flag, 0x10);
        for (int i = 0; i < nDev; i++) _b.Mmio($"reg{i}", RegBase + (ulong)i * 0x100, 0x10, _devs[i]);
        // One table in eight has entries of 65-128 granules (granules are independent at any entry size).
        uint entrySize = Chance(12) ? Pick(66u * 8, 128u * 8, 80u * 16) : Pick(8u, 16u, 32u, 32u);
        uint granule = entrySize == 8 ? 8 : entrySize == 80 * 16 ? 16 : entrySize > 32 ? 8 : Pick(8u, 16u);
        uint presentBit = entrySize >= 16 ? Pick(0u, 3u, 64u) : Pick(0u, 3u);
        _table = _b.Table("tbl", Tbl, 2, entrySize, granule, presentBit, Pick([.. _devs]), UsedBitsFor(entrySize, presentBit));
        _barriers = [.. BarrierCode.AllFor(_arch)];
        _target = _rng.Next(10, 61);
    }

    /// <summary>The trace for <paramref name="seed"/> (deterministic).</summary>
    public static RefTrace Generate(int seed)
    {
        var g = new TraceGenerator(seed);
        while (g._b.Count < g._target) g.Step();
        g.ShadowTail(); // after the other steps: their random stream and every trace's prefix stay as they were
        g.ColumnsTail(seed); // from a stream of its own
        g.ReadingsTail(seed); // last, from a stream of its own
        return g._b.Build();
    }

    T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];
    bool Chance(int percent) => _rng.Next(100) < percent;
    ushort Cpu => Pick([.. _cpus]);
    /// <summary>A cpu other than <paramref name="c"/>, or <paramref name="c"/> when it is the only one.</summary>
    ushort OtherCpu(ushort c) => _cpus.Count > 1 ? Pick([.. _cpus.Where(x => x != c)]) : c;
    ushort Dev => Pick([.. _devs]);
    ushort Fetcher => (ushort)_table.Device;
    ulong Reg(ushort dev) => RegBase + (ulong)_devs.IndexOf(dev) * 0x100;

    (ulong Addr, int Size) BufChunk() => (Buf + Pick(0ul, 8ul, 16ul), Pick(8, 16));
    (ulong Addr, int Size) FlagWord() => (Flag + Pick(0ul, 8ul), Pick(4, 8));
    ulong EntryBase(ulong e) => Tbl + e * _table.EntrySize;
    ulong PresentWord(ulong e) => EntryBase(e) + _table.PresentWordOffset;
    int PresentWordSize => (int)_table.PresentWordLength;
    ulong PresentValue => 1ul << (int)(_table.PresentBit % 64);

    /// <summary>A payload word of entry e (any 8-byte-aligned word other than the present word), or the present word when none.</summary>
    ulong PayloadWord(ulong e)
    {
        var words = new List<ulong>();
        for (uint o = 0; o < _table.EntrySize; o += 8) if (o != _table.PresentWordOffset) words.Add(o);
        return EntryBase(e) + (words.Count == 0 ? 0 : Pick([.. words]));
    }

    ulong Value() => Pick(0ul, 0x5ul, 0xaaaaul, 0xbbbbul, 0x1234_5000ul);

    void MaybeBarrier(ushort cpu, int percent = 50)
    {
        if (!Chance(percent)) return;
        var code = Chance(60) ? BarrierCode.Linux(Pick(BarrierCode.LinuxNames)) : Pick([.. _barriers]);
        _b.Barrier(cpu, code.ToString());
    }

    void Doorbell(ushort cpu, ushort dev)
    {
        if (Chance(50)) _b.Writel(cpu, Reg(dev), 1);
        else _b.MmioWrite(cpu, Reg(dev), Pick(4, 8), 1);
    }

    void Step()
    {
        switch (_rng.Next(17))
        {
            case 0 or 1: DoorbellProtocol(); break;
            case 2: FlagHandoff(); break;
            case 3: DeviceCompletion(); break;
            case 4: if (Chance(20)) PartialPresentWord(); else TableUpdate(); break;
            case 5: if (Chance(35)) SpanningEntryStore(); else if (Chance(15)) SpanningWriteBack(); else TableUpdate(); break;
            case 6: if (Chance(40)) EntryHandOvers(); else FetchRun(Pick(0ul, 1ul)); break;
            case 7: if (Chance(50)) HbHandOff(); else LockSection(); break;
            case 8: RoundTrip(); break;
            case 9: DescriptorWriteBack(); break;
            case 10: WideEntryLoad(); break;
            case 11: DeviceLifetime(); break;
            case 12: if (Chance(40)) ClocksStep(); else AcquireReleaseStep(); break;
            case 13: LiveEntries(); break;
            case 14 when _arch == Arch.Arm64: FirmwareCalls(); break;
            case 15: if (Chance(45)) DataRulesStep(); else LinesStep(); break;
            default: SingleOp(); break;
        }
    }

    /// <summary>
    /// A cpu's store (buffer, payload or present clear), maybe a barrier, a flag read by another cpu (or a
    /// doorbell to a device that writes a flag back), the flag coming back, then a relaxed release of the first
    /// cpu: a doorbell and a device read, a present store, or an invalidation and a payload store.
    /// </summary>
    void RoundTrip()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        int what = _rng.Next(3);
        if (what == 0) { var (a, n) = BufChunk(); _b.Store(c, a, n, Chance(50) ? Value() : null); }
        else if (what == 1) _b.Store(c, PayloadWord(e), 8, Value());
        else _b.Store(c, PresentWord(e), PresentWordSize, 0);
        MaybeBarrier(c, 70);
        var (f, fn) = FlagWord();
        ushort other = OtherCpu(c);
        if (other != c && Chance(75))
        {
            _b.Store(c, f, fn, (ulong)_rng.Next(1, 4));
            _b.Load(other, f, fn);
            MaybeBarrier(other, 30);
            ulong back = f ^ 8;
            _b.Store(other, back, fn, (ulong)_rng.Next(1, 4));
            _b.Load(c, back, fn);
        }
        else
        {
            ushort d = Dev;
            Doorbell(c, d);
            _b.DmaWrite(d, f, fn, 1);
            _b.Load(c, f, fn);
        }
        switch (what)
        {
            case 0:
                ushort d = Dev;
                _b.MmioWrite(c, Reg(d), 4, 1);
                _b.DmaRead(d, Buf + Pick(0ul, 8ul, 16ul), Pick(8, 16));
                break;
            case 1:
                _b.Store(c, PresentWord(e), PresentWordSize, PresentValue);
                if (Chance(50)) FetchRun(e);
                break;
            default:
                if (Chance(70)) Invalidate(c, e);
                _b.Store(c, PayloadWord(e), 8, Value());
                if (Chance(50)) _b.Store(c, PresentWord(e), PresentWordSize, PresentValue);
                break;
        }
    }

    /// <summary>
    /// A descriptor handed to the device and written back: cpu payload and present set, the device sets or
    /// clears present (its OWN write-back, sometimes with payload), cpu stores around it.
    /// </summary>
    void DescriptorWriteBack()
    {
        ushort c = Cpu, f = Fetcher;
        ulong e = Pick(0ul, 1ul);
        if (Chance(60)) _b.Store(c, PayloadWord(e), 8, Value());
        MaybeBarrier(c, 40);
        if (Chance(50)) _b.Store(c, PresentWord(e), PresentWordSize, PresentValue);
        if (Chance(40)) _b.Store(Cpu, PayloadWord(e), 8, Value()); // a live update: a burst to end
        if (Chance(40)) FetchRun(e);
        if (Chance(50)) _b.DmaWrite(f, PayloadWord(e), 8, Chance(70) ? Value() : null);
        _b.DmaWrite(f, PresentWord(e), PresentWordSize, Chance(65) ? 0 : PresentValue | (Chance(30) ? 0x100ul : 0));
        if (Chance(50)) { _b.RaiseIrq(f); _b.TakeIrq(c, f); }
        int stores = _rng.Next(0, 3);
        for (int i = 0; i < stores; i++) _b.Store(Cpu, PayloadWord(e), 8, Value());
        MaybeBarrier(c);
        if (Chance(60)) _b.Store(c, PresentWord(e), PresentWordSize, Chance(80) ? PresentValue : 0);
    }

    /// <summary>The device writes payload and present; a cpu reads the entry in one wide load, then maybe the payload again.</summary>
    void WideEntryLoad()
    {
        ushort d = Chance(70) ? Fetcher : Dev, c = Cpu;
        ulong e = Pick(0ul, 1ul);
        if (Chance(50)) _b.DmaWrite(d, PayloadWord(e), 8, Value());
        else _b.DmaWriteBytes(d, EntryBase(e), RandomEntryBytes());
        _b.DmaWrite(d, PresentWord(e), PresentWordSize, Chance(80) ? PresentValue : 0);
        int size = (int)Math.Min(_table.EntrySize, (ulong)Pick(16, 32, 64));
        ulong start = Math.Min(PresentWord(e), EntryBase(e) + _table.EntrySize - (ulong)size);
        start -= (start - EntryBase(e)) % 8;
        _b.Load(c, start, size);
        if (Chance(40)) MaybeBarrier(c, 60);
        if (Chance(60)) _b.Load(c, PayloadWord(e), 8);
    }

    void DoorbellProtocol()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = BufChunk();
        _b.Store(c, a, n, Chance(30) ? Value() : null);
        if (Chance(40)) CacheOp(c, Buf, 0x40);
        MaybeBarrier(c);
        Doorbell(c, d);
        if (Chance(80)) { var (ra, rn) = BufChunk(); _b.DmaRead(d, ra, rn); }
    }

    void FlagHandoff()
    {
        ushort c1 = Cpu, c2 = Cpu;
        var (a, n) = BufChunk();
        var (f, fn) = FlagWord();
        _b.Store(c1, a, n);
        MaybeBarrier(c1);
        _b.Store(c1, f, fn, (ulong)_rng.Next(1, 4));
        _b.Load(c2, f, fn);
        MaybeBarrier(c2);
        if (Chance(50)) _b.Load(c2, a, n);
        else { Doorbell(c2, Dev); _b.DmaRead(Dev, a, n); }
    }

    void DeviceCompletion()
    {
        ushort d = Dev, c = Cpu;
        var (a, n) = BufChunk();
        _b.DmaWrite(d, a, n, Chance(30) ? Value() : null);
        switch (_rng.Next(3))
        {
            case 0:
                var (f, fn) = FlagWord();
                _b.DmaWrite(d, f, fn, 1);
                _b.Load(c, f, fn);
                break;
            case 1:
                _b.RaiseIrq(d);
                _b.TakeIrq(c, d);
                break;
            default:
                if (Chance(50)) _b.Readl(c, Reg(d));
                else _b.MmioRead(c, Reg(d), 4);
                break;
        }
        MaybeBarrier(c);
        if (Chance(40)) CacheOp(c, a, n);
        _b.Load(c, a, n);
    }

    void TableUpdate()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        int fetchAt = _rng.Next(6);
        if (fetchAt == 0) FetchRun(e);
        if (Chance(60)) _b.Store(c, PresentWord(e), PresentWordSize, 0); // clear present
        if (fetchAt == 1) FetchRun(e);
        if (Chance(40)) Invalidate(c, e);
        if (Chance(30)) Invalidations(c, e);
        if (fetchAt == 2) FetchRun(e);
        int payloads = _rng.Next(0, 3);
        for (int i = 0; i < payloads; i++)
        {
            if (Chance(15)) _b.StoreBytes(c, EntryBase(e), RandomEntryBytes());
            else _b.Store(c, PayloadWord(e), 8, Value());
            if (fetchAt == 3 && i == 0) FetchRun(e);
        }
        MaybeBarrier(c);
        if (Chance(70)) _b.Store(c, PresentWord(e), PresentWordSize, PresentValue | (Chance(20) ? 0x100ul : 0));
        if (fetchAt >= 4) FetchRun(e);
    }

    byte[] RandomEntryBytes()
    {
        var bytes = new byte[_table.EntrySize];
        for (int k = 0; k < bytes.Length; k++) bytes[k] = (byte)(Chance(60) ? 0 : _rng.Next(256));
        return bytes;
    }

    /// <summary>Several invalidations of e, some by other cpus after a flag handed the clear to them.</summary>
    void Invalidations(ushort c, ulong e)
    {
        var (f, fn) = FlagWord();
        if (Chance(60)) { MaybeBarrier(c, 70); _b.Store(c, f, fn, (ulong)_rng.Next(1, 4)); }
        int n = _rng.Next(2, 4);
        for (int i = 0; i < n; i++)
        {
            ushort who = Cpu;
            if (who != c && Chance(70)) _b.Load(who, f, fn);
            if (Chance(50)) MaybeBarrier(who);
            Invalidate(who, e);
            if (Chance(30)) _b.Store(Cpu, PayloadWord(e), 8, Value());
        }
    }

    void Invalidate(ushort c, ulong e)
    {
        ushort d = Chance(80) ? Fetcher : Dev;
        if (Chance(70)) _b.DevInvalidate(c, d, EntryBase(e), (int)_table.EntrySize);
        else _b.DevInvalidateAll(c, d);
    }

    /// <summary>The fetcher reads some granules of entry e in rising order, sometimes with a cpu store between.</summary>
    void FetchRun(ulong e)
    {
        uint granules = _table.EntrySize / _table.Granule;
        bool big = granules > 8;
        int reads = 0;
        for (uint g = big && Chance(60) ? 0 : (uint)_rng.Next((int)granules); g < granules && reads < 8; g++, reads++)
        {
            _b.Fetch(Fetcher, _table, e, g);
            if (big && g + 1 < granules && Chance(35))
            {
                // A store to a granule ahead (often past 63), and sometimes the run reads it or another one next.
                uint t = g + 1 + (uint)_rng.Next((int)(granules - g - 1));
                _b.Store(Cpu, EntryBase(e) + t * _table.Granule / 8 * 8, 8, Value());
                if (Chance(60)) g = t - 1;
                else if (Chance(50)) g += (uint)_rng.Next((int)(granules - g)) / 2;
                continue;
            }
            if (Chance(25)) _b.Store(Cpu, Chance(50) ? PayloadWord(e) : PresentWord(e), 8, Value());
            if (Chance(30)) g++;
            if (big && Chance(60)) g += (uint)_rng.Next(1, (int)granules / 4); // big entries: jump ahead
        }
    }

    void LockSection()
    {
        ushort c = Cpu;
        _b.LockOp(c, "L");
        if (Chance(50)) { var (a, n) = BufChunk(); _b.Store(c, a, n); }
        else { var (f, fn) = FlagWord(); _b.Load(c, f, fn); }
        MaybeBarrier(c, 20);
        if (Chance(85)) _b.UnlockOp(c, "L");
    }

    void CacheOp(ushort c, ulong a, int n)
    {
        switch (_rng.Next(3))
        {
            case 0: _b.CacheClean(c, a, n); break;
            case 1: _b.CacheInval(c, a, n); break;
            default: _b.CacheFlush(c, a, n); break;
        }
    }

    (ulong Addr, int Size) AnyMemory() => _rng.Next(3) switch
    {
        0 => BufChunk(),
        1 => FlagWord(),
        _ => Chance(50) ? (PayloadWord(Pick(0ul, 1ul)), 8) : (EntryBase(Pick(0ul, 1ul)), (int)_table.EntrySize),
    };

    void SingleOp()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = AnyMemory();
        switch (_rng.Next(16))
        {
            case 0: _b.Store(c, a, n, Chance(50) ? Value() : null); break;
            case 1: _b.Load(c, a, n); break;
            case 2: MaybeBarrier(c, 100); break;
            case 3: Doorbell(c, d); break;
            case 4: _b.MmioRead(c, Reg(d), 4); break;
            case 5: CacheOp(c, a, n); break;
            case 6: Invalidate(c, Pick(0ul, 1ul)); break;
            case 7: _b.LockOp(c, "L"); break;
            case 8: _b.UnlockOp(c, "L"); break;
            case 9: _b.TakeIrq(c, d); break;
            case 10: _b.DmaRead(d, a, n); break;
            case 11: _b.DmaWrite(d, a, n, Chance(50) ? Value() : null); break;
            case 12: _b.Fetch(Fetcher, _table, Pick(0ul, 1ul), (uint)_rng.Next((int)(_table.EntrySize / _table.Granule))); break;
            case 13: _b.RaiseIrq(d); break;
            case 14: _b.Readl(c, Reg(d)); break;
            default: _b.DmaWrite(d, PresentWord(Pick(0ul, 1ul)), PresentWordSize, Chance(50) ? PresentValue : 0); break;
        }
    }
}
