using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The random traces are valid, varied, and provoke every detector.</summary>
[TestClass]
public sealed class GeneratorTests
{
    const int Seeds = 1500;

    /// <summary>True when some take_irq follows a take of the same device with no raise between (and a raise before both).</summary>
    static bool TakesATakenRaise(List<TraceEvent> ev)
    {
        var taken = new Dictionary<uint, bool>(); // device -> its last raise was taken
        foreach (var e in ev)
        {
            if (e.Kind == EventKind.RaiseIrq) taken[e.Agent] = false;
            else if (e.Kind == EventKind.TakeIrq && taken.TryGetValue(e.Aux, out bool was))
            {
                if (was) return true;
                taken[e.Aux] = true;
            }
        }
        return false;
    }

    [TestMethod]
    public void Generator_SameSeed_SameTrace() =>
        Assert.AreEqual(ScenarioText.Print(TraceGenerator.Generate(42)), ScenarioText.Print(TraceGenerator.Generate(42)));

    /// <summary>The constructs of contract v1.1 and issue 9's five deviations each occur in many traces.</summary>
    [TestMethod]
    public void Generator_ManySeeds_CoversContractV11Constructs()
    {
        var counts = new Dictionary<string, int>();
        void Count(string what, bool hit) { if (hit) counts[what] = counts.GetValueOrDefault(what) + 1; }
        for (int seed = 0; seed < Seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            var table = t.Metadata.Regions.Single(r => r.Kind == RegionKind.Table);
            var ev = t.Events.Select(e => e.E).ToList();
            bool InTable(TraceEvent e) => e.Address >= table.Base && e.Address < table.Base + table.Size;
            ulong Offset(TraceEvent e) => (e.Address - table.Base) % table.EntrySize;
            bool CoversPresentWord(TraceEvent e) =>
                Offset(e) <= table.PresentWordOffset && Offset(e) + (ulong)e.Size >= table.PresentWordOffset + table.PresentWordLength;
            Count("wide load", ev.Any(e => e.Kind == EventKind.Load && InTable(e) && CoversPresentWord(e) && (ulong)e.Size > table.PresentWordLength));
            Count("store over two entries", ev.Any(e => e.Kind == EventKind.Store && InTable(e)
                && (e.Address - table.Base) / table.EntrySize != (e.Address + (ulong)e.Size - 1 - table.Base) / table.EntrySize));
            Count("device write over two entries", ev.Any(e => e.Kind == EventKind.DmaWrite && InTable(e)
                && (e.Address - table.Base) / table.EntrySize != (e.Address + (ulong)e.Size - 1 - table.Base) / table.EntrySize));
            Count("device present write", ev.Any(e => e.Kind == EventKind.DmaWrite && InTable(e) && CoversPresentWord(e)));
            // A device write from one entry into the next that clears the next entry's present bit (its part there restarts the window).
            Count("device write clearing the next entry", t.Events.Any(r => r.E.Kind == EventKind.DmaWrite && InTable(r.E) && ClearsNextPresent(r)));
            bool ClearsNextPresent(RefEvent r)
            {
                ulong next = (r.E.Address - table.Base) / table.EntrySize + 1;
                ulong present = table.Base + next * table.EntrySize + table.PresentBit / 8;
                return present >= r.E.Address && present < r.E.Address + (ulong)r.E.Size
                    && (r.Data[present - r.E.Address] & (1 << (int)(table.PresentBit % 8))) == 0;
            }
            // A cpu store of part of an entry's present word: a release of its own (TraceGenerator.EntryRules.cs).
            Count("partial present word store", ev.Any(e => e.Kind == EventKind.Store && InTable(e) && (ulong)e.Size < table.PresentWordLength
                && Offset(e) >= table.PresentWordOffset && Offset(e) < table.PresentWordOffset + table.PresentWordLength));
            // A store to an entry handed over at once (the next event) by its cpu's store_release or xchg, and another
            // cpu's load of an entry's present word followed by its invalidation of the fetcher (TraceGenerator.EntryRulesMut.cs).
            Count("entry store released at once", Enumerable.Range(0, ev.Count - 1).Any(i => ev[i].Kind == EventKind.Store && InTable(ev[i])
                && ev[i + 1].Agent == ev[i].Agent && ev[i + 1].Kind is EventKind.StoreRelease or EventKind.Xchg));
            Count("present word acquired, then invalidated", Enumerable.Range(0, ev.Count - 1).Any(i => ev[i].Kind == EventKind.Load && InTable(ev[i])
                && CoversPresentWord(ev[i]) && ev.Skip(i + 1).Take(3).Any(x => x.Kind == EventKind.DevInvalidate && x.Agent == ev[i].Agent && x.Aux == table.Device)));
            // Entry x cleared, entry y cleared, x cleared again by one cpu, then another cpu's whole-table invalidation.
            Count("clears out of arming order", Enumerable.Range(0, t.Events.Count).Any(i => Clear(i) is { } x
                && Enumerable.Range(i + 1, t.Events.Count - i - 1).Any(j => Clear(j) is { } y && y != x && ev[j].Agent == ev[i].Agent
                    && Enumerable.Range(j + 1, t.Events.Count - j - 1).Any(k => Clear(k) == x && ev[k].Agent == ev[i].Agent
                        && ev.Skip(k + 1).Any(v => v.Kind == EventKind.DevInvalidate && v.Size == 0 && v.Agent != ev[i].Agent)))));
            ulong? Clear(int i) => ev[i].Kind == EventKind.Store && InTable(ev[i]) && CoversPresentWord(ev[i])
                && (t.Events[i].Data[table.PresentWordOffset - Offset(ev[i]) + table.PresentBit % 64 / 8] & (1 << (int)(table.PresentBit % 8))) == 0
                ? (ev[i].Address - table.Base) / table.EntrySize : null;
            Count("high granule fetch", ev.Any(e => e.Kind == EventKind.Fetch && e.Aux >= 64));
            Count("several invalidations", ev.Count(e => e.Kind == EventKind.DevInvalidate && e.Aux == table.Device) >= 3
                && ev.Where(e => e.Kind == EventKind.DevInvalidate).Select(e => e.Agent).Distinct().Count() >= 2);
            // A flag stored by one cpu, loaded by another that stores the other flag word, loaded back by the first.
            bool roundTrip = false;
            for (int i = 0; i + 3 < ev.Count && !roundTrip; i++)
                roundTrip = ev[i].Kind == EventKind.Store && ev[i + 1].Kind == EventKind.Load && ev[i + 1].Address == ev[i].Address
                    && ev[i + 1].Agent != ev[i].Agent && ev.Skip(i + 2).Take(3).Any(x => x.Kind == EventKind.Load && x.Agent == ev[i].Agent && x.Address == (ev[i].Address ^ 8));
            Count("round trip", roundTrip);
            // TraceGenerator.Hb.cs: an unlock handed at once to another cpu's lock (§2.6), and a take_irq after the raise was taken (§2.5).
            Count("lock hand-off", Enumerable.Range(0, ev.Count - 1).Any(i =>
                ev[i].Kind == EventKind.Unlock && ev[i + 1].Kind == EventKind.Lock && ev[i + 1].Agent != ev[i].Agent));
            Count("second take of one raise", TakesATakenRaise(ev));
            // Byte precision (TraceGenerator.DataRules.cs): buffer accesses that start or end inside a word; a cpu and a
            // device access that meet at a byte (one ends where the other starts); a store over a line edge, only part
            // of it cleaned by its cpu, then read by a device.
            bool InBuf(TraceEvent e) => e.Kind is EventKind.Store or EventKind.Load or EventKind.DmaRead or EventKind.DmaWrite
                && e.Address >= TraceGenerator.Buf && e.Address < TraceGenerator.Buf + 0x40;
            bool IsCpu(TraceEvent e) => e.Kind is EventKind.Store or EventKind.Load;
            Count("buffer access inside words", ev.Any(e => InBuf(e) && (e.Address % 8 != 0 || (e.Address + (ulong)e.Size) % 8 != 0)));
            Count("cpu and device accesses meeting at a byte", ev.Any(x => InBuf(x) && ev.Any(y => InBuf(y) && IsCpu(x) != IsCpu(y)
                && x.Address + (ulong)x.Size == y.Address && y.Address % 8 != 0)));
            ulong line = t.Metadata.CacheLineSize == 0 ? 64 : (ulong)t.Metadata.CacheLineSize;
            Count("store over a line edge, part cleaned, device read", Enumerable.Range(0, ev.Count).Any(s =>
                ev[s].Kind == EventKind.Store && InBuf(ev[s]) && ev[s].Address / line != (ev[s].Address + (ulong)ev[s].Size - 1) / line
                && ev.Skip(s + 1).Any(c => c.Kind is EventKind.CacheClean or EventKind.CacheFlush && c.Agent == ev[s].Agent
                    && (c.Address / line > ev[s].Address / line || (c.Address + (ulong)c.Size - 1) / line < (ev[s].Address + (ulong)ev[s].Size - 1) / line)
                    && c.Address / line <= (ev[s].Address + (ulong)ev[s].Size - 1) / line && (c.Address + (ulong)c.Size - 1) / line >= ev[s].Address / line)
                && ev.Skip(s + 1).Any(r => r.Kind == EventKind.DmaRead && r.Address == ev[s].Address && r.Size == ev[s].Size)));
            // TraceGenerator.Clocks.cs: a buffer chunk store_released, then a plain flag store of its cpu that another cpu
            // reads, then a device read of the chunk (§10.2); an older release (unlock, ram store_release) of a cpu acquired
            // by another cpu after it read a later plain flag of the first, between two flag stores of its own.
            bool InFlag(TraceEvent e) => e.Address >= TraceGenerator.Flag && e.Address < TraceGenerator.Flag + 0x10;
            Count("chunk store_released, then a plain flag read by another cpu", Enumerable.Range(0, ev.Count).Any(s =>
                ev[s].Kind == EventKind.StoreRelease && ev[s].Address >= TraceGenerator.Buf && ev[s].Address < TraceGenerator.Buf + 0x38 && Enumerable.Range(s + 1, ev.Count - s - 1).Any(f =>
                    ev[f].Kind == EventKind.Store && ev[f].Agent == ev[s].Agent && InFlag(ev[f])
                    && ev.Skip(f + 1).Any(r => r.Kind is EventKind.Load or EventKind.LoadAcquire && r.Agent != ev[s].Agent && r.Address == ev[f].Address)
                    && ev.Skip(f + 1).Any(r => r.Kind == EventKind.DmaRead && r.Address == ev[s].Address))));
            Count("older release acquired after a later flag", Enumerable.Range(0, ev.Count).Any(f =>
                ev[f].Kind == EventKind.Store && InFlag(ev[f]) && ev.Take(f).Any(u => u.Agent == ev[f].Agent && u.Kind is EventKind.Unlock or EventKind.StoreRelease)
                && Enumerable.Range(f + 1, ev.Count - f - 1).Any(l => ev[l].Kind == EventKind.Load && ev[l].Address == ev[f].Address && ev[l].Agent != ev[f].Agent
                    && ev.Skip(l + 1).Take(2).Any(g => g.Kind == EventKind.Store && g.Agent == ev[l].Agent && InFlag(g))
                    && ev.Skip(l + 2).Take(2).Any(q => q.Agent == ev[l].Agent && q.Kind is EventKind.Lock or EventKind.LoadAcquire))));
        }
        foreach (var what in new[] { "wide load", "store over two entries", "device write over two entries", "device present write", "device write clearing the next entry", "partial present word store", "entry store released at once", "present word acquired, then invalidated", "clears out of arming order", "high granule fetch", "several invalidations", "round trip",
            "lock hand-off", "second take of one raise", "buffer access inside words", "cpu and device accesses meeting at a byte", "store over a line edge, part cleaned, device read",
            "chunk store_released, then a plain flag read by another cpu", "older release acquired after a later flag" })
            Assert.IsTrue(counts.GetValueOrDefault(what) >= 30, $"{what}: {counts.GetValueOrDefault(what)} of {Seeds} traces");
    }

    [TestMethod]
    public void Generator_ManySeeds_EveryTraceValid()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            string why = Validity.Check(t);
            Assert.AreEqual("", why, $"seed {seed}\n{ScenarioText.Print(t)}");
        }
    }

    [TestMethod]
    public void Generator_ManySeeds_CoversEveryArchOpAndBarrierFamily()
    {
        var archs = new HashSet<Arch>();
        var ops = new HashSet<EventKind>();
        var families = new HashSet<string>();
        var codes = new HashSet<(Arch, ushort)>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            archs.Add(t.Metadata.Arch);
            foreach (var e in t.Events)
            {
                ops.Add(e.E.Kind);
                if (e.E.Kind == EventKind.Barrier)
                {
                    var c = new BarrierCode((ushort)e.E.Aux);
                    codes.Add((t.Metadata.Arch, c.Value));
                    families.Add(c.IsLinux ? "linux" : c.IsDmb ? "dmb" : c.IsDsb ? "dsb" : c.IsX86 ? "x86" : c.IsRiscvFence ? "fence" : "compiler");
                }
            }
        }
        Assert.AreEqual(4, archs.Count);
        Assert.IsTrue(ops.SetEquals(TraceGenerator.Kinds), $"drawn: {string.Join(",", ops.Order())}; declared: {string.Join(",", TraceGenerator.Kinds.Order())}");
        Assert.AreEqual(6, families.Count, string.Join(",", families));
        foreach (var arch in ArchNames.All)
        {
            int all = BarrierCode.AllFor(arch).Count(), seen = codes.Count(c => c.Item1 == arch);
            // riscv has 225 fence.P.S spellings: most, not necessarily all, within the seeds
            Assert.IsGreaterThanOrEqualTo(arch == Arch.Riscv64 ? all * 8 / 10 : all, seen, $"{arch.Name()}: {seen} of {all} barrier kinds");
        }
    }

    [TestMethod]
    public void Generator_ManySeeds_ReferenceFindsEveryKind()
    {
        var counts = new int[FindingKinds.All.Length];
        for (int seed = 0; seed < Seeds; seed++)
            foreach (var f in GeneratedReference.Of(seed)) counts[(int)f.Kind]++;
        foreach (var k in FindingKinds.All)
            Assert.IsGreaterThan(20, counts[(int)k], $"{k.Name()}: {counts[(int)k]} in {Seeds} traces");
    }
}

/// <summary>The scenario language's validity rules, checked on a built trace.</summary>
public static class Validity
{
    public static string Check(RefTrace t)
    {
        var md = t.Metadata;
        for (int i = 0; i < t.Count; i++)
        {
            var e = t[i];
            var agent = md.Agents[e.Agent];
            if (agent.IsCpu != e.Kind.IsCpuEvent()) return $"#{i}: {e.Kind.OpName()} by {agent.Name}";
            if (e.Kind == EventKind.Barrier && !new BarrierCode((ushort)e.Aux).IsValidFor(md.Arch)) return $"#{i}: barrier not valid for arch";
            if (e.Kind.MustCarryData() && t.Events[i].Data.Length != e.Size) return $"#{i}: bytes";
            if (!e.Kind.HasAddress() || e.Kind == EventKind.DevInvalidate) continue;
            var r = md.RegionAt(e.Address);
            if (r is null || !r.Contains(e.Address, (ulong)e.Size)) return $"#{i}: access not inside one region";
            bool mmioOp = e.Kind is EventKind.MmioRead or EventKind.MmioWrite;
            if (mmioOp != (r.Kind == RegionKind.Mmio)) return $"#{i}: {e.Kind.OpName()} on {r.Kind}";
            if (e.Kind == EventKind.Fetch && (r.Kind != RegionKind.Table || r.Device != e.Agent)) return $"#{i}: fetch by a non-fetcher";
        }
        return "";
    }
}
