using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// model.md §8 in the random traces: tables that declare used bits (a 2-bit configuration field beside the
/// present bit selecting which payload bits are used), and live-entry patterns: an entry made present and
/// fetched, then changed in place (payload words, or the configuration with present kept), with fetches
/// straddling the stores, barriers, and invalidations (by its fetcher or another device, by another cpu, of
/// the entry or of all) before or after the next fetch.
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>The configuration field's first bit within the present word.</summary>
    const int CfgShift = 8;

    /// <summary>Used bits for two tables in five of the small-entry ones (none for the others).</summary>
    UsedBits? UsedBitsFor(uint entrySize, uint presentBit)
    {
        if (entrySize > 32 || !Chance(40)) return null;
        uint word = (presentBit / 8) & ~7u;
        uint cfg = word * 8 + CfgShift;
        var field = new EntryBits(cfg, cfg + 1);
        EntryBits Payload()
        {
            var words = new List<uint>();
            for (uint o = 0; o < entrySize; o += 8) if (o != word) words.Add(o);
            if (words.Count == 0) return new EntryBits(word * 8 + 16, word * 8 + (uint)Pick(23, 31, 63)); // 8-byte entries: the present word's upper bits
            uint o8 = Pick([.. words]) * 8;
            return Chance(50) ? new EntryBits(o8, o8 + 63) : new EntryBits(o8 + (uint)Pick(0, 4, 12), o8 + (uint)Pick(15, 31));
        }
        var rules = new List<UsedRule> { new([field], []) };
        rules.Add(new([Payload()], [new UsedCondition(field, 1, 1)]));
        if (Chance(70)) rules.Add(new([Payload()], [new UsedCondition(field, 2, 2)]));
        if (Chance(40)) rules.Add(new([Payload(), Payload()], [new UsedCondition(field, 3, 3)]));
        return new UsedBits(rules);
    }

    /// <summary>A present-word value: present, and on used-bits tables a configuration.</summary>
    ulong LivePresentValue() =>
        PresentValue | (_table.UsedBits is not null || Chance(20) ? (ulong)_rng.Next(4) << CfgShift : 0);

    /// <summary>Make an entry present and fetched, then change it in place with fetches, barriers and invalidations around.</summary>
    void LiveEntries()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        if (Chance(60))
        {
            if (Chance(60)) _b.Store(c, PayloadWord(e), 8, Value());
            MaybeBarrier(c, 70);
            _b.Store(c, PresentWord(e), PresentWordSize, LivePresentValue());
        }
        if (Chance(80)) FetchRun(e);
        int stores = _rng.Next(1, 4);
        for (int i = 0; i < stores; i++)
        {
            ushort who = Chance(80) ? c : Cpu;
            bool straddle = Chance(25);
            if (straddle) _b.Fetch(Fetcher, _table, e, 0);
            if (Chance(35)) _b.Store(who, PresentWord(e), PresentWordSize, Chance(85) ? LivePresentValue() : 0);
            else _b.Store(who, PayloadWord(e), 8, Value());
            if (straddle && _table.EntrySize / _table.Granule > 1) _b.Fetch(Fetcher, _table, e, (uint)_rng.Next(1, (int)(_table.EntrySize / _table.Granule)));
            if (Chance(40))
            {
                MaybeBarrier(who, 60);
                Invalidate(Chance(80) ? who : Cpu, e);
            }
            if (Chance(30)) FetchRun(e);
        }
        if (Chance(40))
        {
            MaybeBarrier(c, 60);
            Invalidate(c, e);
        }
        if (Chance(50)) FetchRun(e);
    }

    /// <summary>
    /// A cpu store (sometimes the fetcher's DMA write) over the end of entry 0 and the start of entry 1 (each half a
    /// payload or a present word, present set or not), between a payload store and a store that sets present, by the same cpu or by another that first
    /// reads one entry's present word (acquiring the spanning store when it wrote it).
    /// </summary>
    void SpanningEntryStore()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        if (Chance(40)) _b.Store(c, PresentWord(e), PresentWordSize, 0);
        if (Chance(70)) _b.Store(c, PayloadWord(e), 8, Value());
        MaybeBarrier(c, 40);
        int half = _table.EntrySize == 8 ? 4 : 8;
        ulong Half() => Pick(0ul, PresentValue, Value(), Value() | PresentValue);
        byte[] bytes = [.. TraceBuilder.Le(Half(), half), .. TraceBuilder.Le(Half(), half)];
        if (Chance(30))
        {
            // Sometimes the fetcher writes over the two entries instead (an OWN write-back spanning them): over entries
            // made present first, so a half that clears present makes its entry non-present (the payload window restarts
            // there, and a payload store after it counts).
            if (Chance(70)) _b.Store(c, PresentWord(Pick(0ul, 1ul)), PresentWordSize, PresentValue);
            _b.DmaWriteBytes(Fetcher, EntryBase(1) - (ulong)half, bytes);
            if (Chance(70)) _b.Store(c, PayloadWord(e), 8, Value());
        }
        else _b.StoreBytes(c, EntryBase(1) - (ulong)half, bytes);
        ushort setter = c;
        if (Chance(60))
        {
            setter = Cpu;
            _b.Load(setter, PresentWord(Pick(0ul, 1ul)), PresentWordSize);
        }
        MaybeBarrier(setter, 30);
        if (Chance(75)) _b.Store(setter, PresentWord(e), PresentWordSize, PresentValue);
        if (Chance(40)) FetchRun(e);
    }

    /// <summary>
    /// The fetcher's write-back over the end of entry 0 and entry 1's present word (mostly clearing it), between a
    /// payload store to entry 1 and a store that makes entry 1 present again, by another cpu that acquires nothing or
    /// by the same: the write restarts entry 1's payload window (contract v1.1), so whether the earlier payload store
    /// still counts depends on the device write's part in the second entry.
    /// </summary>
    void SpanningWriteBack()
    {
        ushort c = Cpu;
        if (Chance(80)) _b.Store(c, PayloadWord(1), 8, Value());
        MaybeBarrier(c, 50);
        _b.Store(c, PresentWord(1), PresentWordSize, PresentValue);
        if (Chance(50)) FetchRun(1);
        int half = _table.EntrySize == 8 ? 4 : 8;
        ulong start = EntryBase(1) - (ulong)half;
        ulong end = Math.Max(EntryBase(1) + (ulong)half, PresentWord(1) + (ulong)PresentWordSize);
        var bytes = new byte[end - start];
        for (int k = 0; k < bytes.Length; k++) bytes[k] = (byte)(Chance(60) ? 0 : _rng.Next(256));
        int at = (int)(EntryBase(1) + _table.PresentBit / 8 - start);
        byte bit = (byte)(1 << (int)(_table.PresentBit % 8));
        bytes[at] = Chance(80) ? (byte)(bytes[at] & ~bit) : (byte)(bytes[at] | bit);
        _b.DmaWriteBytes(Fetcher, start, bytes);
        ushort setter = Chance(70) ? Cpu : c;
        if (Chance(30)) _b.Store(setter, PayloadWord(1), 8, Value());
        MaybeBarrier(setter, 40);
        _b.Store(setter, PresentWord(1), PresentWordSize, PresentValue);
        if (Chance(40)) FetchRun(1);
    }
}
