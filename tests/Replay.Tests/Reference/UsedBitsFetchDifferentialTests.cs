using System.Text;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// torn-entry-fetch on used-bits tables (model.md §8.1), the engine against the literal reference on small random
/// traces built for it: fetch runs (from granule 0 or later, rising with gaps, restarted, cut short) with stores in
/// their middle that change another granule, the same value, both of two granules, the configuration field, the
/// present bit, bits no configuration uses; device writes; entries of up to 128 one-byte granules; conditions on
/// fields in later granules (read as memory holds them now).
/// </summary>
[TestClass]
public sealed class UsedBitsFetchDifferentialTests
{
    const ulong Tbl = 0x10_0000;

    static readonly (uint Entry, uint Granule)[] Layouts =
        [(8, 1), (8, 2), (16, 8), (16, 4), (24, 8), (32, 8), (32, 1), (64, 16), (72, 1), (80, 8), (128, 1), (128, 2)];

    /// <summary>The engine's findings; <paramref name="maxBatch"/> &gt; 0: in random batches of up to that many events.</summary>
    static List<Finding> Engine(RefTrace t, int maxBatch = 0)
    {
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        FindingLists.Process(engine, t, maxBatch);
        return Canonical(engine.Complete());
    }

    static List<Finding> Reference(RefTrace t) => Canonical(ReferenceModel.Run(t, ReferenceReadings.Literal));

    sealed class Gen(int seed)
    {
        readonly Random _rng = new(seed);
        readonly TraceBuilder _b = new(seed % 3 == 0 ? Arch.X86_64 : Arch.Arm64);
        ushort _cpu0, _cpu1, _dev, _dma;
        RegionInfo _t = null!;
        byte[] _mem = [];
        uint _cfgLow;

        bool Chance(int pct) => _rng.Next(100) < pct;

        EntryBits RandomRun(uint bits)
        {
            uint low = (uint)_rng.Next((int)bits);
            uint high = Math.Min(bits - 1, low + (uint)(Chance(50) ? _rng.Next(8) : _rng.Next(80)));
            return new EntryBits(low, high);
        }

        UsedBits Used(uint entry, uint presentBit)
        {
            uint bits = 8 * entry;
            var cfg = new EntryBits(_cfgLow, _cfgLow + 1);
            var rules = new List<UsedRule> { new([cfg], []) };
            int n = _rng.Next(1, 5);
            for (int i = 0; i < n; i++)
            {
                var when = new List<UsedCondition> { new(cfg, 3, (ulong)_rng.Next(4)) };
                // A second condition on a field of a later byte (often another granule), sometimes.
                if (Chance(30))
                {
                    uint low = (uint)_rng.Next(8, (int)bits - 1);
                    when.Add(new UsedCondition(new EntryBits(low, low), 1, (ulong)_rng.Next(2)));
                }
                var runs = new List<EntryBits>();
                int r = _rng.Next(1, 4);
                for (int k = 0; k < r; k++) runs.Add(RandomRun(bits));
                rules.Add(new UsedRule(runs, when));
            }
            return new UsedBits(rules);
        }

        public RefTrace Build()
        {
            _cpu0 = _b.Cpu("cpu0");
            _cpu1 = _b.Cpu("cpu1");
            _dev = _b.Device("dev");
            _dma = _b.Device("dma");
            var (entry, granule) = Layouts[_rng.Next(Layouts.Length)];
            uint presentBit = (uint)(Chance(60) ? 0 : Chance(50) ? 63 % (8 * entry) : 5);
            _cfgLow = 8; // bits 8..9: byte 1
            _t = _b.Table("tbl", Tbl, 2, entry, granule, presentBit, _dev, Used(entry, presentBit));
            Assert.IsNull(_t.UsedBits!.Check(_t));
            _mem = new byte[2 * entry];
            int steps = _rng.Next(6, 30);
            for (int s = 0; s < steps; s++) Step();
            return _b.Build();
        }

        ulong Base(int e) => Tbl + (ulong)e * _t.EntrySize;

        void Write(ushort agent, ulong addr, byte[] bytes, bool device, bool release = false)
        {
            if (device) _b.DmaWriteBytes(agent, addr, bytes);
            else if (release && bytes.Length is 1 or 2 or 4 or 8)
            {
                ulong v = 0;
                for (int k = 0; k < bytes.Length; k++) v |= (ulong)bytes[k] << (8 * k);
                _b.StoreRelease(agent, addr, bytes.Length, v);
            }
            else _b.StoreBytes(agent, addr, bytes);
            bytes.CopyTo(_mem.AsSpan((int)(addr - Tbl)));
        }

        /// <summary>A cpu store (sometimes a device write) to entry e of one of several shapes.</summary>
        void RandomWrite(int e)
        {
            int entry = (int)_t.EntrySize, g = (int)_t.Granule;
            int size = Math.Min(entry, _rng.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 });
            int off;
            switch (_rng.Next(5))
            {
                case 0: off = _rng.Next(entry - size + 1); break; // anywhere in the entry
                case 1: // straddling a granule edge
                {
                    int edges = entry / g - 1;
                    off = edges > 0 ? Math.Clamp((_rng.Next(edges) + 1) * g - Math.Max(1, size / 2), 0, entry - size) : 0;
                    break;
                }
                case 2: off = 0; break; // present/cfg word
                case 3: off = (int)(_t.PresentBit / 8) & ~(size - 1); off = Math.Min(off, entry - size); break;
                default: off = _rng.Next(entry / size) * size; break; // aligned
            }
            int at = e * entry + off;
            if (e == 0 && Chance(8)) { size = Math.Min(8, entry); at = entry - _rng.Next(1, size); } // across entries 0 and 1
            var bytes = new byte[size];
            switch (_rng.Next(6))
            {
                case 0: _mem.AsSpan(at, size).CopyTo(bytes); break; // the same value: no change
                case 1: // flip one bit
                    _mem.AsSpan(at, size).CopyTo(bytes);
                    bytes[_rng.Next(size)] ^= (byte)(1 << _rng.Next(8));
                    break;
                case 2: // present and a configuration (when the write covers byte 0/1)
                    _mem.AsSpan(at, size).CopyTo(bytes);
                    for (int k = 0; k < size; k++)
                    {
                        int inEntry = off + k;
                        if (inEntry == _t.PresentBit / 8) bytes[k] |= (byte)(1 << (int)(_t.PresentBit % 8));
                        if (inEntry == 1) bytes[k] = (byte)((bytes[k] & ~3) | _rng.Next(4));
                    }
                    break;
                default: _rng.NextBytes(bytes); break;
            }
            bool device = Chance(12);
            Write(device ? _dma : Chance(70) ? _cpu0 : _cpu1, Tbl + (ulong)at, bytes, device, release: Chance(10));
        }

        void Step()
        {
            int e = Chance(80) ? 0 : 1;
            uint granules = _t.EntrySize / _t.Granule;
            switch (_rng.Next(10))
            {
                case 0:
                case 1:
                case 2:
                case 3:
                {
                    // A fetch run with writes in its middle.
                    uint g = Chance(75) ? 0 : (uint)_rng.Next((int)granules);
                    while (g < granules)
                    {
                        _b.Fetch(_dev, _t, (ulong)e, g);
                        while (Chance(35)) RandomWrite(Chance(85) ? e : 1 - e);
                        if (Chance(8)) break; // cut short
                        g += Chance(75) ? 1u : (uint)_rng.Next(1, 1 + (int)Math.Max(1, granules / 4));
                    }
                    break;
                }
                case 4:
                    _b.Fetch(_dev, _t, (ulong)e, (uint)_rng.Next((int)granules));
                    break;
                case 5:
                {
                    // Make the entry present with a configuration, then something in place.
                    var v = new byte[Math.Min(8, (int)_t.EntrySize)];
                    _mem.AsSpan(e * (int)_t.EntrySize, v.Length).CopyTo(v);
                    v[_t.PresentBit / 8 < (uint)v.Length ? _t.PresentBit / 8 : 0] |= (byte)(1 << (int)(_t.PresentBit % 8));
                    if (v.Length > 1) v[1] = (byte)((v[1] & ~3) | _rng.Next(4));
                    Write(_cpu0, Base(e), v, false);
                    break;
                }
                case 6:
                    if (Chance(50)) _b.Barrier(_cpu0, "dma_wmb");
                    else _b.DevInvalidate(_cpu0, _dev, Base(e), (int)_t.EntrySize);
                    break;
                default:
                    RandomWrite(e);
                    break;
            }
        }
    }

    static string Describe(int seed, RefTrace t, List<Finding> expected, List<Finding> actual) =>
        new StringBuilder()
            .Append($"seed {seed}\n").Append(ScenarioText.Print(t))
            .Append("reference: ").Append(string.Join(" ", expected)).Append('\n')
            .Append("engine:    ").Append(string.Join(" ", actual)).Append('\n').ToString();

    [TestMethod]
    [DataRow(0, 750)]
    [DataRow(750, 750)]
    public void UsedBitsFetch_RandomScenarios_SameFindingsAsReference(int from, int count)
    {
        var failures = new List<string>();
        int torn = 0, tornTraces = 0, usedMatters = 0;
        for (int seed = from; seed < from + count && failures.Count < 3; seed++)
        {
            var t = new Gen(seed).Build();
            var expected = Reference(t);
            int maxBatch = seed % 4 == 0 ? 1 + seed % 7 : 0;
            var actual = Engine(t, maxBatch);
            int n = expected.Count(f => f.Kind == FindingKind.TornEntryFetch);
            torn += n;
            if (n > 0) tornTraces++;
            // The used bits decide: without them the torn-entry-fetch findings differ (a change in unused bits).
            var plain = Reference(WithoutUsedBits(t)).Where(f => f.Kind == FindingKind.TornEntryFetch).Select(f => f.ToString());
            if (!plain.SequenceEqual(expected.Where(f => f.Kind == FindingKind.TornEntryFetch).Select(f => f.ToString()))) usedMatters++;
            if (Same(expected, actual)) continue;
            failures.Add(Describe(seed, t, expected, actual));
            var small = TraceShrinker.Shrink(t, c => !Same(Reference(c), Engine(c, maxBatch)));
            failures.Add("shrunk:\n" + Describe(seed, small, Reference(small), Engine(small, maxBatch)));
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        Assert.IsGreaterThan(count / 20, tornTraces, $"traces with a torn-entry-fetch ({torn} findings)");
        Assert.IsGreaterThan(count / 20, usedMatters, "traces whose torn-entry-fetch findings the used bits change");
    }

    /// <summary>
    /// 128 one-byte granules (two words of granules); configuration 1 uses byte 100 only. A store straddling
    /// granules 99 and 100 in the middle of a whole fetch tears it at granule 100 (not 99, unused) under
    /// configuration 1, and nowhere under configuration 2. A same-value store to byte 100 tears nothing.
    /// </summary>
    [TestMethod]
    [DataRow(1, false, true)]
    [DataRow(2, false, false)]
    [DataRow(1, true, false)]
    public void UsedBitsFetch_StoreStraddlingGranulesOfALargeEntry_TornOnlyAtTheUsedGranule(int cfg, bool sameValue, bool torn)
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev");
        var field = new EntryBits(8, 9);
        var used = new UsedBits([new UsedRule([field], []), new UsedRule([new EntryBits(800, 807)], [new UsedCondition(field, 3, 1)])]);
        var t = b.Table("tbl", Tbl, 2, 128, 1, 0, dev, used);
        b.Store(cpu, Tbl, 2, 1UL | (ulong)cfg << 8);
        if (sameValue) b.Store(cpu, Tbl + 99, 2, 0xabcd);
        int first = b.Fetch(dev, t, 0, 0);
        for (uint g = 1; g < 99; g++) b.Fetch(dev, t, 0, g);
        int store = b.Store(cpu, Tbl + 99, 2, 0xabcd);
        b.Fetch(dev, t, 0, 99);
        int at100 = b.Fetch(dev, t, 0, 100);
        for (uint g = 101; g < 128; g++) b.Fetch(dev, t, 0, g);
        Assert.AreEqual(torn ? $"torn-entry-fetch@{at100}[first-granule={first},store={store}]" : "", TornEntryFetches(b.Build()));
    }

    /// <summary>
    /// The observed configuration is evaluated again after any write to the entry, a device's too: granules 4 and 5
    /// changed by one cpu store; byte 5 is used when bit 0 of byte 7 (unread yet, read as memory holds it) is set.
    /// The read of granule 4 finds it clear; a device write then sets it, and the read of granule 5 is torn by the
    /// cpu store (one evaluation kept for the whole fetch missed this).
    /// </summary>
    [TestMethod]
    [DataRow(true)]  // torn at granule 5
    [DataRow(false)] // not torn
    public void UsedBitsFetch_DeviceWriteBetweenReads_ChangesTheConfigurationTheFetchObserves(bool deviceWrite)
    {
        var b = new TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev");
        var dma = b.Device("dma");
        var used = new UsedBits([new UsedRule([new EntryBits(8, 9)], []), new UsedRule([new EntryBits(40, 47)], [new UsedCondition(new EntryBits(56, 56), 1, 1)])]);
        var t = b.Table("tbl", Tbl, 2, 8, 1, 0, dev, used);
        b.Store(cpu, Tbl, 8, 1UL | 1UL << 8);
        int first = b.Fetch(dev, t, 0, 0);
        for (uint g = 1; g < 4; g++) b.Fetch(dev, t, 0, g);
        int store = b.Store(cpu, Tbl + 4, 2, 0xabcd);
        b.Fetch(dev, t, 0, 4);
        if (deviceWrite) b.DmaWriteBytes(dma, Tbl + 7, [1]);
        int at5 = b.Fetch(dev, t, 0, 5);
        for (uint g = 6; g < 8; g++) b.Fetch(dev, t, 0, g);
        Assert.AreEqual(deviceWrite ? $"torn-entry-fetch@{at5}[first-granule={first},store={store}]" : "", TornEntryFetches(b.Build()));
    }

    /// <summary>The trace's torn-entry-fetch findings as the reference gives them, after checking the engine gives every finding the reference does.</summary>
    static string TornEntryFetches(RefTrace trace)
    {
        var expected = Reference(trace);
        Assert.IsTrue(Same(expected, Engine(trace)), $"reference {string.Join(" ", expected)}, engine {string.Join(" ", Engine(trace))}");
        return string.Join(" ", expected.Where(f => f.Kind == FindingKind.TornEntryFetch));
    }
}
